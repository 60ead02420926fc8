"""In-process `ask` latency on an index, model warm, with the per-stage breakdown.

    python -m benchmarks.ask_bench [--index .citeqa/eval-index] [--rounds 3]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import defaultdict
from pathlib import Path

from eval.dataset import load_questions
from eval.metrics import percentile
from answers import Answerer
from answers.question import analyze
from ingest.store import read_manifest
from retrieval.query_encoder import uncached_query_encoder


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--index", type=Path, default=Path(".citeqa/eval-index"))
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    # the encoder without its cache of recent questions, as analyze's cache is cleared below
    manifest = read_manifest(args.index)
    multilingual = (manifest.get("multilingual") or {}).get("model")
    qa = Answerer.load(
        args.index, encoder=uncached_query_encoder(manifest["model"]),
        multilingual_encoder=uncached_query_encoder(multilingual) if multilingual else None,
    )
    qa.warm()  # as the service does after loading
    questions = load_questions()
    for question in questions[:20]:
        qa.ask(question.question)
    english = [q.question for q in questions if q.lang == "en"]
    other = [q.question for q in questions if q.lang != "en"]
    for label, group in (("questions in English", english), ("questions in other languages", other)):
        if group:
            report(qa, group, args.rounds, f"{label} on {args.index}")


def report(qa: Answerer, questions: list[str], rounds: int, label: str) -> None:
    totals, stages = [], defaultdict(list)
    for _ in range(rounds):
        for question in questions:
            analyze.cache_clear()  # every call parses its question, as a question never asked before does
            started = time.perf_counter()
            result = qa.ask(question)
            totals.append((time.perf_counter() - started) * 1000)
            for stage, ms in result.timings_ms.items():
                stages[stage].append(ms)
    print(f"{label}: {len(qa.passages)} passages, {len(totals)} calls ({len(questions)} questions x {rounds})")
    print(f"  median {statistics.median(totals):.2f} ms   p95 {percentile(totals, 95):.2f} ms   max {max(totals):.2f} ms")
    print("  stage      median ms   p95 ms")
    for stage in ("analyze", "encode", "bm25", "dense", "fusion", "rerank", "answer", "total"):
        values = stages.get(stage, [0.0])
        print(f"  {stage:<9} {statistics.median(values):>9.3f} {percentile(values, 95):>8.3f}")

if __name__ == "__main__":
    main()
