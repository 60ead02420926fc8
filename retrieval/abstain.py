"""Deciding that the corpus does not answer a question.

A logistic model over seven signals, fitted on the tuning questions (train and dev splits) by
`python -m eval.calibrate` (coefficients below; README has the figures):

- dense: cosine of the best dense candidate (off-topic questions are far away);
- coverage: idf-weighted share of the question's terms in the answer sentence;
- typed_missing: the question asks for a number, date, name or place and the
  sentence has none;
- unknown: names or numbers of the question that the corpus never uses
  ("World Cup", "Australia");
- missing_keys: share of the question's names and years absent from the passage;
- predicate_sentence / predicate_passage: coverage of the question's other
  content words ("born", "deport", "headquartered"), which separates a question
  about a known person from one about a fact the corpus does not hold.

Three rules come first: no passage near the question at all; a name the corpus
never uses with no passage near the question; and a year asked about that the
passage never mentions while the answer sentence gives another ("during 2023?"
answered by "in 2024 alone").
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from ingest.lexical import word_terms
from retrieval.answer import TYPED, ScoredSentence, coverage
from retrieval.question import QUESTION_STEMS, US, Question

__all__ = ["AbstainConfig", "abstain_features", "abstain_probability", "states_other_year", "unknown_names", "FEATURES"]

FEATURES = ("dense", "coverage", "typed_missing", "unknown", "missing_keys", "predicate_sentence", "predicate_passage")


@dataclass(frozen=True)
class AbstainConfig:
    """Fitted by eval/calibrate.py: at most 1% of answerable tuning questions refused out of fold, plus a margin."""

    mean: tuple[float, ...] = (0.6455, 0.5516, 0.0552, 0.0429, 0.1659, 0.4780, 0.5249)
    scale: tuple[float, ...] = (0.1124, 0.2157, 0.2284, 0.2562, 0.2765, 0.2551, 0.2487)
    weights: tuple[float, ...] = (-0.4744, 0.2390, 0.5997, 0.2232, -0.0791, -0.0874, -0.2893)
    bias: float = -0.8496
    threshold: float = 0.94
    # A question naming something the corpus never mentions, and far from every
    # passage, is off-topic whatever the model says ("What is the capital of Australia?").
    unknown_name_dense: float = 0.45
    # Nothing in the corpus is near the question ("How do I bake sourdough bread?"): the
    # lowest best-passage cosine of an answerable tuning question is 0.33.
    off_topic_dense: float = 0.27
    conflict_margin: float = 0.25  # an alternative's passage matches the question about as well
    # and the two sentences share this much of each other's weighted terms: "On Monday, September 26,
    # 2022, ... Sullivan and ... Sherwood-Randall welcomed representatives" and "On September 27,
    # 2022, Sherwood-Randall and Sullivan co-convened representatives" share 0.33 and 0.48;
    # "almost 1 million border encounters in fiscal year 2019" and "more than 2 million in 2022
    # and 2023", two facts, 0.22 and 0.24
    conflict_overlap: float = 0.3
    extra: dict = field(default_factory=dict)


def name_words(text: str) -> list[str]:
    """Capitalised words (not the question's first word) and numbers; "US" read as "United States"."""
    text = US.sub("United States", text)
    words = re.findall(r"\b[A-Z][\w'’-]+|\b\d{2,}\b", text)
    first = re.match(r"\W*(\w+)", text)
    return [w for w in words if not (first and w == first.group(1))]


def unknown_names(question: Question, vocabulary: frozenset[str]) -> list[str]:
    """Names and numbers of the question that the corpus never uses."""
    missing = []
    for name in name_words(question.text):
        tokens = word_terms(name)
        if tokens and not any(t in vocabulary for t in tokens):
            missing.append(name)
    return missing


def key_terms(question: Question) -> list[str]:
    return [tokens[0] for tokens in (word_terms(w) for w in name_words(question.text)) if tokens]


def present(term: str, terms: set[str]) -> bool:
    """A name is present when a term starts with its stem ("colombian" ~ "colombia")."""
    prefix = term if term.isdigit() else term[: max(4, len(term) - 3)]
    return any(t.startswith(prefix) for t in terms)


def abstain_features(
    question: Question, sentence: ScoredSentence, sentence_terms: set[str], passage_terms: set[str],
    top_dense: float, vocabulary: frozenset[str], idf: dict[str, float],
) -> tuple[float, ...]:
    keys = key_terms(question)
    names = set(keys)
    predicate = tuple(t for t in question.terms if t not in names and t not in QUESTION_STEMS)
    return (
        top_dense,
        sentence.coverage,
        float(question.answer_type in TYPED and not sentence.typed),
        float(min(2, len(unknown_names(question, vocabulary)))),
        sum(not present(k, passage_terms) for k in keys) / max(1, len(keys)),
        coverage(predicate, sentence_terms, idf) if predicate else 1.0,
        coverage(predicate, passage_terms, idf) if predicate else 1.0,
    )


YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


def states_other_year(question: str, sentence: str, passage: str) -> bool:
    """The question asks about a year its passage (with its document's date) never mentions,
    and the answer sentence gives the fact for another year ("committed ... during 2023?" ->
    "in 2024 alone")."""
    asked = set(YEAR.findall(question))
    return bool(asked) and not asked & set(YEAR.findall(passage)) and bool(set(YEAR.findall(sentence)) - asked)


def abstain_probability(features: tuple[float, ...], config: AbstainConfig, *, other_year: bool = False) -> float:
    """Three hard rules (nothing near the question; a name the corpus never uses, far from every
    passage; the fact given for another year than the one asked about), then the logistic model."""
    dense, unknown = features[0], features[3]
    if other_year or dense < config.off_topic_dense or (unknown and dense < config.unknown_name_dense):
        return 1.0
    z = config.bias + sum(w * (f - m) / s for f, m, s, w in zip(features, config.mean, config.scale, config.weights))
    return 1.0 / (1.0 + math.exp(-z))
