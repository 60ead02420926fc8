"""Sources that disagree: the same fact stated with another value by another document.

Two sources that disagree about one fact give close values (the implementation
meeting on September 26 or 27, 2022); a date two years away or a number ten
times larger is a different fact (answers/values.py). An alternative must also
answer the question about as well over its whole passage, and, for numbers, the
two sentences must share much of each other's weighted terms: an account of the
same count. Two dates within a month that answer the same question are two
accounts of one event however differently the sentences are worded.
"""

from __future__ import annotations

from answers.question import Question
from answers.reader import Choice, Reader
from answers.records import Answer
from answers.values import values_disagree
from retrieval import Retriever
from retrieval.records import Ranking
from retrieval.sentences import coverage

__all__ = ["alternatives", "CONFLICT_MARGIN", "CONFLICT_OVERLAP"]

VALUED = frozenset({"number", "date"})
CONFLICT_MARGIN = 0.25  # an alternative's passage matches the question about as well
# "On Monday, September 26, 2022, ... welcomed representatives" and "On September 27, 2022, ...
# co-convened representatives" share 0.33 and 0.48 of each other's weighted terms; "almost 1
# million border encounters in fiscal year 2019" and "more than 2 million in 2022", two facts, 0.22
CONFLICT_OVERLAP = 0.3
LIMIT = 2


def alternatives(q: Question, ranking: Ranking, chosen: Choice, answer: Answer, *, reader: Reader, retriever: Retriever) -> list[tuple[int, Answer]]:
    """(passage index, answer) from other documents whose sentences state a different value."""
    if q.answer_type not in VALUED:
        return []
    passage = retriever.passages[chosen.sentence.passage_index]
    seen_docs = {passage.doc_id, *passage.also_in}
    as_well = coverage(q.terms, retriever.passage_terms_of(chosen.sentence.passage_index), retriever.idf) - CONFLICT_MARGIN
    mine = retriever.sentence_terms(chosen.sentence)
    found: list[tuple[int, Answer]] = []
    for ranked in ranking.ranked[: retriever.config.rerank_depth]:
        other = retriever.passages[ranked.index]
        if not ranked.sentences or other.doc_id in seen_docs:
            continue
        if coverage(q.terms, retriever.passage_terms_of(ranked.index), retriever.idf) < as_well:
            continue
        read = reader.read(q, ranked.sentences[0])
        if not read.typed or read.candidate is None:
            continue
        theirs = retriever.sentence_terms(ranked.sentences[0])
        if q.answer_type == "number" and min(coverage(mine, set(theirs), retriever.idf), coverage(theirs, set(mine), retriever.idf)) < CONFLICT_OVERLAP:
            continue  # a different count, not a different account of the same one
        alternative = reader.answer(read)
        if values_disagree(q.answer_type, answer.text, alternative.text) and all(normalize_value(a.text) != normalize_value(alternative.text) for _, a in found):
            found.append((ranked.index, alternative))
            seen_docs.add(other.doc_id)
    return found[:LIMIT]


def normalize_value(text: str) -> str:
    return " ".join(text.casefold().replace(",", "").split())
