from collections import Counter
from dataclasses import replace

from eval.dataset import CATEGORIES, load_questions, validate
from ingest.loaders import load_document
from ingest.sources import discover
from tests.conftest import CORPUS, PRIMARY


def documents() -> dict[str, str]:
    sources, _ = discover([CORPUS] + ([PRIMARY] if PRIMARY.is_dir() else []))
    return {s.doc_id: load_document(s).text for s in sources}


def test_eval_set_is_valid_against_the_cleaned_documents():
    questions = load_questions()
    assert validate(questions, documents()) == []


def test_eval_set_size_and_coverage():
    questions = load_questions()
    counts = Counter(q.category for q in questions)
    assert len(questions) >= 200
    assert counts["unanswerable"] >= 40
    assert all(counts[c] >= 5 for c in CATEGORIES), counts
    assert {q.split for q in questions} <= {"train", "dev", "test"}
    assert {"dev", "test"} <= {q.split for q in questions}


def test_tuning_is_train_and_dev():
    assert {q.split for q in load_questions(split="tuning")} <= {"train", "dev"}
    assert len(load_questions(split="tuning")) == len(load_questions(split="train")) + len(load_questions(split="dev"))


def test_validator_catches_broken_records():
    good = next(q for q in load_questions() if q.category == "number" and q.doc_ids == ("001_03a5958c15c3af4f",))
    broken = [
        replace(good, id="dup"), replace(good, id="dup"),
        replace(good, id="bad-evidence", evidence=("This sentence is not in the document.",)),
        replace(good, id="bad-answer", answers=("not in evidence",)),
        replace(good, id="bad-unanswerable", category="unanswerable"),
    ]
    problems = validate(broken, documents())
    assert any("duplicate id" in p for p in problems)
    assert any(p.startswith("bad-evidence") and "not verbatim" in p for p in problems)
    assert any(p.startswith("bad-answer") and "not in the evidence" in p for p in problems)
    assert any(p.startswith("bad-unanswerable") for p in problems)
