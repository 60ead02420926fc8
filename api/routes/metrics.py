"""The service's counters: requests, the answer cache's hit rate, recent question latency.

A coroutine, like the health checks: it reads shared memory and must not wait for a
thread behind the questions.
"""

from __future__ import annotations

from fastapi import APIRouter, Request

from api.schemas import MetricsOut

router = APIRouter(prefix="/api", tags=["metrics"])


@router.get("/metrics", response_model=MetricsOut, summary="Requests, answer cache and latency, summed over the workers")
async def metrics(request: Request) -> dict:
    return request.app.state.metrics.snapshot()
