"""How far to trust benchmarks/scale_bench.py's recall figures: approximate search
on real MiniLM vectors against synthetic ones of the same size drawn from them.

    python -m benchmarks.scale_realism [--scifact ../shared/benchmarks/scifact] [--cache /tmp/scifact-sentences.npz]

The real set is SciFact's abstracts cut into sentences (~45k, the only real
collection here large enough for approximate search to lose anything),
searched with its claims. The synthetic sets are drawn by scale_bench's
VectorModel from 366 of those vectors (as many seeds as the bundled index has)
and from all of them. Encoding the sentences takes ~15 min on one busy core;
--cache keeps them.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import numpy as np

from benchmarks.scale_bench import single_threaded
from benchmarks.scale_data import VectorModel
from benchmarks.scale_indexes import dense_methods, dense_rows, exact_neighbours, faiss_mb, measure

SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
SEEDS = 366  # passages in the index the scale benchmark draws from


def scifact_vectors(folder: Path, cache: Path) -> tuple[np.ndarray, np.ndarray]:
    if cache.is_file():
        saved = np.load(cache)
        return saved["sentences"], saved["claims"]
    import torch

    from ingest.embed import load_encoder

    torch.set_num_threads(1)
    encoder = load_encoder("all-MiniLM-L6-v2")
    encoder.model.max_seq_length = 64  # sentences: a longer window only costs time
    abstracts = (json.loads(line)["text"] for line in (folder / "corpus.jsonl").open())
    sentences = [s for text in abstracts for s in SENTENCE_END.split(text) if len(s.split()) >= 6]
    claims = [json.loads(line)["text"] for line in (folder / "queries.jsonl").open()][:300]
    vectors, queries = encoder.encode(sentences, batch_size=64), encoder.encode(claims, batch_size=64)
    np.savez(cache, sentences=vectors, claims=queries)
    return vectors, queries


def local_dimension(vectors: np.ndarray, rng: np.random.Generator, *, k: int = 20, sample: int = 500) -> float:
    """Median maximum-likelihood local intrinsic dimension (Levina and Bickel, 2004):
    the higher it is, the less a neighbour stands out and the harder graph search gets."""
    import faiss

    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(vectors)
    cosines = index.search(vectors[rng.choice(len(vectors), sample, replace=False)], k + 1)[0][:, 1:]
    distances = np.sqrt(np.clip(2 - 2 * cosines, 1e-12, None))
    return float(np.median(-1 / np.mean(np.log(distances[:, :-1] / distances[:, -1:]), axis=1)))


def recalls(vectors: np.ndarray, queries: np.ndarray, rng: np.random.Generator) -> dict[str, float]:
    methods = dense_methods(len(vectors), ef=[16, 64, 128], nprobe=[8, 32], pq_nprobe=[], subquantizers=48, rng=rng)[:3]
    found, truth = {}, None
    for method in methods:
        built = measure(lambda: method.build(vectors), faiss_mb)
        truth = exact_neighbours(built.index, queries, 10) if truth is None else truth
        found |= {f"{r.index} {r.setting}": r.recall for r in dense_rows(len(vectors), method, built, queries, truth, 10)}
    return {name: recall for name, recall in found.items() if not name.startswith("flat")}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scifact", type=Path, default=Path("../shared/benchmarks/scifact"))
    parser.add_argument("--cache", type=Path, default=Path("/tmp/scifact-sentences.npz"))
    args = parser.parse_args()
    single_threaded()
    real, claims = scifact_vectors(args.scifact, args.cache)
    rng = np.random.default_rng(13)
    sets = {
        "real SciFact sentences": real,
        f"synthetic, {SEEDS} seeds": VectorModel(real[rng.choice(len(real), SEEDS, replace=False)]).sample(len(real), rng),
        f"synthetic, all {len(real):,} seeds": VectorModel(real).sample(len(real), rng),
    }
    for name, vectors in sets.items():
        best = np.median(np.max(claims @ vectors.T, axis=1))
        measured = recalls(vectors, claims, rng)
        print(f"{name}: {len(vectors):,} vectors, local dimension {local_dimension(vectors, rng):.1f}, claim's best cosine {best:.3f}")
        print("    " + "; ".join(f"{setting} {recall:.3f}" for setting, recall in measured.items()), flush=True)


if __name__ == "__main__":
    main()
