"""First-stage ranking: BM25 and dense candidates, fused.

An English question is embedded by the index's model and searched among the
passages; a question in another language by the multilingual model among the
passages' sentences (ingest/multilingual.py), a passage scoring as its best
sentence, with more weight on the dense side (its words rarely match BM25's)."""

from __future__ import annotations

import time

import numpy as np

from ingest.embed import Encoder
from ingest.records import Document, Passage
from ingest.multilingual import SentenceVectors
from ingest.store import IndexData
from retrieval.filters import filter_mask
from retrieval.fusion import convex_fusion, reciprocal_rank_fusion
from retrieval.language import ENGLISH
from retrieval.query import Query
from retrieval.records import Filters

__all__ = ["FirstStage", "MODES", "ms_since", "ranks_by_sentence", "search_sentences"]

MODES = frozenset({"dense", "bm25", "hybrid"})


def ranks_by_sentence(question: Query, sentences: SentenceVectors | None) -> bool:
    """A question not in English is ranked by the multilingual sentence vectors, where the index has them."""
    return question.lang != ENGLISH and sentences is not None and len(sentences.rows) > 0


def search_sentences(sentences: SentenceVectors, query: np.ndarray, k: int, mask: np.ndarray | None) -> dict[int, float]:
    """The k passages whose best sentence is nearest the question, scored by that sentence."""
    passages_of = sentences.rows[:, 0]
    wanted = k * 8 if mask is None else k * 8 + int((~mask[passages_of]).sum())
    scores, ids = sentences.faiss_index.search(query.reshape(1, -1).astype(np.float32), min(wanted, len(passages_of)))
    best: dict[int, float] = {}
    for i, score in zip(ids[0], scores[0]):
        passage = int(passages_of[i]) if i >= 0 else -1
        if passage < 0 or passage in best or (mask is not None and not mask[passage]):
            continue
        best[passage] = float(score)  # results come best first: the first is the passage's best sentence
        if len(best) == k:
            break
    return best


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Indexes of the k highest scores, best first (ties by index). A partial selection, not a
    full sort: at a million passages 8 ms instead of 99 (benchmarks/scale_bench.py)."""
    head = np.argpartition(-scores, k)[:k] if k < len(scores) else np.arange(len(scores))
    return head[np.lexsort((head, -scores[head]))]


def ms_since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 3)


class FirstStage:
    """Candidates from each index, and their fusion (convex or reciprocal rank)."""

    def __init__(
        self, data: IndexData, encoder: Encoder, *, fusion: str, alpha: float, rrf_k: int, candidates: int,
        multilingual_encoder: Encoder | None = None, translingual_alpha: float,
    ) -> None:
        self.data = data
        self.encoder = encoder
        self.sentences: SentenceVectors | None = data.multilingual if multilingual_encoder is not None else None
        self.multilingual_encoder = multilingual_encoder
        self.translingual_alpha = translingual_alpha
        self.passages: list[Passage] = data.passages
        self.documents: dict[str, Document] = data.documents
        self.bm25_vocab = data.bm25.vocab_dict
        self.fusion, self.alpha, self.rrf_k, self.candidates = fusion, alpha, rrf_k, candidates

    def dense(self, query: np.ndarray, k: int, mask: np.ndarray | None) -> dict[int, float]:
        wanted = k if mask is None else max(k * 4, k + int((~mask).sum()))
        scores, ids = self.data.faiss_index.search(query.reshape(1, -1).astype(np.float32), min(wanted, len(self.passages)))
        pairs = [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0 and (mask is None or mask[i])]
        return dict(pairs[:k])

    def lexical(self, terms: tuple[str, ...], k: int, mask: np.ndarray | None) -> dict[int, float]:
        ids = [self.bm25_vocab[t] for t in terms if t in self.bm25_vocab]
        if not ids:
            return {}
        scores = np.asarray(self.data.bm25.get_scores_from_ids(ids), dtype=np.float64)
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        return {int(i): float(scores[i]) for i in top_k(scores, k) if scores[i] > 0}

    def fuse(self, dense: dict[int, float], lexical: dict[int, float], alpha: float | None = None) -> dict[int, float]:
        if self.fusion == "convex":
            return convex_fusion(dense, lexical, self.alpha if alpha is None else alpha)
        rank = lambda scores: sorted(scores, key=lambda i: (-scores[i], i))  # noqa: E731
        return reciprocal_rank_fusion([rank(dense), rank(lexical)], self.rrf_k)

    def rank(
        self, question: Query, k: int, filters: Filters | None, mode: str, timings: dict
    ) -> tuple[list[tuple[int, float]], dict[int, float], np.ndarray | None]:
        """Ranked (passage index, score), the dense scores of the candidates, and for a question
        ranked by sentence its multilingual vector (None otherwise)."""
        mask = filter_mask(self.passages, self.documents, filters)
        dense: dict[int, float] = {}
        lexical: dict[int, float] = {}
        depth = max(k, self.candidates)
        translingual = ranks_by_sentence(question, self.sentences)
        query = None
        if mode in {"dense", "hybrid"}:
            started = time.perf_counter()
            query = (self.multilingual_encoder if translingual else self.encoder).encode_query(question.text)
            timings["encode"] = ms_since(started)
            started = time.perf_counter()
            dense = search_sentences(self.sentences, query, depth, mask) if translingual else self.dense(query, depth, mask)
            timings["dense"] = ms_since(started)
        if mode in {"bm25", "hybrid"}:
            started = time.perf_counter()
            lexical = self.lexical(question.terms, depth, mask)
            timings["bm25"] = ms_since(started)
        started = time.perf_counter()
        alpha = self.translingual_alpha if translingual else None
        fused = self.fuse(dense, lexical, alpha) if mode == "hybrid" else (dense if mode == "dense" else lexical)
        ranked = sorted(fused.items(), key=lambda item: (-item[1], item[0]))
        timings["fusion"] = ms_since(started)
        return ranked, dense, (query if translingual else None)
