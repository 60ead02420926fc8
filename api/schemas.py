"""HTTP schemas: one per direction. Pydantic lives here, at the edge, and nowhere deeper."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from retrieval.retriever import MAX_K, MAX_QUESTION_CHARS

ID_PATTERN = r"^[A-Za-z0-9._-]{1,200}$"
OPTIONAL_DATE = r"^(\d{4}(-\d{2}(-\d{2})?)?)?$"  # "", YYYY, YYYY-MM or YYYY-MM-DD


def whole_number(value: object) -> object:
    """JSON Schema's integer: 5 and 5.0, not "5" or true."""
    if isinstance(value, bool) or isinstance(value, str):
        raise ValueError("must be a whole number")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


WholeNumber = Annotated[int, BeforeValidator(whole_number)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FiltersIn(Strict):
    doc_ids: list[str] = Field(default_factory=list, max_length=100)
    publishers: list[str] = Field(default_factory=list, max_length=20)
    kinds: list[str] = Field(default_factory=list, max_length=10)
    date_from: str = Field(default="", pattern=OPTIONAL_DATE)
    date_to: str = Field(default="", pattern=OPTIONAL_DATE)


class AskIn(Strict):
    question: str = Field(min_length=1, max_length=MAX_QUESTION_CHARS)
    k: WholeNumber = Field(default=5, ge=1, le=MAX_K)
    filters: FiltersIn = Field(default_factory=FiltersIn)


class QuoteIn(Strict):
    text: str = Field(min_length=1, max_length=5000)


class HighlightOut(BaseModel):
    start: int
    end: int
    kind: str


class PassageOut(BaseModel):
    passage_id: str
    doc_id: str
    title: str
    publisher: str
    date: str
    url: str
    page: int | None
    section: str
    start: int
    end: int
    text: str
    score: float
    highlights: list[HighlightOut]
    also_in: list[str]


class AnswerOut(BaseModel):
    text: str
    sentence: str
    doc_id: str
    passage_id: str
    start: int
    end: int
    sentence_start: int
    sentence_end: int
    title: str
    publisher: str
    date: str
    url: str


class AskOut(BaseModel):
    question: str
    lang: str = Field(description="The question's language (ISO 639-1, detected); answers are quoted from the English sources")
    answerable: bool
    answer: AnswerOut | None
    alternatives: list[AnswerOut]
    passages: list[PassageOut]
    related: list[PassageOut]
    took_ms: float
    timings_ms: dict[str, float]


class DocumentSummary(BaseModel):
    doc_id: str
    title: str
    publisher: str
    author: str
    date: str
    url: str
    kind: str
    license: str
    pages: int | None
    characters: int


class DocumentOut(DocumentSummary):
    text: str


class QuoteMatchOut(BaseModel):
    exact: bool
    similarity: float
    doc_id: str
    start: int
    end: int
    text: str
    title: str
    publisher: str
    date: str
    url: str
    page: int | None


class QuoteOut(BaseModel):
    text: str
    found: bool
    matches: list[QuoteMatchOut]


class ErrorOut(BaseModel):
    detail: str


def error_responses(*codes: int) -> dict[int, dict]:
    """OpenAPI entries for the JSON error bodies a route can return."""
    return {code: {"model": ErrorOut} for code in codes}


JSON_BODY_ERRORS = error_responses(400, 413, 415, 422, 503)
LOOKUP_ERRORS = error_responses(404, 422, 503)


class RequestCountsOut(BaseModel):
    total: int
    ok: int
    client_errors: int
    shed: int  # 503s of load shedding
    server_errors: int


class CacheStatsOut(BaseModel):
    capacity: int
    entries: int
    hits: int
    misses: int
    hit_rate: float
    evictions: int
    invalidations: int  # emptied for a new index build


class LatencyOut(BaseModel):
    recent: int  # how many of the latest answered questions these figures cover
    mean: float
    p50: float
    p90: float
    p99: float
    max: float


class AskCountsOut(BaseModel):
    answered: int
    latency_ms: LatencyOut


class WorkerMetricsOut(BaseModel):
    pid: int
    requests: RequestCountsOut
    cache: CacheStatsOut
    ask: AskCountsOut


class MetricsOut(BaseModel):
    workers: int
    uptime_s: float
    requests: RequestCountsOut
    cache: CacheStatsOut
    ask: AskCountsOut
    per_worker: list[WorkerMetricsOut]
