"""Answerability cross-encoder: the probability that a sentence STATES the answer to a question.

A MiniLM-L6 cross-encoder fine-tuned on (question, sentence) pairs (answers/training/), run as
int8 ONNX with onnxruntime on one intra-op thread. Load once, reuse:

    model = AnswerabilityModel()
    model.probabilities("Where was Liz Sherwood-Randall born?", [sentence_a, sentence_b])  # -> np.ndarray
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

__all__ = ["AnswerabilityModel", "DEFAULT_MODEL_DIR"]

DEFAULT_MODEL_DIR = Path(__file__).resolve().parent / "models" / "answerability"


class AnswerabilityModel:
    def __init__(self, model_dir: str | Path | None = None) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.model_dir = Path(model_dir) if model_dir is not None else DEFAULT_MODEL_DIR
        self.config = json.loads((self.model_dir / "config.json").read_text(encoding="utf-8"))
        self.max_length = int(self.config["max_length"])
        tokenizer_path = str(self.model_dir / self.config.get("tokenizer", "tokenizer.json"))
        # two tokenizers: their padding state is mutable, so single pairs and batches never share one
        self._single = Tokenizer.from_file(tokenizer_path)
        self._single.no_padding()
        self._single.enable_truncation(max_length=self.max_length, strategy="longest_first")
        self._batch = Tokenizer.from_file(tokenizer_path)
        self._batch.enable_truncation(max_length=self.max_length, strategy="longest_first")
        pad_id = self._batch.token_to_id("[PAD]") or 0
        self._batch.enable_padding(pad_id=pad_id, pad_token="[PAD]")
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = ort.InferenceSession(str(self.model_dir / self.config["model"]), options,
                                            providers=["CPUExecutionProvider"])
        self.input_names = [i.name for i in self.session.get_inputs()]
        self.temperature = float(self.config.get("temperature", 1.0))

    def logits(self, question: str, sentences: list[str]) -> np.ndarray:
        if not sentences:
            return np.zeros(0, dtype=np.float32)
        if len(sentences) == 1:
            encodings = [self._single.encode(question, sentences[0])]
        else:
            encodings = self._batch.encode_batch([(question, s) for s in sentences])
        feeds = {
            "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
        }
        out = self.session.run(None, {k: v for k, v in feeds.items() if k in self.input_names})[0]
        return out.reshape(-1).astype(np.float32)

    def probabilities(self, question: str, sentences: list[str]) -> np.ndarray:
        """P(sentence states the answer to question), one per sentence: sigmoid(logit / temperature)."""
        z = self.logits(question, list(sentences)) / self.temperature
        return 1.0 / (1.0 + np.exp(-z))
