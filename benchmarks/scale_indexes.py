"""Build an index, then search it one query at a time as the server does: the
measurements behind benchmarks/scale_bench.py.

Dense searches make the call `FirstStage.dense` makes (`index.search` on one
query); BM25 searches make `FirstStage.lexical`'s (`get_scores_from_ids`, then a
stable argsort of every passage's score). Flat and HNSW are built by
`ingest.store.build_faiss_index`, so they are exactly what an ingest writes.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from eval.metrics import percentile
from ingest.build import build_bm25
from ingest.store import build_faiss_index

__all__ = ["Row", "Built", "DenseMethod", "dense_methods", "measure", "dense_rows", "bm25_rows", "exact_neighbours", "recall_at_k"]

WARM_UP = 10  # queries searched before timing: first touches of the index pages are not a query's cost
KMEANS_ITERATIONS = 10  # faiss's default 25 costs minutes on one core at 1M for <1 point of recall
TRAIN_PER_LIST = 40  # training points per inverted list; faiss warns below 39
RERANK_FACTOR = 4  # IVF-PQ candidates rescored exactly: 4k, the usual remedy for what 48-byte codes lose


@dataclass(frozen=True)
class Row:
    size: int
    index: str
    setting: str
    build_s: float
    index_mb: float
    rss_mb: float  # resident memory the build added, allocator slack included
    p50_ms: float
    p95_ms: float
    recall: float | None  # recall@k against exact search; None where the method is exact


@dataclass
class Built:
    index: object
    seconds: float
    index_mb: float
    rss_mb: float


@dataclass(frozen=True)
class DenseMethod:
    name: str
    build: Callable[[np.ndarray], object]
    settings: Sequence[tuple[str, Callable[[object], None]]]  # label, and how to apply it to the built index


def rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 2**20


def faiss_mb(index) -> float:
    import faiss

    return faiss.serialize_index(index).nbytes / 2**20


def bm25_mb(index) -> float:
    """The score matrix, which is what `bm25/*.npy` holds; the vocabulary is a few KB here."""
    return sum(getattr(part, "nbytes", 0) for part in index.scores.values()) / 2**20


def measure(build: Callable[[], object], size_of: Callable[[object], float]) -> Built:
    gc.collect()
    before = rss_mb()
    started = time.perf_counter()
    index = build()
    seconds = time.perf_counter() - started
    return Built(index, seconds, size_of(index), rss_mb() - before)


def nlist_for(n: int) -> int:
    return max(1, round(4 * np.sqrt(n)))


def trained_ivf(index, vectors: np.ndarray, rng: np.random.Generator):
    import faiss

    ivf = faiss.extract_index_ivf(index)
    sample = rng.choice(len(vectors), size=min(len(vectors), TRAIN_PER_LIST * ivf.nlist), replace=False)
    ivf.cp.niter = KMEANS_ITERATIONS
    index.train(vectors[np.sort(sample)])
    index.add(vectors)
    return index


def ivf_flat(vectors: np.ndarray, rng: np.random.Generator):
    import faiss

    dim = vectors.shape[1]
    return trained_ivf(faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, nlist_for(len(vectors)), faiss.METRIC_INNER_PRODUCT), vectors, rng)


def ivf_pq(vectors: np.ndarray, rng: np.random.Generator, *, subquantizers: int, rerank: bool):
    """8-bit codes of `subquantizers` bytes a vector; with `rerank`, the full vectors
    are kept too and the best k_factor * k candidates are rescored exactly."""
    import faiss

    dim = vectors.shape[1]
    index = faiss.IndexIVFPQ(faiss.IndexFlatIP(dim), dim, nlist_for(len(vectors)), subquantizers, 8, faiss.METRIC_INNER_PRODUCT)
    return trained_ivf(faiss.IndexRefineFlat(index) if rerank else index, vectors, rng)


def set_ef(ef: int):
    return lambda index: setattr(index.hnsw, "efSearch", ef)


def set_nprobe(nprobe: int, *, k_factor: int | None = None):
    def apply(index) -> None:
        import faiss

        faiss.extract_index_ivf(index).nprobe = nprobe
        if k_factor is not None:
            index.k_factor = k_factor

    return apply


def dense_methods(size: int, *, ef: Sequence[int], nprobe: Sequence[int], pq_nprobe: Sequence[int], subquantizers: int, rng) -> list[DenseMethod]:
    """Flat first: its batch search is the ground truth the others are scored against."""
    nlist = nlist_for(size)
    pq = f"ivf-pq m{subquantizers}"
    return [
        DenseMethod("flat", lambda v: build_faiss_index(v, "flat")[0], [("exact", lambda index: None)]),
        DenseMethod("hnsw M32", lambda v: build_faiss_index(v, "hnsw")[0], [(f"efSearch {e}", set_ef(e)) for e in ef]),
        DenseMethod("ivf-flat", lambda v: ivf_flat(v, rng), [(f"nlist {nlist}, nprobe {n}", set_nprobe(n)) for n in nprobe]),
        DenseMethod(pq, lambda v: ivf_pq(v, rng, subquantizers=subquantizers, rerank=False), [(f"nlist {nlist}, nprobe {n}", set_nprobe(n)) for n in pq_nprobe]),
        DenseMethod(
            f"{pq} + rerank",
            lambda v: ivf_pq(v, rng, subquantizers=subquantizers, rerank=True),
            [(f"nlist {nlist}, nprobe {n}, exact rerank of {RERANK_FACTOR}k", set_nprobe(n, k_factor=RERANK_FACTOR)) for n in pq_nprobe],
        ),
    ]


def exact_neighbours(flat_index, queries: np.ndarray, k: int) -> np.ndarray:
    return flat_index.search(queries, k)[1]


def recall_at_k(found: np.ndarray, truth: np.ndarray) -> float:
    hits = [len(set(f.tolist()) & set(t.tolist())) / len(t) for f, t in zip(found, truth)]
    return float(np.mean(hits))


def search_one_by_one(index, queries: np.ndarray, k: int) -> tuple[list[float], np.ndarray]:
    for query in queries[:WARM_UP]:
        index.search(query.reshape(1, -1), k)
    times, found = [], np.zeros((len(queries), k), dtype=np.int64)
    for row, query in enumerate(queries):
        started = time.perf_counter()
        found[row] = index.search(query.reshape(1, -1), k)[1][0]
        times.append((time.perf_counter() - started) * 1000)
    return times, found


def dense_rows(size: int, method: DenseMethod, built: Built, queries: np.ndarray, truth: np.ndarray, k: int) -> list[Row]:
    rows = []
    for label, apply in method.settings:
        apply(built.index)
        times, found = search_one_by_one(built.index, queries, k)
        rows.append(Row(size, method.name, label, built.seconds, built.index_mb, built.rss_mb, percentile(times, 50), percentile(times, 95), recall_at_k(found, truth)))
    return rows


def lexical_top(index, terms: tuple[str, ...], k: int, *, full_sort: bool) -> np.ndarray:
    ids = [index.vocab_dict[t] for t in terms if t in index.vocab_dict]
    if not ids:
        return np.zeros(0, dtype=np.int64)
    scores = np.asarray(index.get_scores_from_ids(ids), dtype=np.float64)
    if full_sort or k >= len(scores):  # the first: what the server does today
        return np.argsort(-scores, kind="stable")[:k]
    top = np.argpartition(-scores, k)[:k]
    return top[np.argsort(-scores[top], kind="stable")]


def bm25_rows(size: int, texts: list[str], queries: list[tuple[str, ...]], k: int) -> list[Row]:
    built = measure(lambda: build_bm25(texts), bm25_mb)
    rows = []
    for label, full_sort in [("k1 1.2 b 0.75, argsort (server)", True), ("same, argpartition top-k", False)]:
        for terms in queries[:WARM_UP]:
            lexical_top(built.index, terms, k, full_sort=full_sort)
        times = []
        for terms in queries:
            started = time.perf_counter()
            lexical_top(built.index, terms, k, full_sort=full_sort)
            times.append((time.perf_counter() - started) * 1000)
        rows.append(Row(size, "bm25s", label, built.seconds, built.index_mb, built.rss_mb, percentile(times, 50), percentile(times, 95), None))
    return rows
