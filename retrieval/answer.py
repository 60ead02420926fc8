"""Score a passage's sentences against a question; what a question already states is no answer.

Which candidate inside the chosen sentence answers is `retrieval/attach.py`'s business."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from retrieval.question import Question
from retrieval.spans import Span

__all__ = ["Idf", "SentenceIndex", "ScoredSentence", "score_sentence", "in_question", "coverage", "bm25_idf", "TYPED", "SPANNED"]

TYPED = frozenset({"number", "money", "percent", "date", "person", "organisation", "place"})
# Types whose answer is a span inside the sentence; a "change", "nationality" or "quote" sentence without
# one can still answer, so they do not count as typed for abstention.
SPANNED = TYPED | {"change", "nationality", "quote"}


@dataclass(frozen=True)
class SentenceIndex:
    """A passage's sentences: offsets into the document and their stemmed terms."""

    spans: tuple[tuple[int, int], ...]
    terms: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class ScoredSentence:
    passage_index: int
    start: int
    end: int
    coverage: float  # idf-weighted share of the question's terms present
    order: float  # share of the question's term pairs present in the same order
    typed: bool  # holds a span of the expected answer type not already in the question
    spans: tuple[Span, ...]

    def score(self, weights: dict[str, float]) -> float:
        return self.coverage + weights["order"] * self.order + weights["typed"] * float(self.typed)


class Idf(dict):
    """Term -> idf; a term the corpus never uses weighs as much as its rarest term."""

    def __init__(self, values: dict[str, float]) -> None:
        super().__init__(values)
        self.ceiling = max(values.values(), default=1.0)

    def __missing__(self, term: str) -> float:
        return self.ceiling


def coverage(question_terms: tuple[str, ...], sentence_terms: set[str], idf: Idf) -> float:
    """idf-weighted share of the question's distinct terms found in `sentence_terms`."""
    unique = set(question_terms)
    total = sum(idf[t] for t in unique)
    return sum(idf[t] for t in unique if t in sentence_terms) / total if total else 0.0


def ordered_pairs(question_terms: tuple[str, ...], sentence_terms: tuple[str, ...]) -> float:
    pairs = set(zip(question_terms, question_terms[1:]))
    if not pairs:
        return 0.0
    present = set(zip(sentence_terms, sentence_terms[1:]))
    return len(pairs & present) / len(pairs)


def score_sentence(
    text: str, passage_index: int, span: tuple[int, int], terms: tuple[str, ...], question: Question, idf: dict[str, float],
    candidates: tuple[Span, ...] = (),
) -> ScoredSentence:
    """Score one sentence against the question; `candidates` are its spans of the asked-for type."""
    start, end = span
    spans = tuple(s for s in candidates if not in_question(text[s.start : s.end], question.text) and not restates(text, s, question.text))
    return ScoredSentence(
        passage_index, start, end, coverage(question.terms, set(terms), idf), ordered_pairs(question.terms, terms), bool(spans), spans
    )


def in_question(value: str, question: str) -> bool:
    """A span the question already states is not its answer ("in May 2022" asked about)."""
    core = re.sub(
        r"^(?:more than|over|nearly|almost|around|about|approximately|some|up to|at least|the|a|an|early|mid|late|in|on)[\s-]+", "", value.strip(), flags=re.I
    )
    core = core.strip(" \"“”'‘’.,;:!?")  # a quotation the question repeats: '"step in the right direction."'
    return bool(core) and core.casefold() in question.casefold()


EXPANDED = re.compile(r"((?:[A-Z][\w’'.-]*\s(?:(?:of|for|the|and)\s)?)+)\($")


def restates(text: str, span: Span, question: str) -> bool:
    """An acronym of a name the question states ("Inter-American Development Bank (IDB)" asked
    about by name) is that name again, not the answer."""
    value = text[span.start : span.end]
    if not re.fullmatch(r"[A-Z]{2,8}", value):
        return False
    defined = text.rfind(f"({value})", 0, span.end + 1)
    if defined < 0:
        return False
    expansion = EXPANDED.search(text, max(0, defined - 100), defined + 1)
    return bool(expansion) and in_question(expansion.group(1), question)


def bm25_idf(document_frequency: int, documents: int) -> float:
    """Robertson–Spärck Jones idf with the +1 of Lucene's BM25, never negative."""
    return math.log(1 + (documents - document_frequency + 0.5) / (document_frequency + 0.5))
