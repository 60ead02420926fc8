"""What retrieval returns. Every text it returns carries offsets into the
cleaned document text, so `document.text[start:end]` reproduces it exactly."""

from __future__ import annotations

from dataclasses import dataclass

from ingest.records import Passage
from retrieval.query import Query
from retrieval.sentences import ScoredSentence

__all__ = ["Hit", "Filters", "Highlight", "Ranked", "Ranking"]


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
class Filters:
    """Restrict retrieval to some documents. Empty fields do not filter."""

    doc_ids: tuple[str, ...] = ()
    publishers: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    date_from: str = ""  # ISO date, inclusive; compared on the known precision
    date_to: str = ""

    def is_empty(self) -> bool:
        return not (self.doc_ids or self.publishers or self.kinds or self.date_from or self.date_to)


@dataclass(frozen=True)
class Ranked:
    """One reranked passage and its best sentences for the question, best first."""

    index: int  # position in the index's passage list
    score: float
    sentences: tuple[ScoredSentence, ...] = ()


@dataclass(frozen=True)
class Ranking:
    query: Query
    ranked: list[Ranked]  # the reranked head, then the rest of the first stage
    top_dense: float  # the best dense similarity of any candidate: how near the corpus is at all
    translingual: bool = False  # ranked by the multilingual sentence vectors (a question not in English)
