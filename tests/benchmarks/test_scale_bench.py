"""benchmarks/scale_bench.py at a tiny size: no model, a few seconds."""

import time

import numpy as np

from benchmarks.scale_bench import flat_budget_size, format_table, parse_args, run_size
from benchmarks.scale_data import TextModel, VectorModel
from benchmarks.scale_indexes import Row, recall_at_k
from tests.conftest import CORPUS


def seed_vectors(count=120, dim=64, topics=8):
    """Unit vectors around a few topics that share a common direction, as MiniLM's do."""
    rng = np.random.default_rng(0)
    common = rng.standard_normal(dim)
    topic = rng.standard_normal((topics, dim))
    vectors = common + topic[rng.integers(0, topics, count)] + 0.7 * rng.standard_normal((count, dim))
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


def corpus_paragraphs():
    return [p for path in sorted(CORPUS.glob("*.txt")) for p in path.read_text().split("\n\n") if len(p.split()) > 20]


def test_sampled_vectors_keep_the_seeds_cosine_distribution():
    seeds = seed_vectors()
    sampled = VectorModel(seeds, spread=0.5).sample(3000, np.random.default_rng(1))
    assert sampled.shape == (3000, 64) and np.allclose(np.linalg.norm(sampled, axis=1), 1, atol=1e-5)
    real, synthetic = seeds @ seeds.T, sampled[:500] @ sampled[500:1000].T
    assert abs(real[np.triu_indices(len(seeds), 1)].mean() - synthetic.mean()) < 0.05


def test_synthetic_passages_and_queries_come_from_the_corpus():
    model = TextModel(corpus_paragraphs())
    rng = np.random.default_rng(2)
    passages, queries = model.passages(50, rng), model.queries(20, rng)
    assert all(min(model.lengths) <= len(p.split()) <= max(model.lengths) for p in passages)
    assert all(4 <= len(q) <= 8 and len(set(q)) == len(q) and set(q) <= set(model.stems) for q in queries)


def test_tiny_run_gives_every_row_and_exact_flat_search():
    started = time.perf_counter()
    args = parse_args(["--sizes", "2000", "--queries", "30", "--subquantizers", "8", "--ef", "16", "64", "--nprobe", "4", "--pq-nprobe", "4"])
    seeds = seed_vectors()
    queries = VectorModel(seeds).sample(args.queries, np.random.default_rng(3))
    rows = run_size(2000, VectorModel(seeds), TextModel(corpus_paragraphs()), queries, args, started)
    assert [r.index for r in rows] == ["flat", "hnsw M32", "hnsw M32", "ivf-flat", "ivf-pq m8", "ivf-pq m8 + rerank", "bm25s", "bm25s"]
    assert rows[0].recall == 1.0 and all(0 < r.recall <= 1 for r in rows[1:6]) and rows[-1].recall is None
    assert all(r.size == 2000 and r.p50_ms <= r.p95_ms and r.index_mb > 0 for r in rows)
    table = format_table(rows).splitlines()
    assert len(table) == 2 + len(rows) and table[2].startswith("| 2,000 | flat | exact |") and table[-1].endswith("| exact |")
    assert time.perf_counter() - started < 10


def test_recall_and_flat_budget_on_hand_computed_cases():
    assert recall_at_k(np.array([[1, 2, 3, 4]]), np.array([[4, 3, 9, 8]])) == 0.5
    row = lambda size, ms: Row(size, "flat", "exact", 0, 0, 0, ms, ms, 1.0)  # noqa: E731
    assert flat_budget_size([row(100_000, 5.0), row(1_000_000, 50.0)], 20.0) == 400_000
    assert flat_budget_size([row(100_000, 5.0)], 20.0) is None
