"""Each passage's sentences, their terms and candidate answer spans, computed once."""

from __future__ import annotations

import threading

from ingest.chunk import is_heading
from ingest.lexical import bm25_tokens
from ingest.records import Document, Passage
from ingest.sentences import sentence_spans
from retrieval.answer import SPANNED, Idf, ScoredSentence, SentenceIndex, score_sentence
from retrieval.question import Question
from retrieval.spans import candidate_spans

__all__ = ["SentenceStore", "WARM_LIMIT"]

WARM_LIMIT = 20_000  # passages; larger indexes split sentences on first use
SPANS_WARM_LIMIT = 2_000  # passages; about 2.4 s of span patterns for the bundled corpus's 366


class SentenceStore:
    """Caches fill on first use (or at start-up for small indexes); a race between two
    threads filling the same entry computes the same value twice, nothing worse."""

    def __init__(self, passages: list[Passage], documents: dict[str, Document]) -> None:
        self.passages = passages
        self.documents = documents
        self._sentences: dict[int, SentenceIndex] = {}
        self._spans: dict[tuple[str, int, int, str], tuple] = {}
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

    def typed_spans(self, doc_id: str, span: tuple[int, int], answer_type: str) -> tuple:
        """Candidate spans of one sentence: the patterns run once per sentence and type."""
        if answer_type not in SPANNED:
            return ()
        key = (doc_id, span[0], span[1], answer_type)
        cached = self._spans.get(key)
        if cached is None:
            cached = self._spans[key] = tuple(candidate_spans(self.documents[doc_id].text, span[0], span[1], answer_type))
        return cached

    def warm_in_background(self) -> threading.Thread:
        """`warm_spans` in a daemon thread: what the service does after loading."""
        thread = threading.Thread(target=self.warm_spans, name="citeqa-warm-spans", daemon=True)
        thread.start()
        return thread

    def warm_spans(self) -> None:
        """Run the span patterns over every sentence for every answer type, so that a question's
        first look at a sentence costs a dict lookup (cold asks take ~10 ms longer on the
        bundled corpus). Small indexes only."""
        if len(self.passages) > SPANS_WARM_LIMIT:
            return
        for answer_type in sorted(SPANNED):
            for index, passage in enumerate(self.passages):
                for span in self.sentences(index).spans:
                    self.typed_spans(passage.doc_id, span, answer_type)

    def terms_of(self, sentence: ScoredSentence) -> tuple[str, ...]:
        sentences = self.sentences(sentence.passage_index)
        return next((terms for span, terms in zip(sentences.spans, sentences.terms) if span == (sentence.start, sentence.end)), ())

    def top(self, index: int, question: Question, idf: Idf, weights: dict[str, float], n: int) -> list[ScoredSentence]:
        """The passage's n sentences that best match the question, best first."""
        doc_id = self.passages[index].doc_id
        text = self.documents[doc_id].text
        sentences = self.sentences(index)
        scored = [
            score_sentence(text, index, span, terms, question, idf, self.typed_spans(doc_id, span, question.answer_type))
            for span, terms in zip(sentences.spans, sentences.terms)
            if not is_heading(text[span[0] : span[1]])  # a title is not an answer
        ]
        return sorted(scored, key=lambda s: (-s.score(weights), s.start))[:n]
