"""Each passage's sentences and their stemmed terms, split once, and how well each
matches a question's terms: the sentence-level evidence the rerank reads.
Which sentence answers, and with which span, is the answer layer's business (answers/)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from ingest.chunk import is_heading
from ingest.lexical import bm25_tokens
from ingest.records import Document, Passage
from ingest.sentences import sentence_spans

__all__ = ["Idf", "SentenceIndex", "ScoredSentence", "SentenceStore", "coverage", "bm25_idf", "WARM_LIMIT"]

WARM_LIMIT = 20_000  # passages; larger indexes split sentences on first use


@dataclass(frozen=True)
class SentenceIndex:
    """A passage's sentences: offsets into the document and their stemmed terms."""

    spans: tuple[tuple[int, int], ...]
    terms: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class ScoredSentence:
    passage_index: int
    start: int  # offsets into the passage's document
    end: int
    coverage: float  # idf-weighted share of the question's terms present
    order: float  # share of the question's term pairs present in the same order

    def score(self, order_weight: float) -> float:
        return self.coverage + order_weight * self.order


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


def bm25_idf(document_frequency: int, documents: int) -> float:
    """Robertson–Spärck Jones idf with the +1 of Lucene's BM25, never negative."""
    return math.log(1 + (documents - document_frequency + 0.5) / (document_frequency + 0.5))


class SentenceStore:
    """Sentences split on first use (at start-up for small indexes); a race between two
    threads filling the same entry computes the same value twice, nothing worse."""

    def __init__(self, passages: list[Passage], documents: dict[str, Document]) -> None:
        self.passages = passages
        self.documents = documents
        self._sentences: dict[int, SentenceIndex] = {}
        if len(passages) <= WARM_LIMIT:
            for index in range(len(passages)):
                self.sentences(index)

    def sentences(self, index: int) -> SentenceIndex:
        cached = self._sentences.get(index)
        if cached is None:
            p = self.passages[index]
            text = self.documents[p.doc_id].text
            spans = tuple(sentence_spans(text, p.start, p.end))
            terms = tuple(tuple(t) for t in bm25_tokens([text[s:e] for s, e in spans]))
            cached = self._sentences[index] = SentenceIndex(spans, terms)
        return cached

    def terms_of(self, sentence: ScoredSentence) -> tuple[str, ...]:
        sentences = self.sentences(sentence.passage_index)
        return next((terms for span, terms in zip(sentences.spans, sentences.terms) if span == (sentence.start, sentence.end)), ())

    def top(self, index: int, terms: tuple[str, ...], idf: Idf, order_weight: float, n: int) -> list[ScoredSentence]:
        """The passage's n sentences that best match the question's terms, best first."""
        text = self.documents[self.passages[index].doc_id].text
        sentences = self.sentences(index)
        scored = [
            ScoredSentence(index, start, end, coverage(terms, set(words), idf), ordered_pairs(terms, words))
            for (start, end), words in zip(sentences.spans, sentences.terms)
            if not is_heading(text[start:end])  # a title is not an answer
        ]
        return sorted(scored, key=lambda s: (-s.score(order_weight), s.start))[:n]
