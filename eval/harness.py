"""Run the eval set through the retrieval API and score every answer against its evidence."""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import asdict, dataclass, field

from eval.dataset import CATEGORIES, Question
from eval.metrics import (
    contains_answer, evidence_overlap, first_relevant_rank, hit_at, mean_or_zero, ndcg_at,
    percentile, reciprocal_rank, safe_ratio, span_correct, span_exact,
)
from answers import Answerer, Result

__all__ = ["QuestionOutcome", "run_eval", "headline", "per_category", "per_group", "by_language", "HEADLINE_KEYS"]

EVIDENCE_MATCH = 0.5  # share of an evidence quote's 5-grams a passage must hold
RANKED_DEPTH = 10
RECALL_DEPTH = 100
SPAN_CATEGORIES = frozenset({"number", "date", "person", "organisation", "place", "primary", "paraphrase", "multi_source", "conflict"})
MAX_SPAN_ANSWER_WORDS = 6
HEADLINE_KEYS = (
    "hit@1", "hit@3", "hit@5", "hit@10", "mrr@10", "ndcg@10", "recall@100", "evidence_recall@5",
    "sentence", "span", "span_exact", "cite_valid", "cite_precision",
    "abstain_precision", "abstain_recall", "false_abstain", "refused_correct", "latency_p50_ms", "latency_p95_ms",
)


@dataclass
class QuestionOutcome:
    id: str
    category: str
    question: str
    gold_answerable: bool
    answerable: bool
    answer: str = ""
    sentence: str = ""
    cited_passage: str = ""
    relevant: list[bool] = field(default_factory=list)
    returned: list[dict] = field(default_factory=list)
    recall_hit: bool = False
    evidence_recall5: float = 0.0
    sentence_ok: bool = False
    span_ok: bool | None = None
    span_exact_ok: bool | None = None
    cite_valid: bool = True
    cite_ok: bool | None = None
    refused_correct: bool = False  # refused, though the sentence it would have given holds the answer
    latency_ms: float = 0.0
    style: str = "plain"
    trap: bool | None = None
    lang: str = "en"

    @property
    def rank(self) -> int | None:
        return first_relevant_rank(self.relevant)


def is_relevant(text: str, q: Question) -> bool:
    """A grounded hit: the passage holds a gold answer and overlaps the evidence."""
    if not contains_answer(text, q.answers, q.required):
        return False
    return any(evidence_overlap(text, e) >= EVIDENCE_MATCH for e in q.evidence)


def offsets_valid(qa: Answerer, result: Result) -> bool:
    """Every returned text is reproduced exactly by its offsets into the served document."""
    checks = []
    for hit in result.passages + result.related:
        p = hit.passage
        checks.append(qa.document(p.doc_id).text[p.start : p.end] == p.text)
        checks += [h.start < h.end and h.start >= p.start and h.end <= p.end for h in hit.highlights]
    if result.answer:
        a = result.answer
        text = qa.document(a.doc_id).text
        checks += [text[a.start : a.end] == a.text, text[a.sentence_start : a.sentence_end] == a.sentence]
    return all(checks)


def score_question(qa: Answerer, q: Question, k: int) -> QuestionOutcome:
    started = time.perf_counter()
    result = qa.ask(q.question, k=k)
    latency = (time.perf_counter() - started) * 1000
    outcome = QuestionOutcome(q.id, q.category, q.question, q.answerable, result.answerable, latency_ms=round(latency, 2), style=q.style, trap=q.trap, lang=q.lang)
    ranked = result.passages if result.answerable else result.related
    outcome.returned = [{"passage_id": h.passage.passage_id, "doc_id": h.passage.doc_id, "text": h.passage.text[:160]} for h in ranked[:5]]
    outcome.cite_valid = offsets_valid(qa, result)
    if result.answer:
        outcome.answer, outcome.sentence, outcome.cited_passage = result.answer.text, result.answer.sentence, result.answer.passage_id
    if not q.answerable:
        return outcome
    outcome.relevant = [is_relevant(h.passage.text, q) for h in ranked[:RANKED_DEPTH]]
    deep = qa.search(q.question, k=RECALL_DEPTH)
    outcome.recall_hit = any(is_relevant(h.passage.text, q) for h in deep)
    top5 = [h.passage.text for h in ranked[:5]]
    outcome.evidence_recall5 = safe_ratio(sum(any(evidence_overlap(t, e) >= EVIDENCE_MATCH for t in top5) for e in q.evidence), len(q.evidence))
    answered = result.answerable and result.answer is not None
    outcome.sentence_ok = answered and contains_answer(result.answer.sentence, q.answers, q.required)
    if q.category in SPAN_CATEGORIES and len(q.answers[0].split()) <= MAX_SPAN_ANSWER_WORDS:
        outcome.span_ok = answered and span_correct(result.answer.text, q.answers, q.required)
        outcome.span_exact_ok = answered and span_exact(result.answer.text, q.answers)
    if answered:
        cited = qa.passage(result.answer.passage_id).text
        outcome.cite_ok = contains_answer(cited, q.answers, q.required)
    else:  # what the refusal cost: would the withheld answer have been right?
        _, _, withheld = qa.read(q.question)
        if withheld is not None:
            passage = qa.passages[withheld.sentence.passage_index]
            sentence = qa.document(passage.doc_id).text[withheld.sentence.start : withheld.sentence.end]
            outcome.refused_correct = contains_answer(sentence, q.answers, q.required)
    return outcome


def run_eval(qa: Answerer, questions: list[Question], *, k: int = RANKED_DEPTH) -> tuple[list[QuestionOutcome], list[Question]]:
    """(outcomes, skipped): questions on documents the index does not hold are skipped."""
    present = set(qa.documents)
    runnable = [q for q in questions if all(d in present for d in q.doc_ids)]
    skipped = [q for q in questions if q not in runnable]
    qa.warm()  # as the service does after loading
    return [score_question(qa, q, k) for q in runnable], skipped


def headline(outcomes: list[QuestionOutcome]) -> dict[str, float]:
    answerable = [o for o in outcomes if o.gold_answerable]
    unanswerable = [o for o in outcomes if not o.gold_answerable]
    abstained = [o for o in outcomes if not o.answerable]
    spans = [o for o in answerable if o.span_ok is not None]
    cited = [o for o in answerable if o.cite_ok is not None]
    latencies = [o.latency_ms for o in outcomes]
    return {
        **{f"hit@{k}": mean_or_zero(hit_at(o.relevant, k) for o in answerable) for k in (1, 3, 5, 10)},
        "mrr@10": mean_or_zero(reciprocal_rank(o.relevant, 10) for o in answerable),
        # binary gains; the ideal ranking puts every grounded passage found first
        "ndcg@10": mean_or_zero(ndcg_at([float(r) for r in o.relevant], [1.0] * max(1, sum(o.relevant)), 10) for o in answerable),
        "recall@100": mean_or_zero(float(o.recall_hit) for o in answerable),
        "evidence_recall@5": mean_or_zero(o.evidence_recall5 for o in answerable),
        "sentence": mean_or_zero(float(o.sentence_ok) for o in answerable),
        "span": mean_or_zero(float(o.span_ok) for o in spans),
        "span_exact": mean_or_zero(float(o.span_exact_ok) for o in spans),
        "cite_valid": mean_or_zero(float(o.cite_valid) for o in outcomes),
        "cite_precision": mean_or_zero(float(o.cite_ok) for o in cited),
        "abstain_precision": round(safe_ratio(sum(not o.gold_answerable for o in abstained), len(abstained)), 4),
        "abstain_recall": mean_or_zero(float(not o.answerable) for o in unanswerable),
        "false_abstain": mean_or_zero(float(not o.answerable) for o in answerable),
        # the share of answerable questions refused whose withheld sentence held the answer:
        # false abstentions that cost the user a right answer (the rest spared a wrong one)
        "refused_correct": mean_or_zero(float(o.refused_correct) for o in answerable),
        "latency_p50_ms": round(percentile(latencies, 50), 2),
        "latency_p95_ms": round(percentile(latencies, 95), 2),
        "questions": len(outcomes),
    }


def metric_counts(outcomes: list[QuestionOutcome]) -> dict[str, int]:
    """How many questions each headline metric is computed on."""
    answerable = sum(o.gold_answerable for o in outcomes)
    return {
        "hit@1": answerable, "hit@5": answerable, "mrr@10": answerable, "sentence": answerable,
        "span": sum(o.span_ok is not None for o in outcomes), "cite_valid": len(outcomes),
        "abstain_precision": sum(not o.answerable for o in outcomes),
        "abstain_recall": len(outcomes) - answerable, "false_abstain": answerable,
    }


def per_category(outcomes: list[QuestionOutcome]) -> dict[str, dict[str, float]]:
    grouped: dict[str, list[QuestionOutcome]] = defaultdict(list)
    for outcome in outcomes:
        grouped[outcome.category].append(outcome)
    table = {}
    for category in CATEGORIES:
        items = grouped.get(category, [])
        if not items:
            continue
        if category == "unanswerable":
            table[category] = {"n": len(items), "abstained": mean_or_zero(float(not o.answerable) for o in items)}
            continue
        spans = [o for o in items if o.span_ok is not None]
        table[category] = {
            "n": len(items),
            **{f"hit@{k}": mean_or_zero(hit_at(o.relevant, k) for o in items) for k in (1, 3, 5, 10)},
            "mrr@10": mean_or_zero(reciprocal_rank(o.relevant, 10) for o in items),
            "evidence_recall@5": mean_or_zero(o.evidence_recall5 for o in items),
            "sentence": mean_or_zero(float(o.sentence_ok) for o in items),
            "span": mean_or_zero(float(o.span_ok) for o in spans) if spans else None,
            "false_abstain": mean_or_zero(float(not o.answerable) for o in items),
        }
    return table


def per_group(outcomes: list[QuestionOutcome]) -> dict[str, dict[str, float]]:
    """By how a question is typed (answerable ones), and unanswerable ones by kind where marked."""
    table: dict[str, dict[str, float]] = {}
    for style in sorted({o.style for o in outcomes if o.gold_answerable}):
        items = [o for o in outcomes if o.gold_answerable and o.style == style]
        spans = [o for o in items if o.span_ok is not None]
        table[f"style: {style}"] = {
            "n": len(items), "hit@1": mean_or_zero(hit_at(o.relevant, 1) for o in items),
            "sentence": mean_or_zero(float(o.sentence_ok) for o in items),
            "span": mean_or_zero(float(o.span_ok) for o in spans) if spans else None,
            "false_abstain": mean_or_zero(float(not o.answerable) for o in items),
        }
    for name, marked in (("near-topic traps", True), ("off-topic", False)):
        items = [o for o in outcomes if not o.gold_answerable and o.trap is marked]
        if items:
            table[name] = {"n": len(items), "abstained": mean_or_zero(float(not o.answerable) for o in items)}
    for lang in sorted({o.lang for o in outcomes}):
        table[f"{LANGUAGE}{lang}"] = language_row([o for o in outcomes if o.lang == lang])
    return table


LANGUAGE = "language: "  # the prefix of per_group's per-language rows


def by_language(groups: dict[str, dict]) -> tuple[dict[str, dict], dict[str, dict]]:
    """per_group's rows split in two: by style and kind, and by language (keyed by its code)."""
    languages = {name.removeprefix(LANGUAGE): row for name, row in groups.items() if name.startswith(LANGUAGE)}
    return {name: row for name, row in groups.items() if not name.startswith(LANGUAGE)}, languages


def language_row(outcomes: list[QuestionOutcome]) -> dict[str, float]:
    """One language's questions: ranking and answers of the answerable ones, refusals of the rest."""
    answerable = [o for o in outcomes if o.gold_answerable]
    unanswerable = [o for o in outcomes if not o.gold_answerable]
    spans = [o for o in answerable if o.span_ok is not None]
    return {
        "n": len(outcomes), "hit@1": mean_or_zero(hit_at(o.relevant, 1) for o in answerable),
        "hit@5": mean_or_zero(hit_at(o.relevant, 5) for o in answerable),
        "sentence": mean_or_zero(float(o.sentence_ok) for o in answerable),
        "span": mean_or_zero(float(o.span_ok) for o in spans) if spans else None,
        "false_abstain": mean_or_zero(float(not o.answerable) for o in answerable),
        "abstained": mean_or_zero(float(not o.answerable) for o in unanswerable) if unanswerable else None,
    }


def outcome_record(outcome: QuestionOutcome) -> dict:
    record = asdict(outcome)
    record["rank"] = outcome.rank
    return record
