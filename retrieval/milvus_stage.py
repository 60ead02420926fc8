"""First-stage ranking in Milvus: dense and BM25 candidates from one collection
(ingest/milvus_store.py), fused like the folder index's (retrieval/first_stage.py).

Convex fusion, the default, needs each list's scores, which a hybrid search does
not return: the two lists are searched apart and fused here, as for the folder
index. Reciprocal rank fusion runs in Milvus, as one hybrid search with its RRF
ranker. Only what behaves the same on milvus-lite and a server is used: plain
string expressions, RRF, FLAT/HNSW and BM25 indexes; milvus-lite returns BM25
scores negated, a server as they are, so their magnitude is taken.
"""

from __future__ import annotations

import time

import numpy as np

from ingest.embed import Encoder
from ingest.milvus_store import MilvusIndexData
from retrieval.filters import filter_mask
from retrieval.first_stage import ms_since, ranks_by_sentence, search_sentences
from retrieval.fusion import convex_fusion
from retrieval.milvus_filter import NOTHING, duplicate_holders, filter_expression
from retrieval.query import Query
from retrieval.records import Filters

__all__ = ["MilvusFirstStage"]

MAX_LIMIT = 16_384  # Milvus' largest top-k


class MilvusFirstStage:
    """Candidates from Milvus' dense and BM25 indexes, and their fusion (convex or reciprocal rank)."""

    def __init__(
        self, data: MilvusIndexData, encoder: Encoder, *, fusion: str, alpha: float, rrf_k: int, candidates: int,
        multilingual_encoder: Encoder | None = None, translingual_alpha: float,
    ) -> None:
        self.client, self.collection = data.client, data.collection
        self.encoder = encoder
        # the multilingual sentence vectors are in memory, searched as the folder's are
        self.sentences = data.multilingual if multilingual_encoder is not None else None
        self.multilingual_encoder, self.translingual_alpha = multilingual_encoder, translingual_alpha
        self.passages = data.passages
        self.documents = data.documents
        self.holders = duplicate_holders(self.passages)
        self.hnsw = data.manifest.get("ann") == "hnsw"
        self.fusion, self.alpha, self.rrf_k, self.candidates = fusion, alpha, rrf_k, candidates

    def dense_request(self, k: int) -> dict:
        return {"metric_type": "IP", "params": {"ef": max(64, k)}} if self.hnsw else {"metric_type": "IP"}

    def dense(self, query: np.ndarray, k: int, expr: str | None) -> dict[int, float]:
        hits = self.client.search(
            self.collection, [query.astype(np.float32).tolist()], anns_field="vector", limit=min(k, MAX_LIMIT),
            filter=expr or "", search_params=self.dense_request(k),
        )
        return {int(h.id): float(h.distance) for h in hits[0]}

    def lexical(self, terms: tuple[str, ...], k: int, expr: str | None) -> dict[int, float]:
        if not terms:
            return {}
        hits = self.client.search(
            self.collection, [" ".join(terms)], anns_field="sparse", limit=min(k, MAX_LIMIT), filter=expr or "", search_params={"metric_type": "BM25"}
        )
        return {int(h.id): abs(float(h.distance)) for h in hits[0] if h.distance}

    def hybrid_rrf(self, query: np.ndarray, terms: tuple[str, ...], k: int, expr: str | None) -> dict[int, float]:
        """Both lists fused by Milvus' RRF ranker (the same formula as retrieval/fusion.py)."""
        from pymilvus import AnnSearchRequest, RRFRanker

        limit = min(k, MAX_LIMIT)
        requests = [AnnSearchRequest([query.astype(np.float32).tolist()], "vector", self.dense_request(k), limit=limit, expr=expr or "")]
        if terms:
            requests.append(AnnSearchRequest([" ".join(terms)], "sparse", {"metric_type": "BM25"}, limit=limit, expr=expr or ""))
        hits = self.client.hybrid_search(self.collection, requests, RRFRanker(self.rrf_k), limit=min(2 * k, MAX_LIMIT))
        return {int(h.id): float(h.distance) for h in hits[0]}

    def rank(self, question: Query, k: int, filters: Filters | None, mode: str, timings: dict) -> tuple[list[tuple[int, float]], dict[int, float], np.ndarray | None]:
        """Ranked (passage index, score), the dense scores of the candidates, and for a question
        ranked by sentence its multilingual vector (None otherwise)."""
        expr = filter_expression(filters, self.documents, self.holders)
        if expr == NOTHING:
            return [], {}, None
        if mode == "hybrid" and ranks_by_sentence(question, self.sentences):
            return self.rank_by_sentence(question, max(k, self.candidates), filters, expr, timings)
        dense: dict[int, float] = {}
        lexical: dict[int, float] = {}
        depth = max(k, self.candidates)
        query = None
        if mode in {"dense", "hybrid"}:
            started = time.perf_counter()
            query = self.encoder.encode_query(question.text)
            timings["encode"] = ms_since(started)
            started = time.perf_counter()
            dense = self.dense(query, depth, expr)
            timings["dense"] = ms_since(started)
        started = time.perf_counter()
        if mode == "hybrid" and self.fusion == "rrf":
            fused = self.hybrid_rrf(query, question.terms, depth, expr)
        else:
            if mode in {"bm25", "hybrid"}:
                lexical = self.lexical(question.terms, depth, expr)
                timings["bm25"] = ms_since(started)
                started = time.perf_counter()
            fused = convex_fusion(dense, lexical, self.alpha) if mode == "hybrid" else (dense if mode == "dense" else lexical)
        ranked = sorted(fused.items(), key=lambda item: (-item[1], item[0]))
        timings["fusion"] = ms_since(started)
        return ranked, dense, None

    def rank_by_sentence(self, question: Query, depth: int, filters: Filters | None, expr: str | None, timings: dict):
        """A question not in English: its nearest sentences (in memory) and Milvus' BM25, fused
        convexly as by the folder's first stage."""
        started = time.perf_counter()
        query = self.multilingual_encoder.encode_query(question.text)
        timings["encode"] = ms_since(started)
        started = time.perf_counter()
        dense = search_sentences(self.sentences, query, depth, filter_mask(self.passages, self.documents, filters))
        timings["dense"] = ms_since(started)
        started = time.perf_counter()
        lexical = self.lexical(question.terms, depth, expr)
        timings["bm25"] = ms_since(started)
        fused = convex_fusion(dense, lexical, self.translingual_alpha)
        return sorted(fused.items(), key=lambda item: (-item[1], item[0])), dense, query
