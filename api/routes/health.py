"""Liveness and readiness.

Both are `async def` on purpose: a sync route runs in the thread pool, and under
load every thread is busy answering questions, so a health check would queue
behind them and time out exactly when a monitor most needs an answer. Neither
does any blocking work.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict:
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"description": "the index is not loaded (yet)"}})
async def readyz(request: Request) -> JSONResponse:
    qa = getattr(request.app.state, "qa", None)
    if qa is None:
        return JSONResponse({"status": "not ready", "detail": getattr(request.app.state, "load_error", "loading")}, status_code=503)
    manifest = qa.manifest
    return JSONResponse({"status": "ready", "documents": len(qa.documents), "passages": len(qa.passages), "model": manifest["model"], "built_at": manifest["built_at"]})
