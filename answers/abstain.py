"""Deciding that the corpus does not answer a question.

Three rules come first: no passage near the question at all; a name the corpus
never uses with no passage near the question; a year asked about that the
passage never mentions while the answer sentence gives another ("during 2023?"
answered by "in 2024 alone"). Then a logistic model over the signals below,
fitted on the tuning questions (train and dev) by `python -m eval.calibrate`,
which writes its coefficients and threshold to answers/calibration.json:

- dense: cosine of the best dense candidate (off-topic questions are far away);
- coverage: idf-weighted share of the question's terms in the answer sentence;
- typed_missing: the question asks for a number, date, name or place and the
  sentence holds none;
- unknown: names or numbers of the question that the corpus never uses;
- missing_keys: share of the question's names and years absent from the passage;
- predicate_sentence / predicate_passage: coverage of the question's other
  content words ("born", "deport"), which separates a question about a known
  person from one about a fact the corpus does not hold;
- answerability: the trained cross-encoder's logit that the sentence states
  the answer (answers/answerability.py; the signals above measure topic, this
  one statement);
- binding: how strongly the question's words attach to the sentence's best
  candidate in the parse (the asked type present and bound to its predicate).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

from answers.question import YEAR, Question
from ingest.lexical import fold_accents, word_terms
from retrieval.query import QUESTION_STEMS, US
from retrieval.sentences import coverage

__all__ = ["TRANSLINGUAL", "Calibration", "Signals", "abstain_features", "abstain_probability", "states_other_year", "CALIBRATION_PATH", "FEATURES"]

CALIBRATION_PATH = Path(__file__).with_name("calibration.json")
# the key of calibration.json holding the model for questions ranked by the multilingual
# sentence vectors (their similarities and features read on another scale)
TRANSLINGUAL = "translingual"
FEATURES = ("dense", "coverage", "typed_missing", "unknown", "missing_keys", "predicate_sentence", "predicate_passage", "answerability", "binding")


@dataclass(frozen=True)
class Calibration:
    """The abstention model as eval/calibrate.py fitted it."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float
    threshold: float
    # a question naming something the corpus never mentions, and far from every passage
    unknown_name_dense: float = 0.45
    # nothing in the corpus is near the question (the lowest of an answerable tuning question is higher)
    off_topic_dense: float = 0.27

    @classmethod
    def load(cls, path: Path = CALIBRATION_PATH, *, group: str = "") -> Calibration | None:
        """The English model (the file's top level), or a `group`'s; None when the file has no such group."""
        record = json.loads(path.read_text(encoding="utf-8"))
        if group:
            record = record.get(group)
            if record is None:
                return None
        fields = {k: tuple(v) if isinstance(v, list) else v for k, v in record.items() if k in cls.__dataclass_fields__}
        return cls(**fields)


@dataclass(frozen=True)
class Signals:
    """What abstention reads of a question's chosen answer."""

    top_dense: float
    coverage: float
    typed: bool  # the sentence holds a candidate of the asked type
    sentence_terms: frozenset[str]
    passage_terms: frozenset[str]
    answerability: float  # the answerability model's logit for the sentence
    binding: float  # attachment of the best candidate (0 without one)


def name_words(text: str) -> list[str]:
    """Capitalised words (not the question's first word) and numbers; "US" read as "United States"."""
    text = US.sub("United States", text)
    words = re.findall(r"\b[A-Z][\w'’-]+|\b\d{2,}\b", text)
    first = re.match(r"\W*(\w+)", text)
    return [w for w in words if not (first and w == first.group(1))]


def unknown_names(question: Question, vocabulary: frozenset[str]) -> list[str]:
    """Names and numbers of the question that the corpus never uses (with or without accents)."""
    return [
        name for name in name_words(question.text)
        if (tokens := word_terms(name)) and not any(t in vocabulary for t in tokens + word_terms(fold_accents(name)))
    ]


def key_terms(question: Question) -> list[str]:
    return [tokens[0] for tokens in (word_terms(w) for w in name_words(question.text)) if tokens]


def present(term: str, terms: frozenset[str]) -> bool:
    """A name is present when a term starts with its stem ("colombian" ~ "colombia")."""
    prefixes = {t if t.isdigit() else t[: max(4, len(t) - 3)] for t in (term, fold_accents(term))}
    return any(t.startswith(prefix) for t in terms for prefix in prefixes)


def abstain_features(question: Question, signals: Signals, vocabulary: frozenset[str], idf: dict[str, float]) -> tuple[float, ...]:
    keys = key_terms(question)
    predicate = tuple(t for t in question.terms if t not in set(keys) and t not in QUESTION_STEMS)
    return (
        signals.top_dense,
        signals.coverage,
        float(question.spanned and question.answer_type != "other" and not signals.typed),
        float(min(2, len(unknown_names(question, vocabulary)))),
        sum(not present(k, signals.passage_terms) for k in keys) / max(1, len(keys)),
        coverage(predicate, set(signals.sentence_terms), idf) if predicate else 1.0,
        coverage(predicate, set(signals.passage_terms), idf) if predicate else 1.0,
        signals.answerability,
        signals.binding,
    )


def states_other_year(question: str, sentence: str, passage: str) -> bool:
    """The question asks about a year its passage (with its document's date) never mentions,
    and the answer sentence gives the fact for another year."""
    asked = set(YEAR.findall(question))
    return bool(asked) and not asked & set(YEAR.findall(passage)) and bool(set(YEAR.findall(sentence)) - asked)


def abstain_probability(features: tuple[float, ...], calibration: Calibration, *, other_year: bool = False) -> float:
    """The three hard rules, then the logistic model."""
    dense, unknown = features[0], features[3]
    if other_year or dense < calibration.off_topic_dense or (unknown and dense < calibration.unknown_name_dense):
        return 1.0
    z = calibration.bias + sum(w * (f - m) / s for f, m, s, w in zip(features, calibration.mean, calibration.scale, calibration.weights))
    return 1.0 / (1.0 + math.exp(-z))
