"""Pick the sentence that answers, and inside it the shortest span that does."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from retrieval.question import Question
from retrieval.spans import Span

__all__ = ["Idf", "SentenceIndex", "ScoredSentence", "score_sentence", "choose_span", "TYPED"]

TYPED = frozenset({"number", "money", "percent", "date", "person", "organisation", "place"})


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
    spans = tuple(s for s in candidates if not in_question(text[s.start : s.end], question.text))
    return ScoredSentence(
        passage_index, start, end, coverage(question.terms, set(terms), idf), ordered_pairs(question.terms, terms), bool(spans), spans
    )


def in_question(value: str, question: str) -> bool:
    """A span the question already states is not its answer ("in May 2022" asked about)."""
    core = re.sub(r"^(?:more than|over|nearly|almost|around|about|approximately|some|up to|at least|the|a|an)\s+", "", value.strip(), flags=re.I)
    return core.casefold() in question.casefold()


def choose_span(text: str, sentence: ScoredSentence, question: Question) -> tuple[int, int]:
    """The candidate nearest the words the sentence shares with the question; the whole
    sentence when the question asks why or how, or no candidate fits."""
    if not sentence.spans:
        return sentence.start, sentence.end
    anchors = anchor_positions(text, sentence.start, sentence.end, question.text)
    if question.wants_list and question.answer_type in {"place", "organisation", "person"}:
        return list_span(text, sentence.spans)

    def distance(span: Span) -> float:
        if not anchors:
            return span.start
        return min(min(abs(span.start - p), abs(span.end - p)) for p, _ in anchors)

    best = min(sentence.spans, key=lambda s: (distance(s), -(s.end - s.start)))
    return best.start, best.end


def list_span(text: str, spans: tuple[Span, ...]) -> tuple[int, int]:
    """The longest run of candidates joined by commas and 'and' ("Mexico, Costa Rica, and Belize")."""
    best = (spans[0].start, spans[0].end)
    run_start, run_end = spans[0].start, spans[0].end
    for previous, span in zip(spans, spans[1:]):
        if re.fullmatch(r",?\s*(?:and|or)?\s*|,\s*", text[previous.end : span.start]):
            run_end = span.end
        else:
            run_start, run_end = span.start, span.end
        if run_end - run_start > best[1] - best[0]:
            best = (run_start, run_end)
    return best


ANCHOR = re.compile(r"[A-Za-zÀ-ÿ]{4,}|\b(?:19|20)\d\d\b")


def anchor_positions(text: str, start: int, end: int, question: str) -> list[tuple[int, str]]:
    """(offset, stem) of the sentence's words (4+ letters) and years that the question shares."""
    words = {stem_prefix(w) for w in ANCHOR.findall(question)}
    return [(start + m.start(), stem_prefix(m.group())) for m in ANCHOR.finditer(text[start:end]) if stem_prefix(m.group()) in words]


def stem_prefix(word: str) -> str:
    """A crude stem good enough to match "coordinates" with "Coordinator"."""
    return word.casefold()[:6]


def bm25_idf(document_frequency: int, documents: int) -> float:
    """Robertson–Spärck Jones idf with the +1 of Lucene's BM25, never negative."""
    return math.log(1 + (documents - document_frequency + 0.5) / (document_frequency + 0.5))
