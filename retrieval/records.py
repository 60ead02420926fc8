"""What retrieval returns. Every text it returns carries offsets into the
cleaned document text, so `document.text[start:end]` reproduces it exactly."""

from __future__ import annotations

from dataclasses import dataclass, field

from ingest.records import Passage

__all__ = ["Hit", "Answer", "Result", "Filters", "Highlight"]


@dataclass(frozen=True)
class Highlight:
    """A span inside a passage's document worth marking (the answer, a matched term)."""

    start: int
    end: int
    kind: str  # "answer" or "sentence"


@dataclass(frozen=True)
class Hit:
    passage: Passage
    score: float
    rank: int
    highlights: tuple[Highlight, ...] = ()


@dataclass(frozen=True)
class Answer:
    """The shortest span that answers, inside the sentence that holds it."""

    text: str
    start: int
    end: int
    sentence: str
    sentence_start: int
    sentence_end: int
    passage_id: str
    doc_id: str
    score: float = 0.0


@dataclass(frozen=True)
class Filters:
    """Restrict retrieval to some documents. Empty fields do not filter."""

    doc_ids: tuple[str, ...] = ()
    publishers: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    date_from: str = ""  # ISO date, inclusive; compared on the known precision
    date_to: str = ""

    def is_empty(self) -> bool:
        return not (self.doc_ids or self.publishers or self.kinds or self.date_from or self.date_to)


@dataclass
class Result:
    question: str
    answerable: bool
    answer: Answer | None
    passages: list[Hit]
    related: list[Hit] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)
    # Answers from other sources that state a different value (sources disagree).
    alternatives: list[Answer] = field(default_factory=list)
