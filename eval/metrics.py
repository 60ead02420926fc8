"""Metric functions, one formula each, checked on hand-computed cases in the tests."""

from __future__ import annotations

import math
from collections.abc import Iterable
import re
import unicodedata

from ingest.dedup import shingles

__all__ = [
    "normalize_answer", "contains_answer", "span_correct", "span_exact",
    "evidence_overlap", "first_relevant_rank", "hit_at", "reciprocal_rank",
    "ndcg_at", "recall_at", "percentile", "safe_ratio", "mean_or_zero",
]

ARTICLES = re.compile(r"\b(a|an|the)\b")
SPAN_SLACK_WORDS = 4  # a span may carry this many words beyond the gold answer ("around 15,000 Haitians")


def normalize_answer(text: str) -> str:
    """SQuAD-style normalisation: case, accents-insensitive quotes, punctuation, articles, spaces.
    Digits, decimal points inside numbers and currency signs are kept."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.translate(str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"}))
    text = re.sub(r"(?<=\d),(?=\d{3})", "", text)  # 2,000 -> 2000
    text = re.sub(r"[^\w\s$%.]|(?<!\d)\.|\.(?!\d)", " ", text)
    text = ARTICLES.sub(" ", text)
    return " ".join(text.split())


def contains_answer(text: str, answers: tuple[str, ...] | list[str], required: tuple[str, ...] | list[str] = ()) -> bool:
    """True when `text` holds one of the gold answers (normalised, word-bounded), and
    all `required` items of a list answer."""
    haystack = f" {normalize_answer(text)} "
    if required:
        return all(f" {normalize_answer(item)} " in haystack for item in required)
    return any(f" {normalize_answer(a)} " in haystack for a in answers if normalize_answer(a))


def span_correct(span: str, answers, required=()) -> bool:
    """The span holds a gold answer and is not much longer than that answer (normalised
    containment): "U.S. International Development Finance Corporation" is right when the gold
    answers are it and "DFC", whichever is shorter."""
    if not span or not contains_answer(span, answers, required):
        return False
    length = len(normalize_answer(span).split())
    if required:
        return length <= sum(len(normalize_answer(r).split()) for r in required) + 3 * len(required) + SPAN_SLACK_WORDS
    return any(contains_answer(span, (a,)) and length <= len(normalize_answer(a).split()) + SPAN_SLACK_WORDS for a in answers)


def span_exact(span: str, answers) -> bool:
    return bool(span) and any(normalize_answer(span) == normalize_answer(a) for a in answers)


def evidence_overlap(passage_text: str, evidence: str) -> float:
    """Share of the evidence's word 5-grams found in the passage (1.0 = fully inside)."""
    own = shingles(evidence)
    if not own:
        return 0.0
    return len(own & shingles(passage_text)) / len(own)


def first_relevant_rank(relevant: list[bool]) -> int | None:
    """1-based rank of the first relevant result, or None."""
    return next((i + 1 for i, r in enumerate(relevant) if r), None)


def hit_at(relevant: list[bool], k: int) -> float:
    return 1.0 if any(relevant[:k]) else 0.0


def reciprocal_rank(relevant: list[bool], k: int = 10) -> float:
    rank = first_relevant_rank(relevant[:k])
    return 1.0 / rank if rank else 0.0


def ndcg_at(gains: list[float], ideal_gains: list[float], k: int = 10) -> float:
    """nDCG@k (Järvelin & Kekäläinen 2002) with log2 discounts, as in BEIR/trec_eval."""
    dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains[:k]))
    ideal = sum(g / math.log2(i + 2) for i, g in enumerate(sorted(ideal_gains, reverse=True)[:k]))
    return dcg / ideal if ideal > 0 else 0.0


def recall_at(retrieved: list[str], relevant: set[str], k: int) -> float:
    if not relevant:
        return 0.0
    return len(set(retrieved[:k]) & relevant) / len(relevant)


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def safe_ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else 0.0


def mean_or_zero(values: Iterable[float]) -> float:
    """Mean rounded to 4 places; 0.0 for no values."""
    values = list(values)
    return round(sum(values) / len(values), 4) if values else 0.0
