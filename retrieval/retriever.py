"""The retrieval API shared by the HTTP service and the eval harness.

    retriever = Retriever.load(index_dir)
    result = retriever.ask("How many Haitians arrived in Del Rio?", k=5)

Pipeline: BM25 and dense candidates -> fusion -> feature rerank (rare-term
coverage, term order, expected answer type) -> answer sentence and span ->
abstain or answer; alternatives from other sources when they disagree.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from citeqa.errors import BadQuestion, ModelMismatch, UnknownId
from ingest.dedup import shingles
from ingest.embed import Encoder
from ingest.lexical import bm25_tokens
from ingest.records import Document, Passage
from ingest.store import IndexData, read_index
from retrieval.abstain import AbstainConfig, abstain_features, abstain_probability, states_other_year
from retrieval.answer import TYPED, Idf, ScoredSentence, bm25_idf, coverage
from retrieval.attach import binding, choose_span
from retrieval.first_stage import MODES, FirstStage, ms_since
from retrieval.fusion import minmax
from retrieval.query_encoder import load_query_encoder
from retrieval.question import Question, analyze
from retrieval.quotes import MIN_QUOTE_CHARS, QuoteIndex, QuoteMatch
from retrieval.records import Answer, Filters, Highlight, Hit, Result
from retrieval.sentence_store import SentenceStore
from retrieval.values import values_disagree

__all__ = ["Retriever", "RetrievalConfig", "MAX_QUESTION_CHARS", "MAX_K"]

MAX_QUESTION_CHARS = 1000
MAX_K = 50
NEAR_DUPLICATE = 0.8
# Reference lists cite other works (titles, dates, URLs); they are evidence of
# sources, rarely the answer, so they rank below the body text.
REFERENCE_SECTIONS = frozenset({"notes", "endnotes", "references", "bibliography", "sources", "works cited", "footnotes"})
WARM_LIMIT = 20_000
FAISS_THREAD_LIMIT = 100_000  # passages; larger indexes split sentences lazily


@dataclass(frozen=True)
class RetrievalConfig:
    """Ranking settings; the defaults are the ones chosen on the dev split (README)."""

    fusion: str = "convex"  # "convex" or "rrf": convex won on dev (README, "Ranking choices")
    rrf_k: int = 60
    alpha: float = 0.5  # dense weight for convex fusion
    candidates: int = 50  # from each of BM25 and dense
    rerank_depth: int = 20
    rerank: bool = True
    weights: dict[str, float] = field(default_factory=lambda: {"fused": 1.0, "coverage": 1.0, "typed": 0.25, "order": 0.2, "reference": 0.5, "source": 0.3})
    sentence_weights: dict[str, float] = field(default_factory=lambda: {"order": 0.3, "typed": 0.25, "passage": 0.3, "binding": 0.5})
    answer_passages: int = 5
    answer_sentences: int = 2  # per passage
    abstain: AbstainConfig = field(default_factory=AbstainConfig)


class Retriever:
    """Loaded once, then safe to share between threads: queries only fill caches."""

    def __init__(self, data: IndexData, encoder: Encoder, config: RetrievalConfig | None = None) -> None:
        self.data = data
        self.encoder = encoder
        self.config = config or RetrievalConfig()
        self.passages: list[Passage] = data.passages
        self.documents: dict[str, Document] = data.documents
        self.by_id = {p.passage_id: i for i, p in enumerate(self.passages)}
        self.passage_terms = [tuple(t) for t in bm25_tokens([p.text for p in self.passages])]
        frequency = Counter(t for terms in self.passage_terms for t in set(terms))
        self.idf = Idf({t: bm25_idf(n, len(self.passages)) for t, n in frequency.items()})
        self.vocabulary = frozenset(self.idf)
        self.first = FirstStage(
            data, encoder, fusion=self.config.fusion, alpha=self.config.alpha, rrf_k=self.config.rrf_k, candidates=self.config.candidates
        )
        self.sentences = SentenceStore(self.passages, self.documents)
        self.source_terms = {
            doc_id: set(bm25_tokens([f"{d.metadata.title} {d.metadata.publisher} {d.metadata.author}"])[0])
            for doc_id, d in self.documents.items()
        }
        source_frequency = Counter(t for terms in self.source_terms.values() for t in terms)
        self.source_idf = {t: bm25_idf(n, len(self.documents)) for t, n in source_frequency.items()}
        self._quotes: QuoteIndex | None = None

    @classmethod
    def load(
        cls, index_dir: Path, *, model: str | None = None, encoder: Encoder | None = None, config: RetrievalConfig | None = None
    ) -> Retriever:
        """Load an index; a `model` or `encoder` other than the one it was built with is refused."""
        data = read_index(index_dir)
        built_with = data.manifest["model"]
        wanted = encoder.name if encoder is not None else (model or built_with)
        if wanted != built_with:
            raise ModelMismatch(f"index {index_dir} was built with model {built_with!r}, not {wanted!r}; re-run ingest with --model {wanted}")
        encoder = encoder or load_query_encoder(built_with)
        if len(data.passages) < FAISS_THREAD_LIMIT:
            import faiss

            faiss.omp_set_num_threads(1)  # OpenMP threads cost more than they save on a small index
        if encoder.dim != data.manifest["dimension"]:
            raise ModelMismatch(f"model {wanted!r} makes {encoder.dim}-d vectors; the index holds {data.manifest['dimension']}-d")
        return cls(data, encoder, config)

    # -- lookups -----------------------------------------------------------------

    def document(self, doc_id: str) -> Document:
        if doc_id not in self.documents:
            raise UnknownId(f"no document {doc_id!r}")
        return self.documents[doc_id]

    def passage(self, passage_id: str) -> Passage:
        if passage_id not in self.by_id:
            raise UnknownId(f"no passage {passage_id!r}")
        return self.passages[self.by_id[passage_id]]

    def search(self, question: str, *, k: int = 10, filters: Filters | None = None, mode: str = "hybrid", timings: dict | None = None) -> list[Hit]:
        """First-stage ranking only (no rerank, no answer): what BEIR runs measure."""
        if mode not in MODES:
            raise BadQuestion("mode must be dense, bm25 or hybrid")
        q = analyze(validate_question(question))
        ranked, _ = self.first.rank(q, k, filters, mode, timings if timings is not None else {})
        return [Hit(self.passages[i], float(s), n + 1) for n, (i, s) in enumerate(ranked[:k])]

    # -- rerank and answer -------------------------------------------------------

    def rerank(
        self, ranked: list[tuple[int, float]], question: Question, tops: dict[int, list[ScoredSentence]] | None = None
    ) -> list[tuple[int, float, ScoredSentence | None]]:
        """Rescore the head of the first-stage ranking by its passages' best sentences; `tops`
        collects each passage's top sentences for the answer to choose from."""
        head = ranked[: self.config.rerank_depth]
        fused = minmax(np.array([s for _, s in head], dtype=np.float64)) if head else np.array([])
        w = self.config.weights
        rescored = []
        for (index, _), fused_score in zip(head, fused):
            top = self.sentences.top(index, question, self.idf, self.config.sentence_weights, self.config.answer_sentences)
            if tops is not None:
                tops[index] = top
            best = top[0] if top else None
            score = w["fused"] * fused_score
            if self.config.rerank and best is not None:
                score += w["coverage"] * best.coverage + w["typed"] * float(best.typed) + w["order"] * best.order
            if self.passages[index].section.casefold() in REFERENCE_SECTIONS:
                score -= w["reference"]
            score += w["source"] * self.source_match(question, self.passages[index])
            rescored.append((index, float(score), best))
        rescored.sort(key=lambda item: (-item[1], item[0]))
        return rescored + [(i, float(s) * 1e-3, None) for i, s in ranked[self.config.rerank_depth :]]

    def source_match(self, question: Question, passage: Passage) -> float:
        """How much of what the question says about its source ("according to the Bipartisan
        Policy Center", "in his endorsement-event speech") the passage's documents' title,
        publisher and author hold, weighted by how rare each term is among the documents."""
        asked = {t for t in question.terms if t in self.source_idf}
        total = sum(self.source_idf[t] for t in asked)
        if not total:
            return 0.0
        docs = (passage.doc_id, *passage.also_in)
        return max(sum(self.source_idf[t] for t in asked & self.source_terms.get(d, set())) for d in docs) / total

    def pick_answer(self, reranked, question: Question, tops: dict[int, list[ScoredSentence]]) -> tuple[ScoredSentence | None, float]:
        """The best sentence among the top sentences of the top passages (`tops`, from rerank):
        how well it matches, how tightly the question binds to an answer in it, and its
        passage's rank score."""
        weights = self.config.sentence_weights
        pool = [
            (sentence, score)
            for index, score, best in reranked[: self.config.answer_passages]
            if best is not None and self.passages[index].section.casefold() not in REFERENCE_SECTIONS
            for sentence in tops[index]
        ]
        if not pool:
            return None, 0.0
        top = max(score for _, score in pool) or 1.0

        def merit(item: tuple[ScoredSentence, float]) -> float:
            sentence, passage_score = item
            text = self.documents[self.passages[sentence.passage_index].doc_id].text
            return sentence.score(weights) + weights["passage"] * passage_score / top + weights["binding"] * binding(text, sentence, question, self.idf)

        best, passage_score = max(pool, key=merit)
        return best, passage_score

    def make_answer(self, sentence: ScoredSentence, question: Question) -> Answer:
        passage = self.passages[sentence.passage_index]
        text = self.documents[passage.doc_id].text
        start, end = choose_span(text, sentence, question, self.idf)
        return Answer(
            text=text[start:end], start=start, end=end,
            sentence=text[sentence.start : sentence.end], sentence_start=sentence.start, sentence_end=sentence.end,
            passage_id=passage.passage_id, doc_id=passage.doc_id, score=round(sentence.coverage, 4),
        )

    def alternatives(self, reranked, chosen: ScoredSentence, answer: Answer, question: Question) -> list[tuple[int, Answer]]:
        """Answers of the same type from other documents whose sentences match about as well
        but state a different value: sources that disagree are shown side by side."""
        if question.answer_type not in TYPED - {"person", "organisation", "place"}:
            return []
        found: list[tuple[int, Answer]] = []
        chosen_docs = {self.passages[chosen.passage_index].doc_id, *self.passages[chosen.passage_index].also_in}
        # how well a passage answers is judged on the whole passage: an account of the same
        # event may name the meeting in one sentence and date it in the next
        answers_as_well = coverage(question.terms, set(self.passage_terms[chosen.passage_index]), self.idf) - self.config.abstain.conflict_margin
        for index, _, best in reranked[: self.config.rerank_depth]:
            passage = self.passages[index]
            if best is None or not best.typed or passage.doc_id in chosen_docs:
                continue
            if coverage(question.terms, set(self.passage_terms[index]), self.idf) < answers_as_well:
                continue
            mine, theirs = self.sentences.terms_of(chosen), self.sentences.terms_of(best)
            if min(coverage(mine, set(theirs), self.idf), coverage(theirs, set(mine), self.idf)) < self.config.abstain.conflict_overlap:
                continue  # a different event, not a different account of the same one
            alternative = self.make_answer(best, question)
            if values_disagree(question.answer_type, answer.text, alternative.text) and all(
                normalize_value(a.text) != normalize_value(alternative.text) for _, a in found
            ):
                found.append((index, alternative))
                chosen_docs.add(passage.doc_id)
        return found[:2]

    def ask(self, question: str, *, k: int = 5, filters: Filters | None = None) -> Result:
        validate_k(k)
        started = time.perf_counter()
        timings: dict[str, float] = {}
        q = analyze(validate_question(question))
        ranked, dense = self.first.rank(q, max(k, self.config.rerank_depth), filters, "hybrid", timings)
        step = time.perf_counter()
        tops: dict[int, list[ScoredSentence]] = {}
        reranked = self.rerank(ranked, q, tops)
        timings["rerank"] = ms_since(step)
        step = time.perf_counter()
        sentence, _ = self.pick_answer(reranked, q, tops)
        answer = self.make_answer(sentence, q) if sentence else None
        others = self.alternatives(reranked, sentence, answer, q) if answer else []
        timings["answer"] = ms_since(step)
        order = [i for i, _, _ in reranked]
        if answer:
            # the cited passage first, then the passages of disagreeing sources
            lead = [self.by_id[answer.passage_id]] + [i for i, _ in others]
            order = lead + [i for i in order if i not in lead]
        hits = self.hits(order, reranked, k, answer)
        abstain = sentence is None or self.abstain_score(q, sentence, max(dense.values(), default=0.0)) > self.config.abstain.threshold
        timings["total"] = ms_since(started)
        if abstain or answer is None:
            return Result(question=q.text, answerable=False, answer=None, passages=[], related=hits, timings_ms=timings)
        return Result(q.text, True, answer, hits, [], timings, alternatives=[a for _, a in others])

    def abstention_features(self, q: Question, sentence: ScoredSentence, top_dense: float) -> tuple[float, ...]:
        sentence_terms = set(self.sentences.terms_of(sentence))
        passage_terms = set(self.passage_terms[sentence.passage_index])
        return abstain_features(q, sentence, sentence_terms, passage_terms, top_dense, self.vocabulary, self.idf)

    def abstain_score(self, q: Question, sentence: ScoredSentence, top_dense: float) -> float:
        """Probability that the corpus does not answer `q` (see retrieval/abstain.py)."""
        passage = self.passages[sentence.passage_index]
        sentence_text = self.documents[passage.doc_id].text[sentence.start : sentence.end]
        # the year a document is dated counts as mentioned: questions date facts by their source
        dated = " ".join(self.documents[d].metadata.date for d in (passage.doc_id, *passage.also_in) if d in self.documents)
        other_year = states_other_year(q.text, sentence_text, f"{passage.text} {dated}")
        return abstain_probability(self.abstention_features(q, sentence, top_dense), self.config.abstain, other_year=other_year)

    def answer_candidate(self, question: str) -> tuple[Question, ScoredSentence | None, float]:
        """The question analysed, its best sentence and the best dense score: what abstention sees."""
        q = analyze(validate_question(question))
        ranked, dense = self.first.rank(q, self.config.rerank_depth, None, "hybrid", {})
        tops: dict[int, list[ScoredSentence]] = {}
        sentence, _ = self.pick_answer(self.rerank(ranked, q, tops), q, tops)
        return q, sentence, max(dense.values(), default=0.0)

    def find_quote(self, quote: str) -> list[QuoteMatch]:
        """Exact occurrences of `quote` (case, quote style and spacing ignored), else near ones."""
        cleaned = " ".join(quote.split())
        if len(cleaned) < MIN_QUOTE_CHARS:
            raise BadQuestion(f"a quote needs at least {MIN_QUOTE_CHARS} characters")
        if self._quotes is None:
            self._quotes = QuoteIndex(self.documents)
        exact = self._quotes.exact(cleaned)
        if exact:
            return exact
        hits = self.search(cleaned[:MAX_QUESTION_CHARS], k=8)
        candidates = [(h.passage.doc_id, h.passage.start, h.passage.end) for h in hits]
        return self._quotes.near(cleaned, candidates)

    def hits(self, order: list[int], reranked, k: int, answer: Answer | None) -> list[Hit]:
        """Top k, without near-identical passages, with answer and sentence highlights."""
        scores = {i: s for i, s, _ in reranked}
        best = {i: b for i, _, b in reranked}
        chosen: list[int] = []
        seen: list[set] = []
        for index in dict.fromkeys(order):
            own = shingles(self.passages[index].text)
            if own and any(len(own & other) >= NEAR_DUPLICATE * len(own) for other in seen):
                continue
            chosen.append(index)
            seen.append(own)
            if len(chosen) == k:
                break
        result = []
        for rank, index in enumerate(chosen, start=1):
            passage = self.passages[index]
            marks = []
            if best.get(index) is not None:
                marks.append(Highlight(best[index].start, best[index].end, "sentence"))
            if answer and answer.passage_id == passage.passage_id:
                marks.append(Highlight(answer.start, answer.end, "answer"))
            result.append(Hit(passage, round(scores.get(index, 0.0), 6), rank, tuple(marks)))
        return result


def normalize_value(text: str) -> str:
    return " ".join(text.casefold().replace(",", "").split())


def validate_question(question: str) -> str:
    """The question with control characters and runs of spaces collapsed; BadQuestion when unusable."""
    if not isinstance(question, str):
        raise BadQuestion("the question must be text")
    if len(question) > MAX_QUESTION_CHARS:
        raise BadQuestion(f"the question is longer than {MAX_QUESTION_CHARS} characters")
    cleaned = " ".join("".join(c if c.isprintable() else " " for c in question).split())
    if not cleaned:
        raise BadQuestion("the question is empty")
    return cleaned


def validate_k(k: int) -> None:
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= MAX_K:
        raise BadQuestion(f"k must be between 1 and {MAX_K}")

