"""Sentence vectors for questions that are not in English.

The sources are English; a question in Spanish, Portuguese or French shares
few words with them, so BM25 and the English MiniLM model find little. A
multilingual encoder (multilingual-e5-small, `ingest.embed.MULTILINGUAL_MODEL`)
puts a Spanish question near the English sentence that answers it. Each
passage *sentence* is embedded, not each passage: the ranking then knows which
sentence matched, which is what the answer layer needs when the question's
words cannot be matched, and a sentence costs about what its share of a
passage would (the encoder's cost grows with tokens).

Stored beside the English index in the same build (ingest/store.py):
`multilingual.npy` (vectors), `multilingual_rows.npy` (passage index, start,
end of each sentence) and `multilingual.faiss`; the model is in the manifest.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ingest.embed import Encoder
from ingest.records import Document, Passage
from ingest.sentences import sentence_spans

__all__ = ["SentenceVectors", "sentence_rows", "embed_sentences", "write_sentence_vectors", "read_sentence_vectors", "FILES"]

FILES = ("multilingual.npy", "multilingual_rows.npy", "multilingual.faiss")
BATCH = 16


@dataclass
class SentenceVectors:
    """One vector per passage sentence, and where each sentence is."""

    model: str
    vectors: np.ndarray  # (sentences, dim) float32, L2-normalised
    rows: np.ndarray  # (sentences, 3) int64: passage index, start, end (offsets into the document)
    faiss_index: object = None

    @property
    def dimension(self) -> int:
        return int(self.vectors.shape[1]) if self.vectors.ndim == 2 and len(self.vectors) else 0


def sentence_rows(documents: dict[str, Document], passages: list[Passage]) -> list[tuple[int, int, int]]:
    """(passage index, start, end) of every sentence of every passage, in order."""
    rows = []
    for index, passage in enumerate(passages):
        text = documents[passage.doc_id].text
        rows.extend((index, start, end) for start, end in sentence_spans(text, passage.start, passage.end))
    return rows


def vector_key(model: str, text: str) -> str:
    return hashlib.sha1(f"{model}\0{text}".encode()).hexdigest()


def embed_sentences(
    documents: dict[str, Document], passages: list[Passage], *, model: str, encoder_factory: Callable[[], Encoder],
    previous: SentenceVectors | None, previous_texts: list[str], progress: Callable[[int], object] | None = None,
) -> tuple[SentenceVectors, int]:
    """The vectors of every passage sentence, reusing the previous build's by text; and how
    many were embedded now. The encoder loads only if a sentence is new."""
    rows = sentence_rows(documents, passages)
    texts = [documents[passages[i].doc_id].text[s:e] for i, s, e in rows]
    known: dict[str, np.ndarray] = {}
    if previous is not None and previous.model == model:
        known = {vector_key(model, t): v for t, v in zip(previous_texts, previous.vectors)}
    keys = [vector_key(model, t) for t in texts]
    missing = [i for i, key in enumerate(keys) if key not in known]
    if missing:
        encoder = encoder_factory()
        for begin in range(0, len(missing), BATCH):
            batch = missing[begin : begin + BATCH]
            for i, vector in zip(batch, encoder.encode([texts[i] for i in batch])):
                known[keys[i]] = vector
            if progress is not None:
                progress(len(batch))
    dim = next(iter(known.values())).shape[0] if known else 1
    vectors = np.stack([known[k] for k in keys]).astype(np.float32) if keys else np.zeros((0, dim), dtype=np.float32)
    return SentenceVectors(model, vectors, np.array(rows, dtype=np.int64).reshape(-1, 3)), len(missing)


def sentence_texts(vectors: SentenceVectors, documents: dict[str, Document], passages: list[Passage]) -> list[str]:
    """The text of each stored sentence (what a re-ingest matches new sentences against)."""
    return [documents[passages[int(i)].doc_id].text[int(s) : int(e)] for i, s, e in vectors.rows]


def write_sentence_vectors(folder: Path, vectors: SentenceVectors, faiss_index) -> dict:
    """The files, and what the manifest records of them."""
    import faiss

    np.save(folder / FILES[0], np.ascontiguousarray(vectors.vectors, dtype=np.float32))
    np.save(folder / FILES[1], np.ascontiguousarray(vectors.rows, dtype=np.int64))
    faiss.write_index(faiss_index, str(folder / FILES[2]))
    return {"model": vectors.model, "dimension": vectors.dimension, "sentences": len(vectors.rows)}


def read_sentence_vectors(build: Path, recorded: dict, *, mmap: bool = True) -> SentenceVectors:
    """Memory-mapped read-only by default, so that forked workers share one copy."""
    import faiss

    mode = "r" if mmap else None
    vectors = np.load(build / FILES[0], allow_pickle=False, mmap_mode=mode)
    rows = np.load(build / FILES[1], allow_pickle=False, mmap_mode=mode)
    index = faiss.read_index(str(build / FILES[2]), faiss.IO_FLAG_MMAP_IFC | faiss.IO_FLAG_READ_ONLY if mmap else 0)
    if not (len(vectors) == len(rows) == index.ntotal == recorded.get("sentences")):
        raise ValueError(f"multilingual counts disagree (manifest {recorded.get('sentences')}, vectors {len(vectors)}, rows {len(rows)}, index {index.ntotal})")
    return SentenceVectors(recorded["model"], vectors, rows, index)
