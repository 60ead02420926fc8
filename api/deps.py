"""Shared dependencies: the loaded retriever, from the app's state."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request

from retrieval import Retriever


def get_retriever(request: Request) -> Retriever:
    retriever = getattr(request.app.state, "retriever", None)
    if retriever is None:
        reason = getattr(request.app.state, "load_error", "the index is not loaded")
        raise HTTPException(status_code=503, detail=f"not ready: {reason}")
    return retriever


RetrieverDep = Annotated[Retriever, Depends(get_retriever)]
