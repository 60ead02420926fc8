"""Questions in, cited answers out; a question asked again is answered from the cache.

The routes are coroutines: a cached answer is served from the event loop, and only a
question to answer goes to the thread pool (one hop, where a sync route and its
dependency took three).
"""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from api.convert import ask_out
from api.deps import AnswererDep
from api.schemas import JSON_BODY_ERRORS, OPTIONAL_DATE, AskIn, AskOut, FiltersIn
from citeqa.errors import BadQuestion
from retrieval import Filters
from retrieval.retriever import MAX_K, MAX_QUESTION_CHARS, validate_question

router = APIRouter(prefix="/api", tags=["ask"])
ERRORS = JSON_BODY_ERRORS
CACHE_HEADER = "X-Cache"  # "hit" or "miss"


def run_ask(qa, question: str, k: int, filters: FiltersIn) -> AskOut:
    started = time.perf_counter()
    try:
        result = qa.ask(question, k=k, filters=Filters(**{key: tuple(v) if isinstance(v, list) else v for key, v in filters.model_dump().items()}))
    except BadQuestion as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from exc
    return ask_out(qa, result, (time.perf_counter() - started) * 1000)


async def answer(request: Request, response: Response, qa, question: str, k: int, filters: FiltersIn) -> AskOut:
    """From the cache when this build answered the same request before, else computed and kept.
    The key is the question as the answer layer reads it, so a hit is what computing gives."""
    started = time.perf_counter()
    try:
        key = (validate_question(question), k, filters.model_dump_json())
    except BadQuestion as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from exc
    cache, build = request.app.state.answers, qa.build_id
    cached = cache.get(build, key)
    if cached is None:
        out = await run_in_threadpool(run_ask, qa, question, k, filters)
        cache.put(build, key, out)
    else:
        out = cached.model_copy(update={"took_ms": round((time.perf_counter() - started) * 1000, 2), "timings_ms": {}})
    request.app.state.metrics.record_cache(cache)
    response.headers[CACHE_HEADER] = "miss" if cached is None else "hit"
    return out


@router.post("/ask", response_model=AskOut, responses=ERRORS, summary="Ask a question (JSON body)")
async def ask_post(body: AskIn, qa: AnswererDep, request: Request, response: Response) -> AskOut:
    return await answer(request, response, qa, body.question, body.k, body.filters)


@router.get("/ask", response_model=AskOut, responses=ERRORS, summary="Ask a question (query string)")
async def ask_get(
    qa: AnswererDep,
    request: Request,
    response: Response,
    q: Annotated[str, Query(min_length=1, max_length=MAX_QUESTION_CHARS, description="The question.")],
    k: Annotated[int, Query(ge=1, le=MAX_K)] = 5,
    doc_id: Annotated[list[str], Query(max_length=100)] = [],
    publisher: Annotated[list[str], Query(max_length=20)] = [],
    kind: Annotated[list[str], Query(max_length=10)] = [],
    since: Annotated[str, Query(pattern=OPTIONAL_DATE)] = "",
    until: Annotated[str, Query(pattern=OPTIONAL_DATE)] = "",
) -> AskOut:
    filters = FiltersIn(doc_ids=doc_id, publishers=publisher, kinds=kind, date_from=since, date_to=until)
    return await answer(request, response, qa, q, k, filters)
