"""The eval report's per-language table, from outcomes alone."""

from eval.harness import QuestionOutcome, per_group
from eval.report import markdown


def outcome(qid, lang, *, answerable=True, hit=True, answered=True):
    o = QuestionOutcome(qid, "number" if answerable else "unanswerable", "q", answerable, answered, lang=lang)
    if answerable:
        o.relevant = [hit, False, False, False, False]
        o.sentence_ok = hit and answered
        o.span_ok = hit and answered
    return o


def test_each_language_gets_its_row():
    outcomes = [outcome("a", "en"), outcome("b", "es", hit=False), outcome("c", "es"), outcome("d", "es", answerable=False, answered=False)]
    groups = per_group(outcomes)
    assert groups["language: es"] == {
        "n": 3, "hit@1": 0.5, "hit@5": 0.5, "sentence": 0.5, "span": 0.5, "false_abstain": 0.0, "abstained": 1.0,
    }
    assert groups["language: en"]["abstained"] is None  # no unanswerable English question here
    meta = {"split": "test", "questions": 4, "skipped": 0, "index": "i", "passages": 1, "model": "m", "when": "now"}
    report = markdown({}, {}, outcomes, meta, groups)
    assert "## Per language" in report and "| es | 3 | 0.500 | 0.500 | 0.500 | 0.500 | 0.000 | 1.000 |" in report
