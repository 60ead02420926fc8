"""Fit the abstention model on the dev split and print its coefficients.

    python -m eval.calibrate --index .citeqa/eval-index

Logistic regression (numpy, L2, unanswerable questions weighted 3x), then the
lowest threshold (in steps of 0.01) at which at most 1% of the answerable dev
questions are refused, plus a margin of 0.05: the target is <= 0.03 on unseen
questions. (Refusing none at all lets one dev question decide: on the 152
answerable dev questions the highest score belongs to one whose answer the
retrieval cannot find.) Paste the printed values into retrieval/abstain.py's
AbstainConfig defaults. The rates printed are the model's alone; the product
applies two hard rules first (retrieval/abstain.py), so its abstention recall is
a little higher.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from eval.dataset import load_questions
from retrieval import Retriever
from retrieval.abstain import FEATURES

MAX_FALSE_ABSTAIN = 0.01
# Safety on top of the dev choice: wrongly refusing an
# answerable question costs a user more than answering an unanswerable one.
SAFETY_MARGIN = 0.05


def collect(retriever: Retriever, split: str) -> tuple[np.ndarray, np.ndarray]:
    rows, labels = [], []
    for question in load_questions(split=split):
        q, sentence, top_dense = retriever.answer_candidate(question.question)
        if sentence is None:
            continue
        rows.append(retriever.abstention_features(q, sentence, top_dense))
        labels.append(0.0 if question.answerable else 1.0)
    return np.array(rows), np.array(labels)


def fit(features: np.ndarray, labels: np.ndarray, *, l2: float = 0.1, steps: int = 5000, rate: float = 0.1, positive_weight: float = 3.0):
    mean, scale = features.mean(axis=0), features.std(axis=0) + 1e-9
    z = (features - mean) / scale
    weights, bias = np.zeros(z.shape[1]), 0.0
    sample_weight = np.where(labels == 1, positive_weight, 1.0)
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(z @ weights + bias)))
        gradient = (p - labels) * sample_weight
        weights -= rate * (z.T @ gradient / len(labels) + l2 * weights)
        bias -= rate * gradient.mean()
    return mean, scale, weights, bias


def rates(features, labels, mean, scale, weights, bias, threshold):
    p = 1 / (1 + np.exp(-(((features - mean) / scale) @ weights + bias)))
    abstained = p > threshold
    recall = (abstained & (labels == 1)).sum() / max(1, (labels == 1).sum())
    false = (abstained & (labels == 0)).sum() / max(1, (labels == 0).sum())
    return float(recall), float(false)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--index", type=Path, default=Path(".citeqa/eval-index"))
    args = parser.parse_args()
    retriever = Retriever.load(args.index)
    features, labels = collect(retriever, "dev")
    mean, scale, weights, bias = fit(features, labels)
    threshold = next(t for t in np.arange(0.30, 0.951, 0.01) if rates(features, labels, mean, scale, weights, bias, t)[1] <= MAX_FALSE_ABSTAIN)
    threshold = min(0.95, threshold + SAFETY_MARGIN)
    recall, false = rates(features, labels, mean, scale, weights, bias, threshold)
    fmt = lambda values: "(" + ", ".join(f"{v:.4f}" for v in values) + ")"  # noqa: E731
    print(f"features: {FEATURES}")
    print(f"    mean: tuple[float, ...] = {fmt(mean)}")
    print(f"    scale: tuple[float, ...] = {fmt(scale)}")
    print(f"    weights: tuple[float, ...] = {fmt(weights)}")
    print(f"    bias: float = {bias:.4f}")
    print(f"    threshold: float = {threshold:.2f}")
    print(f"dev: abstain recall {recall:.3f}, false abstain {false:.3f} (the test split is for `citeqa eval` only)")


if __name__ == "__main__":
    main()
