"""Fusing the lexical and dense rankings. One function per formula."""

from __future__ import annotations

import numpy as np

__all__ = ["reciprocal_rank_fusion", "minmax", "convex_fusion", "RRF_K"]

RRF_K = 60  # Cormack, Clarke & Büttcher (SIGIR 2009), "Reciprocal rank fusion outperforms Condorcet..."


def reciprocal_rank_fusion(rankings: list[list[int]], k: int = RRF_K) -> dict[int, float]:
    """score(d) = sum over rankings of 1 / (k + rank(d)), ranks starting at 1."""
    fused: dict[int, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            fused[item] = fused.get(item, 0.0) + 1.0 / (k + rank)
    return fused


def minmax(scores: np.ndarray) -> np.ndarray:
    """Scale to [0, 1]; constant scores become zeros."""
    if scores.size == 0:
        return scores
    low, high = float(scores.min()), float(scores.max())
    return np.zeros_like(scores) if high - low < 1e-12 else (scores - low) / (high - low)


def convex_fusion(dense: dict[int, float], lexical: dict[int, float], alpha: float) -> dict[int, float]:
    """alpha * minmax(dense) + (1 - alpha) * minmax(lexical) over the union of candidates
    (Bruch, Gai & Ingber, TOIS 2023, "An analysis of fusion functions for hybrid retrieval").
    A candidate missing from one list gets that list's minimum."""
    items = sorted(set(dense) | set(lexical))
    d = np.array([dense.get(i, min(dense.values(), default=0.0)) for i in items], dtype=np.float64)
    l = np.array([lexical.get(i, min(lexical.values(), default=0.0)) for i in items], dtype=np.float64)
    combined = alpha * minmax(d) + (1 - alpha) * minmax(l)
    return dict(zip(items, combined.tolist()))
