"""Synthetic data for benchmarks/scale_bench.py, drawn to resemble a real index.

Vectors: a Gaussian mixture around the real passage embeddings whose mean and
covariance are the real ones, so the common direction MiniLM gives every
passage of one topic (the mean has norm ~0.6 here), the spread of pairwise
cosines and the clusters all carry over. Each vector is
`mean + sqrt(1 - spread) * (seed - mean) + sqrt(spread) * noise`, noise drawn
from the real covariance, then renormalised; `spread` is the share of the
variance that lies inside a cluster rather than between them.

Texts: a unigram model of the corpus' own words (its Zipf curve as it is),
passage lengths resampled from the real passages, so BM25 sees the same
stop-word share and document-length spread. Query terms are drawn from the
stemmed tokens by their frequency, as question terms mostly are content words.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ingest.lexical import bm25_tokens

__all__ = ["SeedCorpus", "VectorModel", "TextModel", "load_seed_corpus", "question_vectors", "resemblance"]

WORD = re.compile(r"\w+")
CHUNK = 100_000  # vectors generated per step: keeps the temporaries to ~150 MB each


@dataclass(frozen=True)
class SeedCorpus:
    """The real index the synthetic data imitates."""

    vectors: np.ndarray  # (n, dim) normalised passage embeddings
    texts: list[str]
    model: str


def load_seed_corpus(index_dir: Path) -> SeedCorpus:
    from ingest.store import read_index

    data = read_index(index_dir)
    return SeedCorpus(np.asarray(data.embeddings, dtype=np.float32), [p.text for p in data.passages], data.manifest["model"])


class VectorModel:
    """Samples vectors with the seeds' mean and covariance around randomly chosen seeds."""

    def __init__(self, seeds: np.ndarray, *, spread: float = 0.5) -> None:
        self.seeds = np.asarray(seeds, dtype=np.float64)
        self.mean = self.seeds.mean(axis=0)
        covariance = np.cov((self.seeds - self.mean).T)
        values, vectors = np.linalg.eigh(covariance)
        # fewer seeds than dimensions: the covariance is singular, its square root still exists
        self.root = (vectors * np.sqrt(np.clip(values, 0.0, None))).T.astype(np.float32)
        self.spread = spread

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        return np.concatenate([self.sample_chunk(min(CHUNK, n - start), rng) for start in range(0, n, CHUNK)])

    def sample_chunk(self, n: int, rng: np.random.Generator) -> np.ndarray:
        picked = rng.integers(0, len(self.seeds), n)
        centres = self.mean + np.sqrt(1 - self.spread) * (self.seeds[picked] - self.mean)
        noise = rng.standard_normal((n, len(self.root)), dtype=np.float32) @ self.root
        vectors = (centres + np.sqrt(self.spread) * noise).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors


def question_vectors(model: str, count: int, rng: np.random.Generator) -> np.ndarray:
    """Real eval questions encoded as the server encodes them: queries sit off the
    passage manifold (their best cosine is ~0.65, a passage's nearest neighbour's ~0.75),
    which is where approximate indexes lose recall."""
    from eval.dataset import load_questions
    from retrieval.query_encoder import load_query_encoder

    questions = [q.question for q in load_questions()]
    chosen = rng.choice(len(questions), size=min(count, len(questions)), replace=False)
    return load_query_encoder(model).encode([questions[i] for i in chosen])


class TextModel:
    """Passages and queries from the corpus' word and stem frequencies."""

    def __init__(self, texts: list[str]) -> None:
        words = Counter(w for text in texts for w in WORD.findall(text))
        self.words = list(words)
        self.word_p = probabilities(words.values())
        self.lengths = np.array([len(WORD.findall(text)) for text in texts])
        stems = Counter(t for tokens in bm25_tokens(texts) for t in tokens)
        self.stems = np.array(list(stems))
        self.stem_p = probabilities(stems.values())

    def passages(self, n: int, rng: np.random.Generator) -> list[str]:
        return [text for start in range(0, n, CHUNK) for text in self.passage_chunk(min(CHUNK, n - start), rng)]

    def passage_chunk(self, n: int, rng: np.random.Generator) -> list[str]:
        lengths = rng.choice(self.lengths, size=n)
        ends = np.cumsum(lengths).tolist()
        picked = rng.choice(len(self.words), size=ends[-1], p=self.word_p)
        # Python strings from a list: indexing a numpy string array makes a new object per word
        return [" ".join(map(self.words.__getitem__, picked[end - length : end].tolist())) for end, length in zip(ends, lengths.tolist())]

    def queries(self, n: int, rng: np.random.Generator, *, shortest: int = 4, longest: int = 8) -> list[tuple[str, ...]]:
        """Stemmed query terms, distinct within a query, as Query.terms holds them."""
        return [tuple(rng.choice(self.stems, size=rng.integers(shortest, longest + 1), replace=False, p=self.stem_p)) for _ in range(n)]


def probabilities(counts) -> np.ndarray:
    values = np.fromiter(counts, dtype=np.float64)
    return values / values.sum()


def resemblance(vectors: np.ndarray, queries: np.ndarray, rng: np.random.Generator, *, sample: int = 2000) -> dict[str, float]:
    """Cosine statistics that say whether a vector set looks like another: pairwise
    (mean, sd) over a sample, and each query's best match."""
    picked = vectors[rng.choice(len(vectors), size=min(sample, len(vectors)), replace=False)]
    half = len(picked) // 2
    pairwise = picked[:half] @ picked[half:].T
    best = np.concatenate([(queries @ vectors[start : start + CHUNK].T).max(axis=1, keepdims=True) for start in range(0, len(vectors), CHUNK)], axis=1).max(axis=1)
    return {"pairwise mean": float(pairwise.mean()), "pairwise sd": float(pairwise.std()), "query best median": float(np.median(best))}
