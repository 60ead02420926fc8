"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict:
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"description": "the index is not loaded (yet)"}})
def readyz(request: Request) -> JSONResponse:
    qa = getattr(request.app.state, "qa", None)
    if qa is None:
        return JSONResponse({"status": "not ready", "detail": getattr(request.app.state, "load_error", "loading")}, status_code=503)
    manifest = qa.manifest
    return JSONResponse({"status": "ready", "documents": len(qa.documents), "passages": len(qa.passages), "model": manifest["model"], "built_at": manifest["built_at"]})
