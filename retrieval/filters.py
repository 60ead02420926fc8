"""Turn Filters into a boolean mask over the passages."""

from __future__ import annotations

import numpy as np

from ingest.records import Document, Passage, date_bounds
from retrieval.records import Filters

__all__ = ["filter_mask", "document_matches"]


def document_matches(document: Document, filters: Filters) -> bool:
    meta = document.metadata
    if filters.doc_ids and document.doc_id not in filters.doc_ids:
        return False
    if filters.publishers and not any(p.casefold() in meta.publisher.casefold() for p in filters.publishers):
        return False
    if filters.kinds and meta.kind.casefold() not in {k.casefold() for k in filters.kinds}:
        return False
    return date_in_range(meta.date, filters.date_from, filters.date_to)


def date_in_range(date: str, date_from: str, date_to: str) -> bool:
    """Compare on the precision the document's date is known to: "2024-10" is any
    day of October 2024. A document with no known date is excluded by any date filter."""
    if not (date_from or date_to):
        return True
    if not date:
        return False
    earliest, latest = date_bounds(date)
    return not (date_from and latest < date_from) and not (date_to and earliest > date_to)


def filter_mask(passages: list[Passage], documents: dict[str, Document], filters: Filters | None) -> np.ndarray | None:
    """True where a passage (or a document it is also in) matches; None when nothing filters."""
    if filters is None or filters.is_empty():
        return None
    allowed = {doc_id for doc_id, doc in documents.items() if document_matches(doc, filters)}
    return np.array([p.doc_id in allowed or any(d in allowed for d in p.also_in) for p in passages], dtype=bool)
