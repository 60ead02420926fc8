"""The first stage that searches a loaded index, picked by the backend that read it
(ingest/index_store.py): FAISS + bm25s for an index folder, Milvus for a Milvus index."""

from __future__ import annotations

from typing import Protocol

import numpy as np

from ingest.embed import Encoder
from ingest.milvus_store import MilvusIndexData
from ingest.store import IndexData
from retrieval.first_stage import FirstStage
from retrieval.query import Query
from retrieval.records import Filters

__all__ = ["FirstStageBackend", "first_stage_for"]


class FirstStageBackend(Protocol):
    """What the retriever asks of a first stage."""

    def rank(
        self, question: Query, k: int, filters: Filters | None, mode: str, timings: dict
    ) -> tuple[list[tuple[int, float]], dict[int, float], np.ndarray | None]:
        """Ranked (passage index, score), the dense scores of the candidates, and the question's
        multilingual vector when it was ranked by sentence (None otherwise)."""


def first_stage_for(
    data: IndexData, encoder: Encoder, *, fusion: str, alpha: float, rrf_k: int, candidates: int,
    multilingual_encoder: Encoder | None = None, translingual_alpha: float,
) -> FirstStageBackend:
    if isinstance(data, MilvusIndexData):
        from retrieval.milvus_stage import MilvusFirstStage

        return MilvusFirstStage(
            data, encoder, fusion=fusion, alpha=alpha, rrf_k=rrf_k, candidates=candidates,
            multilingual_encoder=multilingual_encoder, translingual_alpha=translingual_alpha,
        )
    return FirstStage(
        data, encoder, fusion=fusion, alpha=alpha, rrf_k=rrf_k, candidates=candidates,
        multilingual_encoder=multilingual_encoder, translingual_alpha=translingual_alpha,
    )
