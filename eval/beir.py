"""Run a BEIR-layout dataset (corpus.jsonl, queries.jsonl, qrels/test.tsv) through the
same index and retrieval code as the product, and print the field's metrics beside
the figures published in the dataset's README."""

from __future__ import annotations

import hashlib
import json
import re
import time
from pathlib import Path

from eval.metrics import mean_or_zero, ndcg_at, reciprocal_rank, recall_at
from ingest.build import IngestReport, build_bm25, embed_passages, read_previous
from ingest.folder_store import FolderStore
from ingest.embed import load_encoder
from ingest.records import Document, Metadata, Passage
from ingest.store import write_index

__all__ = ["run_beir", "load_beir", "score_run"]


def load_beir(folder: Path, split: str = "test") -> tuple[dict[str, str], dict[str, str], dict[str, dict[str, int]]]:
    """(corpus id -> title + text, query id -> text, qrels query id -> {doc id: grade})."""
    corpus = {}
    for line in (folder / "corpus.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        corpus[str(record["_id"])] = f"{record.get('title', '')}\n\n{record.get('text', '')}".strip()
    queries = {str(r["_id"]): r["text"] for r in map(json.loads, (folder / "queries.jsonl").read_text(encoding="utf-8").splitlines())}
    qrels: dict[str, dict[str, int]] = {}
    for line in (folder / "qrels" / f"{split}.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        query_id, doc_id, grade = line.split("\t")
        qrels.setdefault(query_id, {})[doc_id] = int(grade)
    return corpus, {q: queries[q] for q in qrels if q in queries}, qrels


def build_beir_index(corpus: dict[str, str], index_dir: Path, model: str, progress: bool) -> None:
    """One passage per abstract, as the BEIR baselines do; embeddings are reused across runs."""
    documents, passages = [], []
    for doc_id, text in corpus.items():
        digest = hashlib.sha256(text.encode()).hexdigest()
        documents.append(Document(doc_id, text, Metadata(), digest))
        passages.append(Passage(f"p{doc_id}", doc_id, 0, len(text), text))
    report = IngestReport()
    previous = read_previous(FolderStore(index_dir))  # the last run's vectors, by text
    embeddings = embed_passages(passages, model, lambda: load_encoder(model), previous, report, progress)
    write_index(index_dir, documents=documents, passages=passages, embeddings=embeddings, bm25=build_bm25(list(corpus.values())), model=model)


def score_run(rankings: dict[str, list[str]], qrels: dict[str, dict[str, int]]) -> dict[str, float]:
    ndcg, recall, mrr = [], [], []
    for query_id, relevant in qrels.items():
        ranked = rankings.get(query_id, [])
        ndcg.append(ndcg_at([float(relevant.get(d, 0)) for d in ranked], [float(g) for g in relevant.values()], 10))
        recall.append(recall_at(ranked, {d for d, g in relevant.items() if g > 0}, 100))
        mrr.append(reciprocal_rank([relevant.get(d, 0) > 0 for d in ranked], 10))
    return {"ndcg@10": mean_or_zero(ndcg), "recall@100": mean_or_zero(recall), "mrr@10": mean_or_zero(mrr)}


def published_figures(folder: Path) -> list[str]:
    readme = folder / "README.md"
    if not readme.exists():
        return []
    lines, inside = [], False
    for line in readme.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            inside = "published" in line.casefold()
        elif inside and re.match(r"^\| (?!system|---)", line):
            lines.append(line)
    return lines


def run_beir(folder: Path, *, cache_dir: Path, model: str, as_json: bool, echo, modes: tuple[str, ...] = ("dense", "bm25", "hybrid")) -> dict:
    from retrieval import Retriever

    corpus, queries, qrels = load_beir(folder)
    index_dir = cache_dir / folder.resolve().name
    started = time.perf_counter()
    build_beir_index(corpus, index_dir, model, progress=not as_json)
    built = time.perf_counter() - started
    retriever = Retriever.load(index_dir, model=model)
    results = {}
    for mode in modes:
        started = time.perf_counter()
        rankings = {q: [h.passage.doc_id for h in retriever.search(text, k=100, mode=mode)] for q, text in queries.items()}
        results[mode] = {**score_run(rankings, qrels), "ms_per_query": round((time.perf_counter() - started) * 1000 / len(queries), 2)}
    summary = {"dataset": folder.name, "queries": len(queries), "documents": len(corpus), "index_seconds": round(built, 1), "runs": results}
    if as_json:
        echo(json.dumps(summary))
        return summary
    echo(f"{folder.name}: {len(queries)} test queries over {len(corpus)} documents (index ready in {built:.0f} s)")
    echo("| citeqa run | nDCG@10 | Recall@100 | MRR@10 | ms/query |")
    echo("|---|---|---|---|---|")
    for mode, scores in results.items():
        echo(f"| {mode} | {scores['ndcg@10']:.3f} | {scores['recall@100']:.3f} | {scores['mrr@10']:.3f} | {scores['ms_per_query']} |")
    echo("Published (from the dataset README):")
    for line in published_figures(folder):
        echo(line)
    return summary
