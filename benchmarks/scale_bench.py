"""Measured limits at scale: FAISS flat, HNSW, IVF and IVF-PQ, and bm25s, on
synthetic collections of 100k and 1M passages drawn to resemble the real index
(benchmarks/scale_data.py): build time, memory, one-query-at-a-time latency
and recall@k against exact search.

    python -m benchmarks.scale_bench [--sizes 100000 1000000] [--queries 200]
        [--source-index .citeqa/eval-index] [--queries-from questions|passages]

Everything runs on one thread (FAISS's OpenMP, numpy's BLAS; bm25s is single
threaded) so a second core stays free, as it would for the server's other
work; a full run took 18 min and 7 GB at its peak on the README's machine.
Results: README, "Measured limits".
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from benchmarks.scale_data import SeedCorpus, TextModel, VectorModel, load_seed_corpus, question_vectors, resemblance
from benchmarks.scale_indexes import Row, bm25_rows, dense_methods, dense_rows, exact_neighbours, faiss_mb, measure

__all__ = ["run_size", "format_table", "flat_budget_size", "main"]

HEADER = ("passages", "index", "setting", "build s", "index MB", "RSS +MB", "p50 ms", "p95 ms", "recall@10")


def log(message: str, started: float) -> None:
    print(f"[{time.perf_counter() - started:7.1f} s] {message}", flush=True)


def single_threaded() -> None:
    import faiss
    from threadpoolctl import threadpool_limits

    faiss.omp_set_num_threads(1)
    threadpool_limits(1)


def run_dense(size: int, vectors: np.ndarray, queries: np.ndarray, args, rng, started: float) -> list[Row]:
    rows: list[Row] = []
    truth = None
    methods = dense_methods(size, ef=args.ef, nprobe=args.nprobe, pq_nprobe=args.pq_nprobe, subquantizers=args.subquantizers, rng=rng)
    for method in methods:
        log(f"{size:,}: building {method.name}", started)
        built = measure(lambda: method.build(vectors), faiss_mb)
        if truth is None:  # the flat index comes first
            truth = exact_neighbours(built.index, queries, args.k)
        rows += dense_rows(size, method, built, queries, truth, args.k)
        log(f"{size:,}: {method.name} built in {built.seconds:.1f} s, searched", started)
        del built
        gc.collect()
    return rows


def run_size(size: int, vector_model: VectorModel, text_model: TextModel, queries: np.ndarray, args, started: float) -> list[Row]:
    rng = np.random.default_rng([args.seed, size])
    vectors = vector_model.sample(size, rng)
    stats = resemblance(vectors, queries, rng)
    log(f"{size:,}: vectors drawn; " + ", ".join(f"{k} {v:.3f}" for k, v in stats.items()), started)
    rows = run_dense(size, vectors, queries, args, rng, started)
    del vectors
    gc.collect()
    texts = text_model.passages(size, rng)
    terms = text_model.queries(len(queries), rng)
    log(f"{size:,}: texts drawn (median {int(np.median([len(t.split()) for t in texts[:10000]]))} words); building bm25s", started)
    rows += bm25_rows(size, texts, terms, args.k)
    log(f"{size:,}: bm25s built in {rows[-1].build_s:.1f} s, searched", started)
    return rows


def format_table(rows: Sequence[Row]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    for r in rows:
        recall = "exact" if r.recall is None else f"{r.recall:.3f}"
        cells = (f"{r.size:,}", r.index, r.setting, f"{r.build_s:.1f}", f"{r.index_mb:,.0f}", f"{r.rss_mb:,.0f}", f"{r.p50_ms:.2f}", f"{r.p95_ms:.2f}", recall)
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def flat_budget_size(rows: Sequence[Row], budget_ms: float) -> int | None:
    """Passages at which flat search reaches `budget_ms` median: a line through the
    measured sizes (its cost is one pass over every vector)."""
    flat = sorted((r.size, r.p50_ms) for r in rows if r.index == "flat")
    if len(flat) < 2:
        return None
    (n1, t1), (n2, t2) = flat[0], flat[-1]
    slope = (t2 - t1) / (n2 - n1)
    return int(n1 + (budget_ms - t1) / slope) if slope > 0 else None


def query_set(seed: SeedCorpus, args, rng: np.random.Generator) -> np.ndarray:
    if args.queries_from == "questions":
        return question_vectors(seed.model, args.queries, rng)
    # perturbed real passages, as tight to their seed as the collection's own vectors
    return VectorModel(seed.vectors, spread=args.spread).sample(args.queries, rng)


def describe_machine() -> str:
    import bm25s
    import faiss

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")), platform.processor())
    return f"{cpu}, {os.cpu_count()} cores (1 thread used), faiss {faiss.__version__}, bm25s {bm25s.__version__}, numpy {np.__version__}"


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", nargs="+", type=int, default=[100_000, 1_000_000])
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--queries-from", choices=["questions", "passages"], default="questions")
    parser.add_argument("--source-index", type=Path, default=Path(".citeqa/eval-index"))
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--ef", nargs="+", type=int, default=[16, 64, 128], help="HNSW efSearch values: 16 is faiss's default, 128 what ingest writes (ingest.store.HNSW_EF_SEARCH)")
    parser.add_argument("--nprobe", nargs="+", type=int, default=[8, 32, 64])
    parser.add_argument("--pq-nprobe", nargs="+", type=int, default=[16, 64])
    parser.add_argument("--subquantizers", type=int, default=48)
    parser.add_argument("--spread", type=float, default=0.5, help="share of the variance inside a cluster")
    parser.add_argument("--budget-ms", type=float, default=20.0, help="median dense search latency a flat index may reach")
    parser.add_argument("--seed", type=int, default=13)
    return parser.parse_args(argv)


def main(argv=None) -> None:
    args = parse_args(argv)
    started = time.perf_counter()
    single_threaded()
    print(describe_machine())
    seed = load_seed_corpus(args.source_index)
    rng = np.random.default_rng(args.seed)
    queries = query_set(seed, args, rng)
    real = resemblance(seed.vectors, queries, rng)
    log(f"seed: {len(seed.vectors)} real passages; " + ", ".join(f"{k} {v:.3f}" for k, v in real.items()), started)
    vector_model, text_model = VectorModel(seed.vectors, spread=args.spread), TextModel(seed.texts)
    rows: list[Row] = []
    for size in args.sizes:
        rows += run_size(size, vector_model, text_model, queries, args, started)
    print(format_table(rows))
    reach = flat_budget_size(rows, args.budget_ms)
    if reach:
        print(f"flat search reaches {args.budget_ms:g} ms median at ~{reach:,} passages (line through the measured sizes)")
    log("done", started)


if __name__ == "__main__":
    main()
