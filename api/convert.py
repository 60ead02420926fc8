"""Retrieval records -> HTTP schemas."""

from __future__ import annotations

from api.schemas import AnswerOut, AskOut, DocumentOut, DocumentSummary, HighlightOut, PassageOut, QuoteMatchOut
from ingest.records import Document
from answers import Answer, Answerer, Result
from retrieval import Hit
from retrieval.quotes import QuoteMatch


def passage_out(qa: Answerer, hit: Hit) -> PassageOut:
    p = hit.passage
    meta = qa.document(p.doc_id).metadata
    return PassageOut(
        passage_id=p.passage_id, doc_id=p.doc_id, title=meta.title, publisher=meta.publisher, date=meta.date, url=meta.url,
        page=p.page, section=p.section, start=p.start, end=p.end, text=p.text, score=hit.score,
        highlights=[HighlightOut(start=h.start, end=h.end, kind=h.kind) for h in hit.highlights], also_in=list(p.also_in),
    )


def answer_out(qa: Answerer, answer: Answer) -> AnswerOut:
    meta = qa.document(answer.doc_id).metadata
    return AnswerOut(
        text=answer.text, sentence=answer.sentence, doc_id=answer.doc_id, passage_id=answer.passage_id,
        start=answer.start, end=answer.end, sentence_start=answer.sentence_start, sentence_end=answer.sentence_end,
        title=meta.title, publisher=meta.publisher, date=meta.date, url=meta.url,
    )


def ask_out(qa: Answerer, result: Result, took_ms: float) -> AskOut:
    return AskOut(
        question=result.question, lang=result.lang, answerable=result.answerable,
        answer=answer_out(qa, result.answer) if result.answer else None,
        alternatives=[answer_out(qa, a) for a in result.alternatives],
        passages=[passage_out(qa, h) for h in result.passages],
        related=[passage_out(qa, h) for h in result.related],
        took_ms=round(took_ms, 2), timings_ms=result.timings_ms,
    )


def document_summary(document: Document) -> DocumentSummary:
    m = document.metadata
    return DocumentSummary(
        doc_id=document.doc_id, title=m.title, publisher=m.publisher, author=m.author, date=m.date, url=m.url,
        kind=m.kind, license=m.license, pages=len(document.page_starts) or None, characters=len(document.text),
    )


def document_out(document: Document) -> DocumentOut:
    return DocumentOut(**document_summary(document).model_dump(), text=document.text)


def quote_match_out(qa: Answerer, match: QuoteMatch) -> QuoteMatchOut:
    document = qa.document(match.doc_id)
    m = document.metadata
    return QuoteMatchOut(
        exact=match.exact, similarity=match.similarity, doc_id=match.doc_id, start=match.start, end=match.end, text=match.text,
        title=m.title, publisher=m.publisher, date=m.date, url=m.url, page=document.page_at(match.start),
    )
