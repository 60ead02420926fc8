"""A fake encoder for fast tests: hashed bag of words, so texts sharing words are close."""

from __future__ import annotations

import hashlib
import re

import numpy as np


class FakeEncoder:
    name = "fake-hashing"

    def __init__(self, dim: int = 128) -> None:
        self.dim = dim
        self.calls = 0
        self.encoded = 0

    def encode(self, texts: list[str], *, batch_size: int = 32, progress: bool = False) -> np.ndarray:
        self.calls += 1
        self.encoded += len(texts)
        vectors = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                vectors[row, int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dim] += 1.0
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return vectors / norms

    def encode_query(self, text: str) -> np.ndarray:
        return self.encode([text])[0]


class FakeExtractor:
    """Candidates are the sentence's digit runs, all of one label, scored by position:
    enough to test the reader's choices without a parse."""

    def candidates(self, question, text, start, parse):
        from answers.extract import Candidate

        end = start + (parse.tokens[-1].end if parse is not None and parse.tokens else 0)
        found = [m for m in re.finditer(r"\d[\d,]*", text[start:end])]
        return [Candidate(start + m.start(), start + m.end(), "CARDINAL", 1.0, 1.0 / (1 + n)) for n, m in enumerate(found)]


class ExplodingAnswerer:
    """An answerer whose ask fails unexpectedly; everything else is the wrapped one's."""

    def __init__(self, qa) -> None:
        self.qa = qa

    def ask(self, *args, **kwargs):
        raise RuntimeError("boom")

    def __getattr__(self, name):
        return getattr(self.qa, name)
