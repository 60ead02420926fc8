"""Write what the answerability data is built from: each tuning question's candidate
sentences (all sentences of its top-5 ranked passages, the system's choice marked, gold
labels from the eval set) and the cleaned documents. Train and dev questions only.

    python -m answers.training.dump_pools --index .citeqa/eval-index --out /tmp/pools --docs /tmp/fresh/docs
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from answers import Answerer
from eval.dataset import load_questions
from eval.metrics import contains_answer


def pool_of(qa: Answerer, question) -> list[dict]:
    _, ranking, choice = qa.read(question.question)
    chosen = (choice.sentence.start, choice.sentence.end, choice.doc_id) if choice else None
    pool = []
    for rank, ranked in enumerate(ranking.ranked[:5]):
        passage = qa.passages[ranked.index]
        text = qa.document(passage.doc_id).text
        top = {(s.start, s.end) for s in ranked.sentences}
        for start, end in qa.retriever.sentence_spans(ranked.index):
            sentence = text[start:end]
            pool.append({
                "passage_rank": rank, "passage_score": round(ranked.score, 4), "doc_id": passage.doc_id, "start": start, "end": end,
                "text": sentence, "in_current_top2": (start, end) in top, "current_choice": (start, end, passage.doc_id) == chosen,
                "gold": bool(question.answerable and contains_answer(sentence, question.answers, question.required)),
            })
    return pool


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--index", type=Path, default=Path(".citeqa/eval-index"))
    parser.add_argument("--out", type=Path, default=Path("/tmp/pools"))
    parser.add_argument("--docs", type=Path, default=Path("/tmp/fresh/docs"))
    args = parser.parse_args()
    qa = Answerer.load(args.index)
    args.out.mkdir(parents=True, exist_ok=True)
    args.docs.mkdir(parents=True, exist_ok=True)
    questions = load_questions(split="tuning")
    with (args.out / "tuning_questions.jsonl").open("w", encoding="utf-8") as handle:
        for q in questions:
            handle.write(json.dumps({**q.__dict__, "answers": list(q.answers), "evidence": list(q.evidence), "doc_ids": list(q.doc_ids)}, ensure_ascii=False) + "\n")
    with (args.out / "tuning.jsonl").open("w", encoding="utf-8") as handle:
        for q in questions:
            record = {"id": q.id, "question": q.question, "category": q.category, "answerable": q.answerable, "answers": list(q.answers), "pool": pool_of(qa, q)}
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    for doc_id, document in qa.documents.items():
        m = document.metadata
        (args.docs / f"{doc_id}.txt").write_text(f"DOC_ID: {doc_id}\nTITLE: {m.title}\nPUBLISHER: {m.publisher}\nDATE: {m.date}\n\n{document.text}", encoding="utf-8")
    print(f"{len(questions)} tuning questions -> {args.out}; {len(qa.documents)} documents -> {args.docs}")


if __name__ == "__main__":
    main()
