"""Eval outputs: a JSON file, a Markdown report with every miss, a per-category chart,
and the regression gate against a stored baseline."""

from __future__ import annotations

import json
import time
from pathlib import Path

from eval.harness import QuestionOutcome, by_language, outcome_record

__all__ = ["write_reports", "compare_to_baseline", "GATED", "LOWER_IS_BETTER", "DEFAULT_TOLERANCE"]

# Headline metrics the gate guards; a drop larger than the tolerance fails the run.
GATED = ("hit@1", "hit@5", "mrr@10", "sentence", "span", "cite_valid", "abstain_precision", "abstain_recall", "false_abstain")
LOWER_IS_BETTER = frozenset({"false_abstain"})
DEFAULT_TOLERANCE = 0.03


def write_reports(
    out_dir: Path, *, summary: dict, categories: dict, outcomes: list[QuestionOutcome], meta: dict, groups: dict | None = None
) -> dict[str, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {"json": out_dir / "eval.json", "markdown": out_dir / "eval.md", "chart": out_dir / "hit_at_k.png"}
    payload = {"meta": meta, "headline": summary, "categories": categories, "groups": groups or {}, "questions": [outcome_record(o) for o in outcomes]}
    paths["json"].write_text(json.dumps(payload, indent=1, ensure_ascii=False), encoding="utf-8")
    paths["markdown"].write_text(markdown(summary, categories, outcomes, meta, groups or {}), encoding="utf-8")
    write_chart(paths["chart"], categories)
    return paths


def fmt(value) -> str:
    return "—" if value is None else (f"{value:.3f}" if isinstance(value, float) else str(value))


def markdown(summary: dict, categories: dict, outcomes: list[QuestionOutcome], meta: dict, groups: dict | None = None) -> str:
    lines = [
        f"# citeqa eval — split `{meta['split']}`",
        "",
        f"{meta['questions']} questions run, {meta['skipped']} skipped ({meta.get('skipped_reason', '')}); "
        f"index {meta['index']} ({meta['passages']} passages, model {meta['model']}); {meta['when']}.",
        "",
        "| metric | value |",
        "|---|---|",
        *[f"| {key} | {fmt(value)} |" for key, value in summary.items()],
        "",
        "## Per category",
        "",
        "| category | n | hit@1 | hit@5 | mrr@10 | evidence@5 | sentence | span | false abstain / abstained |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, row in categories.items():
        if name == "unanswerable":
            lines.append(f"| {name} | {row['n']} | | | | | | | {fmt(row['abstained'])} abstained |")
        else:
            cells = [row[k] for k in ("hit@1", "hit@5", "mrr@10", "evidence_recall@5", "sentence", "span", "false_abstain")]
            lines.append(f"| {name} | {row['n']} | " + " | ".join(fmt(c) for c in cells) + " |")
    lines += language_table(groups or {})
    lines += ["", "## Misses", "", "Every question not answered as it should be, with what came back instead.", ""]
    lines += [miss_line(o) for o in outcomes if is_miss(o)] or ["None."]
    return "\n".join(lines) + "\n"


def language_table(groups: dict) -> list[str]:
    """Per language of the questions (the sources are English)."""
    _, rows = by_language(groups)
    if not rows:
        return []
    lines = ["", "## Per language", "", "| language | n | hit@1 | hit@5 | sentence | span | wrongly refused | unanswerable refused |", "|---|---|---|---|---|---|---|---|"]
    for lang, row in rows.items():
        cells = [row[k] for k in ("hit@1", "hit@5", "sentence", "span", "false_abstain", "abstained")]
        lines.append(f"| {lang} | {row['n']} | " + " | ".join(fmt(c) for c in cells) + " |")
    return lines


def is_miss(o: QuestionOutcome) -> bool:
    if not o.gold_answerable:
        return o.answerable
    return not (o.relevant[:1] == [True] and o.sentence_ok and o.span_ok is not False and o.answerable)


def miss_line(o: QuestionOutcome) -> str:
    if not o.gold_answerable:
        what = f"answered {o.answer or o.sentence!r}" if o.answer or o.sentence else "returned passages"
        return f"- **{o.id}** ({o.category}) {o.question} — should abstain; {what}; top: {top_text(o)}"
    state = "abstained" if not o.answerable else f"answer {o.answer!r} in {o.sentence[:140]!r}"
    return f"- **{o.id}** ({o.category}) {o.question} — first grounded rank {o.rank}; {state}; top: {top_text(o)}"


def top_text(o: QuestionOutcome) -> str:
    if not o.returned:
        return "(nothing)"
    first = o.returned[0]
    return f"[{first['doc_id']}] {first['text'][:120]!r}"


def write_chart(path: Path, categories: dict) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [n for n in categories if n != "unanswerable"]
    fig, ax = plt.subplots(figsize=(11, 4.5))
    width = 0.2
    for offset, k in enumerate((1, 3, 5, 10)):
        values = [categories[n][f"hit@{k}"] for n in names]
        ax.bar([i + (offset - 1.5) * width for i in range(len(names))], values, width, label=f"hit@{k}")
    ax.set_xticks(range(len(names)), names, rotation=30, ha="right")
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("grounded hit rate")
    ax.set_title("Grounded hit@k by question category")
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def compare_to_baseline(summary: dict, baseline: dict) -> list[str]:
    """Regressions beyond the baseline's tolerance, as messages; [] when the gate passes.

    The tolerance is the stated one, or one question's worth when a metric is
    computed on few questions (24 unanswerable ones make a step of 0.042)."""
    tolerance = float(baseline.get("tolerance", DEFAULT_TOLERANCE))
    counts = baseline.get("counts", {})
    failures = []
    for key in GATED:
        if key not in baseline["metrics"] or key not in summary:
            continue
        allowed = max(tolerance, 1.0 / counts[key] + 1e-9) if counts.get(key) else tolerance
        before, now = float(baseline["metrics"][key]), float(summary[key])
        drop = (now - before) if key in LOWER_IS_BETTER else (before - now)
        if drop > allowed:
            failures.append(f"{key}: {now:.3f} vs baseline {before:.3f} (tolerance {allowed:.3f})")
    return failures


def baseline_record(summary: dict, meta: dict, tolerance: float, counts: dict[str, int]) -> dict:
    return {
        "split": meta["split"],
        "tolerance": tolerance,
        "created": time.strftime("%Y-%m-%d"),
        "questions": meta["questions"],
        "metrics": {k: summary[k] for k in GATED if k in summary},
        "counts": {k: counts[k] for k in GATED if k in counts},
    }
