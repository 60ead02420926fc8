"""Check a quotation against the corpus."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException

from api.convert import quote_match_out
from api.deps import AnswererDep
from api.schemas import JSON_BODY_ERRORS, QuoteIn, QuoteOut
from citeqa.errors import BadQuestion

router = APIRouter(prefix="/api", tags=["quote"])


@router.post("/quote", response_model=QuoteOut, responses=JSON_BODY_ERRORS)
def check_quote(body: QuoteIn, qa: AnswererDep) -> QuoteOut:
    try:
        matches = qa.find_quote(body.text)
    except BadQuestion as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from exc
    return QuoteOut(text=body.text, found=bool(matches), matches=[quote_match_out(qa, m) for m in matches])
