"""Documents and passages: the served text that every offset indexes into."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path

from api.convert import document_out, document_summary, passage_out
from api.deps import AnswererDep
from api.schemas import ID_PATTERN, LOOKUP_ERRORS, DocumentOut, DocumentSummary, PassageOut, error_responses
from citeqa.errors import UnknownId
from retrieval import Hit

router = APIRouter(prefix="/api", tags=["documents"])
IdPath = Annotated[str, Path(pattern=ID_PATTERN, description="Letters, digits, '.', '_' and '-' only.")]
NOT_FOUND = LOOKUP_ERRORS


@router.get("/documents", response_model=list[DocumentSummary], responses=error_responses(503))
def list_documents(qa: AnswererDep) -> list[DocumentSummary]:
    return [document_summary(d) for d in sorted(qa.documents.values(), key=lambda d: d.doc_id)]


@router.get("/documents/{doc_id}", response_model=DocumentOut, responses=NOT_FOUND)
def get_document(doc_id: IdPath, qa: AnswererDep) -> DocumentOut:
    try:
        return document_out(qa.document(doc_id))
    except UnknownId as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from exc


@router.get("/passages/{passage_id}", response_model=PassageOut, responses=NOT_FOUND)
def get_passage(passage_id: IdPath, qa: AnswererDep) -> PassageOut:
    try:
        passage = qa.passage(passage_id)
    except UnknownId as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from exc
    return passage_out(qa, Hit(passage, 0.0, 1))
