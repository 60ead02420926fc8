"""Shared dependencies: the loaded qa, from the app's state."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request

from answers import Answerer


async def get_answerer(request: Request) -> Answerer:
    """A coroutine although it does no I/O: a sync dependency costs a trip to the thread pool."""
    qa = getattr(request.app.state, "qa", None)
    if qa is None:
        reason = getattr(request.app.state, "load_error", "the index is not loaded")
        raise HTTPException(status_code=503, detail=f"not ready: {reason}")
    return qa


AnswererDep = Annotated[Answerer, Depends(get_answerer)]
