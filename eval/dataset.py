"""The eval set: questions with gold answers and verbatim evidence, and its validator."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Question", "load_questions", "validate", "assign_splits", "QUESTIONS_PATH", "CATEGORIES", "SPLITS"]

QUESTIONS_PATH = Path(__file__).with_name("questions.jsonl")
CATEGORIES = (
    "number", "date", "person", "organisation", "place", "list", "why_how",
    "paraphrase", "primary", "multi_source", "conflict", "unanswerable",
)
FIELDS = {"id", "question", "answers", "evidence", "doc_ids", "category", "split"}
# train: extra questions for tuning and calibration only; dev: tuning; test: reporting
# (dev and test are balanced per category, train is not)
SPLITS = ("train", "dev", "test")


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    answers: tuple[str, ...]
    evidence: tuple[str, ...]
    doc_ids: tuple[str, ...]
    category: str
    split: str
    required: tuple[str, ...] = field(default=())
    style: str = "plain"  # how it is typed: plain, keywords, typo, rambling
    trap: bool | None = None  # unanswerable: a near-topic trap (True) or off-topic (False); None when not marked
    lang: str = "en"  # the question's language (ISO 639-1); the sources stay English

    @property
    def answerable(self) -> bool:
        return self.category != "unanswerable"


def load_questions(path: Path = QUESTIONS_PATH, *, split: str | None = None) -> list[Question]:
    questions = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        record = json.loads(line)
        missing = FIELDS - set(record)
        if missing:
            raise ValueError(f"{path}:{number}: missing fields {sorted(missing)}")
        questions.append(
            Question(
                id=record["id"],
                question=record["question"],
                answers=tuple(record["answers"]),
                evidence=tuple(record["evidence"]),
                doc_ids=tuple(record["doc_ids"]),
                category=record["category"],
                split=record["split"],
                required=tuple(record.get("required", ())),
                style=record.get("style", "plain"),
                trap=record.get("trap"),
                lang=record.get("lang", "en"),
            )
        )
    wanted = {"train", "dev"} if split == "tuning" else {split}
    return [q for q in questions if split in (None, "all") or q.split in wanted]


def validate(questions: list[Question], documents: dict[str, str]) -> list[str]:
    """Every problem with the set, as messages; [] when it is sound.

    `documents` maps doc_id -> cleaned text; questions on documents not given are
    checked for shape only."""
    problems = []
    ids = Counter(q.id for q in questions)
    problems += [f"{i}: duplicate id" for i, n in ids.items() if n > 1]
    for q in questions:
        problems += validate_one(q, documents)
    problems += split_balance(questions)
    return problems


def validate_one(q: Question, documents: dict[str, str]) -> list[str]:
    problems = []
    if q.category not in CATEGORIES:
        problems.append(f"{q.id}: unknown category {q.category!r}")
    if q.split not in SPLITS:
        problems.append(f"{q.id}: split must be one of {', '.join(SPLITS)}")
    if not q.question.strip():
        problems.append(f"{q.id}: empty question")
    if not q.answerable:
        if q.answers or q.evidence or q.doc_ids:
            problems.append(f"{q.id}: unanswerable questions carry no answers, evidence or doc_ids")
        return problems
    if not (q.answers and q.evidence and q.doc_ids):
        problems.append(f"{q.id}: answers, evidence and doc_ids are required")
    for answer in q.answers + q.required:
        if not any(answer in e for e in q.evidence):
            problems.append(f"{q.id}: answer {answer!r} is not in the evidence")
    available = [d for d in q.doc_ids if d in documents]
    if len(available) == len(q.doc_ids):
        for evidence in q.evidence:
            if not any(evidence in documents[d] for d in q.doc_ids):
                problems.append(f"{q.id}: evidence not verbatim in {list(q.doc_ids)}: {evidence[:60]!r}")
    return problems


def split_balance(questions: list[Question]) -> list[str]:
    """Each category's questions are split evenly (within one) between dev and test, among the
    English questions and among those in other languages (drafted and split as their own batch)."""
    problems = []
    for group, members in (("English", [q for q in questions if q.lang == "en"]), ("other languages", [q for q in questions if q.lang != "en"])):
        for category in CATEGORIES:
            counts = Counter(q.split for q in members if q.category == category)
            if abs(counts["dev"] - counts["test"]) > 1:
                problems.append(f"category {category} ({group}): dev {counts['dev']} vs test {counts['test']}")
    return problems


def assign_splits(records: list[dict]) -> list[dict]:
    """Deterministic, category-balanced dev/test split by a hash of the id."""
    by_category: dict[str, list[dict]] = {}
    for record in records:
        by_category.setdefault(record["category"], []).append(record)
    for items in by_category.values():
        items.sort(key=lambda r: hashlib.sha1(r["id"].encode()).hexdigest())
        for index, record in enumerate(items):
            record["split"] = "dev" if index % 2 == 0 else "test"
    return records
