"""Ranking: passages for a question, and the index's documents and passages.

    retriever = Retriever.load(index_dir)
    ranking = retriever.rank(make_query("How many Haitians arrived in Del Rio?"), k=5)

Pipeline: BM25 and dense candidates -> fusion -> feature rerank (rare-term
coverage and term order of each passage's best sentences, reference sections,
the source the question names). The answer read from the ranking is the answer
layer's (answers/).
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from citeqa.errors import BadQuestion, ModelMismatch, UnknownId
from ingest.chunk import is_heading
from ingest.dedup import shingles
from ingest.embed import Encoder
from ingest.lexical import bm25_tokens
from ingest.records import Document, Passage
from ingest.index_store import open_store
from ingest.store import IndexData
from retrieval.first_stage import MODES, ms_since
from retrieval.fusion import minmax
from retrieval.language import LanguageDetector
from retrieval.query import Query, make_query
from retrieval.query_encoder import load_query_encoder
from retrieval.quotes import MIN_QUOTE_CHARS, QuoteIndex, QuoteMatch
from retrieval.records import Filters, Highlight, Hit, Ranked, Ranking
from retrieval.sentences import Idf, ScoredSentence, SentenceStore, bm25_idf
from retrieval.stages import first_stage_for

__all__ = ["Retriever", "RetrievalConfig", "MAX_QUESTION_CHARS", "MAX_K", "validate_question", "validate_k"]

MAX_QUESTION_CHARS = 1000
MAX_K = 50
NEAR_DUPLICATE = 0.8
# Reference lists cite other works (titles, dates, URLs); they are evidence of
# sources, rarely the answer, so they rank below the body text.
REFERENCE_SECTIONS = frozenset({"notes", "endnotes", "references", "bibliography", "sources", "works cited", "footnotes"})
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
    weights: dict[str, float] = field(default_factory=lambda: {"fused": 1.0, "coverage": 1.0, "order": 0.2, "reference": 0.5, "source": 0.3})
    sentence_order: float = 0.3  # weight of term order against coverage when a passage's sentences are compared
    sentences_per_passage: int = 2  # the best sentences kept with each reranked passage
    translingual_alpha: float = 0.6  # dense weight for questions ranked by the multilingual sentence vectors (chosen on tuning, README)
    # a multilingual cosine at or below the first reads as no match, at or above the second as a full one
    similarity_range: tuple[float, float] = (0.75, 0.95)


class Retriever:
    """Loaded once, then safe to share between threads: queries only fill caches."""

    def __init__(
        self, data: IndexData, encoder: Encoder, config: RetrievalConfig | None = None, *, multilingual_encoder: Encoder | None = None
    ) -> None:
        self.data = data
        self.encoder = encoder
        self.multilingual_encoder = multilingual_encoder  # kept for a reload: a new build brings no new model
        self.config = config or RetrievalConfig()
        self.passages: list[Passage] = data.passages
        self.documents: dict[str, Document] = data.documents
        self.by_id = {p.passage_id: i for i, p in enumerate(self.passages)}
        self.passage_terms = [tuple(t) for t in bm25_tokens([p.text for p in self.passages])]
        frequency = Counter(t for terms in self.passage_terms for t in set(terms))
        self.idf = Idf({t: bm25_idf(n, len(self.passages)) for t, n in frequency.items()})
        self.vocabulary = frozenset(self.idf)
        self.first = first_stage_for(
            data, encoder, fusion=self.config.fusion, alpha=self.config.alpha, rrf_k=self.config.rrf_k, candidates=self.config.candidates,
            multilingual_encoder=multilingual_encoder, translingual_alpha=self.config.translingual_alpha,
        )
        self.language = LanguageDetector(self.vocabulary)
        rows = data.multilingual.rows if data.multilingual is not None else np.zeros((0, 3), dtype=np.int64)
        # the multilingual sentence rows of passage i are sentence_rows[i]:sentence_rows[i + 1]
        self.sentence_rows = np.searchsorted(rows[:, 0], np.arange(len(self.passages) + 1))
        self.sentences = SentenceStore(self.passages, self.documents)
        self.manifest: dict = data.manifest
        self.parse_records: list[dict] = data.parse_records  # ingest's sentence parses, for the answer layer
        self.source_terms = {
            doc_id: set(bm25_tokens([f"{d.metadata.title} {d.metadata.publisher} {d.metadata.author}"])[0])
            for doc_id, d in self.documents.items()
        }
        source_frequency = Counter(t for terms in self.source_terms.values() for t in terms)
        self.source_idf = {t: bm25_idf(n, len(self.documents)) for t, n in source_frequency.items()}
        self._quotes: QuoteIndex | None = None

    @classmethod
    def load(
        cls, index_dir: Path | str, *, model: str | None = None, encoder: Encoder | None = None, config: RetrievalConfig | None = None,
        multilingual_encoder: Encoder | None = None,
    ) -> Retriever:
        """Load an index (a folder, a milvus-lite `*.db` or a `milvus://` URI); a `model` or
        `encoder` other than the one it was built with is refused. The multilingual encoder is
        the one the build records, unless one is given."""
        data = open_store(index_dir).read(vectors=False)
        built_with = data.manifest["model"]
        wanted = encoder.name if encoder is not None else (model or built_with)
        if wanted != built_with:
            raise ModelMismatch(f"index {index_dir} was built with model {built_with!r}, not {wanted!r}; re-run ingest with --model {wanted}")
        encoder = encoder or load_query_encoder(built_with)
        multilingual = multilingual_encoder
        if multilingual is None and data.multilingual is not None:
            multilingual = load_query_encoder(data.multilingual.model)
        if len(data.passages) < FAISS_THREAD_LIMIT:
            import faiss

            faiss.omp_set_num_threads(1)  # OpenMP threads cost more than they save on a small index
        if encoder.dim != data.manifest["dimension"]:
            raise ModelMismatch(f"model {wanted!r} makes {encoder.dim}-d vectors; the index holds {data.manifest['dimension']}-d")
        return cls(data, encoder, config, multilingual_encoder=multilingual)

    def reload(self, index_dir: Path) -> Retriever:
        """The current build of `index_dir`, ranked with this retriever's encoder and settings:
        a new build brings new passages, not a new model, so nothing is loaded twice."""
        return Retriever.load(index_dir, encoder=self.encoder, config=self.config, multilingual_encoder=self.multilingual_encoder)

    @property
    def build_id(self) -> str:
        """The build served (a folder's build, a Milvus build's collection): what anything
        derived from it is keyed by."""
        return self.data.build_id

    # -- lookups -----------------------------------------------------------------

    def document(self, doc_id: str) -> Document:
        if doc_id not in self.documents:
            raise UnknownId(f"no document {doc_id!r}")
        return self.documents[doc_id]

    def passage(self, passage_id: str) -> Passage:
        if passage_id not in self.by_id:
            raise UnknownId(f"no passage {passage_id!r}")
        return self.passages[self.by_id[passage_id]]

    def passage_terms_of(self, index: int) -> set[str]:
        """The stemmed terms of a passage, as BM25 sees them."""
        return set(self.passage_terms[index])

    def sentence_terms(self, sentence: ScoredSentence) -> tuple[str, ...]:
        return self.sentences.terms_of(sentence)

    def sentence_spans(self, index: int) -> tuple[tuple[int, int], ...]:
        """Every sentence of a passage, as offsets into its document."""
        return self.sentences.sentences(index).spans

    def detect_language(self, question: str) -> str:
        """The ISO 639-1 code of the question's language (retrieval/language.py)."""
        return self.language.detect(question)

    def warm(self) -> None:
        """Encode once, so that the first question does not pay for loading the encoder."""
        self.first.rank(make_query("warm up"), 1, None, "hybrid", {})

    def search(self, question: str, *, k: int = 10, filters: Filters | None = None, mode: str = "hybrid", timings: dict | None = None) -> list[Hit]:
        """First-stage ranking only (no rerank, no answer): what BEIR runs measure."""
        if mode not in MODES:
            raise BadQuestion("mode must be dense, bm25 or hybrid")
        q = make_query(validate_question(question))
        ranked, _, _ = self.first.rank(q, k, filters, mode, timings if timings is not None else {})
        return [Hit(self.passages[i], float(s), n + 1) for n, (i, s) in enumerate(ranked[:k])]

    def rank(self, query: Query, *, k: int = 5, filters: Filters | None = None, timings: dict | None = None) -> Ranking:
        """First stage, then the rerank of its head; each reranked passage keeps its best
        sentences for the answer layer."""
        timings = timings if timings is not None else {}
        ranked, dense, vector = self.first.rank(query, max(k, self.config.rerank_depth), filters, "hybrid", timings)
        step = time.perf_counter()
        reranked = self.rerank(ranked, query, vector)
        timings["rerank"] = ms_since(step)
        return Ranking(query, reranked, max(dense.values(), default=0.0), translingual=vector is not None)

    # -- rerank and answer -------------------------------------------------------

    def rerank(self, ranked: list[tuple[int, float]], query: Query, vector: np.ndarray | None = None) -> list[Ranked]:
        """Rescore the head of the first-stage ranking by its passages' best sentences: by their
        terms, or for a question in another language (`vector`) by their multilingual similarity."""
        head = ranked[: self.config.rerank_depth]
        fused = minmax(np.array([s for _, s in head], dtype=np.float64)) if head else np.array([])
        w = self.config.weights
        rescored = []
        for (index, _), fused_score in zip(head, fused):
            if vector is None:
                top = self.sentences.top(index, query.terms, self.idf, self.config.sentence_order, self.config.sentences_per_passage)
            else:
                top = self.similar_sentences(index, vector, self.config.sentences_per_passage)
            score = w["fused"] * fused_score
            if self.config.rerank and top:
                score += w["coverage"] * top[0].coverage + w["order"] * top[0].order
            if self.is_reference(index):
                score -= w["reference"]
            score += w["source"] * self.source_match(query, self.passages[index])
            rescored.append(Ranked(index, float(score), tuple(top)))
        rescored.sort(key=lambda item: (-item.score, item.index))
        return rescored + [Ranked(i, float(s) * 1e-3, ()) for i, s in ranked[self.config.rerank_depth :]]

    def similar_sentences(self, index: int, vector: np.ndarray, n: int) -> list[ScoredSentence]:
        """A passage's n sentences nearest a question in another language; their coverage is the
        multilingual cosine rescaled to 0..1 (RetrievalConfig.similarity_range)."""
        first, last = self.sentence_rows[index], self.sentence_rows[index + 1]
        vectors = self.data.multilingual
        similarity = vectors.vectors[first:last] @ vector
        low, high = self.config.similarity_range
        text = self.documents[self.passages[index].doc_id].text
        scored = [
            ScoredSentence(index, int(start), int(end), float(np.clip((s - low) / (high - low), 0.0, 1.0)), 0.0)
            for (_, start, end), s in zip(vectors.rows[first:last], similarity)
            if not is_heading(text[int(start) : int(end)])
        ]
        return sorted(scored, key=lambda s: (-s.coverage, s.start))[:n]

    def is_reference(self, index: int) -> bool:
        """Reference lists cite other works: evidence of sources, rarely the answer."""
        return self.passages[index].section.casefold() in REFERENCE_SECTIONS

    def source_match(self, question: Query, passage: Passage) -> float:
        """How much of what the question says about its source ("according to the Bipartisan
        Policy Center", "in his endorsement-event speech") the passage's documents' title,
        publisher and author hold, weighted by how rare each term is among the documents."""
        asked = {t for t in question.terms if t in self.source_idf}
        total = sum(self.source_idf[t] for t in asked)
        if not total:
            return 0.0
        docs = (passage.doc_id, *passage.also_in)
        return max(sum(self.source_idf[t] for t in asked & self.source_terms.get(d, set())) for d in docs) / total

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

    def hits(self, order: list[int], ranking: Ranking, k: int, marks: dict[int, tuple[Highlight, ...]] | None = None) -> list[Hit]:
        """Top k of `order` without near-identical passages, each with its best sentence marked
        and any further `marks` (the answer) by passage index."""
        ranked = {r.index: r for r in ranking.ranked}
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
            entry = ranked.get(index)
            found = [Highlight(entry.sentences[0].start, entry.sentences[0].end, "sentence")] if entry and entry.sentences else []
            found += list((marks or {}).get(index, ()))
            result.append(Hit(self.passages[index], round(entry.score if entry else 0.0, 6), rank, tuple(found)))
        return result


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

