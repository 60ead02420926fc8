"""Fit the abstention model on the tuning questions (train and dev splits) and write it to
answers/calibration.json, which the answer layer reads.

    python -m eval.calibrate --index .citeqa/eval-index

Logistic regression (numpy, L2, unanswerable questions weighted 3x), then the
lowest threshold (in steps of 0.01) at which at most 2% of the answerable tuning
questions are refused out of fold (5-fold: each question scored by a model
fitted without it), plus a margin of 0.05: with 333 answerable tuning
questions 1% is three questions, and an earlier model's out-of-fold 0.7% was
4.7% on the test split. The trade-off table printed shows what the margin
costs. The rates printed are the
model's alone; the product applies three hard rules first (answers/abstain.py),
so its abstention recall is a little higher.

Questions ranked by the multilingual sentence vectors (not in English) get a
model of their own, fitted the same way on the tuning questions in other
languages and written under the file's "translingual" key: their similarities
are on another scale, and the features that compare the question's words with
the English sentence mean less. Their hard-rule thresholds are set from their
own answerable questions.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from eval.dataset import load_questions
from answers import Answerer
from answers.abstain import CALIBRATION_PATH, FEATURES, TRANSLINGUAL

MAX_FALSE_ABSTAIN = 0.02
# Safety on top of the dev choice: wrongly refusing an answerable question costs
# a user more than answering an unanswerable one (see the docstring for its size).
SAFETY_MARGIN = 0.05
FOLDS = 5
# the hard rules' thresholds (answers/abstain.py): the lowest best-passage cosine of an
# answerable tuning question is above OFF_TOPIC_DENSE
UNKNOWN_NAME_DENSE = 0.45
OFF_TOPIC_DENSE = 0.27
TRANSLINGUAL_MARGIN = 0.02


def collect(qa: Answerer, split: str) -> dict[bool, tuple[np.ndarray, np.ndarray]]:
    """Features and labels (1: unanswerable) by whether the question was ranked translingually."""
    rows: dict[bool, list] = {False: [], True: []}
    labels: dict[bool, list] = {False: [], True: []}
    for question in load_questions(split=split):
        q, ranking, choice = qa.read(question.question)
        if choice is None:
            continue
        rows[ranking.translingual].append(qa.abstention_features(q, ranking, choice))
        labels[ranking.translingual].append(0.0 if question.answerable else 1.0)
    return {group: (np.array(rows[group]), np.array(labels[group])) for group in rows}


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


def out_of_fold(features: np.ndarray, labels: np.ndarray, folds: int = FOLDS) -> np.ndarray:
    """Each question's probability from a model fitted without it (k-fold): how the model
    scores questions it has not seen, which is what the threshold must hold for."""
    probabilities = np.zeros(len(labels))
    for fold in range(folds):
        held = np.arange(len(labels)) % folds == fold
        mean, scale, weights, bias = fit(features[~held], labels[~held])
        probabilities[held] = 1 / (1 + np.exp(-(((features[held] - mean) / scale) @ weights + bias)))
    return probabilities


def rounded(values) -> list[float]:
    return [round(float(v), 4) for v in values]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--index", type=Path, default=Path(".citeqa/eval-index"))
    parser.add_argument("--out", type=Path, default=CALIBRATION_PATH, help="Where the fitted model goes (read by the answer layer).")
    parser.add_argument("--only", choices=["english", "translingual"], help="Refit one group and keep the other's model as it is in --out.")
    args = parser.parse_args()
    qa = Answerer.load(args.index)
    groups = collect(qa, "tuning")
    kept = json.loads(args.out.read_text(encoding="utf-8")) if args.only and args.out.is_file() else {}
    if args.only == "translingual":
        record = {k: v for k, v in kept.items() if k != TRANSLINGUAL}
    else:
        print("== questions in English")
        record = calibrate(*groups[False], unknown_name_dense=UNKNOWN_NAME_DENSE, off_topic_dense=OFF_TOPIC_DENSE)
    if args.only == "english" and TRANSLINGUAL in kept:
        record[TRANSLINGUAL] = kept[TRANSLINGUAL]
    elif len(groups[True][1]):
        print("== questions in other languages (ranked by the multilingual sentence vectors)")
        features, labels = groups[True]
        # below the nearest sentence of every answerable tuning question, with a margin
        floor = round(float(features[labels == 0, 0].min()) - TRANSLINGUAL_MARGIN, 3)
        record[TRANSLINGUAL] = calibrate(features, labels, unknown_name_dense=floor, off_topic_dense=floor)
    args.out.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    print(f"written to {args.out}")


def calibrate(features: np.ndarray, labels: np.ndarray, *, unknown_name_dense: float, off_topic_dense: float) -> dict:
    """Fit, choose the threshold out of fold, print the trade-off; the record calibration.json holds."""
    mean, scale, weights, bias = fit(features, labels)
    unseen = out_of_fold(features, labels)
    answerable = labels == 0
    threshold = next(t for t in np.arange(0.30, 0.951, 0.01) if (unseen[answerable] > t).mean() <= MAX_FALSE_ABSTAIN)
    print("out of fold, the trade-off: threshold  unanswerable refused  answerable refused")
    for t in np.arange(0.30, 0.96, 0.05):
        print(f"  {t:.2f}  {(unseen[~answerable] > t).mean():.3f}  {(unseen[answerable] > t).mean():.3f}")
    threshold = min(0.95, threshold + SAFETY_MARGIN)
    recall, false = rates(features, labels, mean, scale, weights, bias, threshold)
    print(f"out of fold at {threshold:.2f}: abstain recall {(unseen[~answerable] > threshold).mean():.3f}, false abstain {(unseen[answerable] > threshold).mean():.3f}")
    record = {
        "features": list(FEATURES), "mean": rounded(mean), "scale": rounded(scale), "weights": rounded(weights),
        "bias": round(float(bias), 4), "threshold": round(float(threshold), 2),
        "unknown_name_dense": unknown_name_dense, "off_topic_dense": off_topic_dense,
        "fitted_on": f"{len(labels)} tuning questions (train and dev), {int(labels.sum())} unanswerable",
    }
    print(f"fitted: {record}")
    print(f"tuning questions: abstain recall {recall:.3f}, false abstain {false:.3f} (the test split is for `citeqa eval` only)")
    return record


if __name__ == "__main__":
    main()
