"""What the answer layer returns. Every text carries offsets into the cleaned
document text, so `document.text[start:end]` reproduces it exactly."""

from __future__ import annotations

from dataclasses import dataclass, field

from retrieval.records import Hit

__all__ = ["Answer", "Result"]


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
    lang: str = "en"  # the question's language (ISO 639-1); answers are quoted from the English sources
