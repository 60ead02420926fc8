"""Questions in, cited answers out."""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query

from api.convert import ask_out
from api.deps import AnswererDep
from api.schemas import JSON_BODY_ERRORS, OPTIONAL_DATE, AskIn, AskOut, FiltersIn
from citeqa.errors import BadQuestion
from retrieval import Filters
from retrieval.retriever import MAX_K, MAX_QUESTION_CHARS

router = APIRouter(prefix="/api", tags=["ask"])
ERRORS = JSON_BODY_ERRORS


def run_ask(qa, question: str, k: int, filters: FiltersIn) -> AskOut:
    started = time.perf_counter()
    try:
        result = qa.ask(question, k=k, filters=Filters(**{key: tuple(v) if isinstance(v, list) else v for key, v in filters.model_dump().items()}))
    except BadQuestion as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from exc
    return ask_out(qa, result, (time.perf_counter() - started) * 1000)


@router.post("/ask", response_model=AskOut, responses=ERRORS, summary="Ask a question (JSON body)")
def ask_post(body: AskIn, qa: AnswererDep) -> AskOut:
    return run_ask(qa, body.question, body.k, body.filters)


@router.get("/ask", response_model=AskOut, responses=ERRORS, summary="Ask a question (query string)")
def ask_get(
    qa: AnswererDep,
    q: Annotated[str, Query(min_length=1, max_length=MAX_QUESTION_CHARS, description="The question.")],
    k: Annotated[int, Query(ge=1, le=MAX_K)] = 5,
    doc_id: Annotated[list[str], Query(max_length=100)] = [],
    publisher: Annotated[list[str], Query(max_length=20)] = [],
    kind: Annotated[list[str], Query(max_length=10)] = [],
    since: Annotated[str, Query(pattern=OPTIONAL_DATE)] = "",
    until: Annotated[str, Query(pattern=OPTIONAL_DATE)] = "",
) -> AskOut:
    filters = FiltersIn(doc_ids=doc_id, publishers=publisher, kinds=kind, date_from=since, date_to=until)
    return run_ask(qa, q, k, filters)
