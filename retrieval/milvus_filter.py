"""Filters as a Milvus boolean expression over the passage collection's metadata
(ingest/milvus_store.py), meaning exactly what filter_mask means for the folder index.

A passage matches when its document does, or a document it is also in (a collapsed
duplicate). The expression tests the passage's own document's fields; the few
documents that hold duplicates are decided here and added by id. Publishers match
as case-folded substrings and kinds case-folded: both are resolved against the
documents' own values, so that only the corpus' values and escaped date strings
reach the expression (no filter templates: milvus-lite has none).
"""

from __future__ import annotations

from ingest.records import Document, Passage
from retrieval.filters import document_matches
from retrieval.records import Filters

__all__ = ["filter_expression", "duplicate_holders", "NOTHING", "literal"]

NOTHING = "<nothing matches>"  # no passage can match: the caller skips the search


def literal(value: str) -> str:
    """A double-quoted Milvus string literal."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def literal_list(values) -> str:
    return "[" + ", ".join(literal(v) for v in sorted(values)) + "]"


def duplicate_holders(passages: list[Passage]) -> frozenset[str]:
    """The documents some passage is also in."""
    return frozenset(d for p in passages for d in p.also_in)


def filter_expression(filters: Filters | None, documents: dict[str, Document], holders: frozenset[str]) -> str | None:
    """None when nothing filters; NOTHING when no passage can match. `holders`: duplicate_holders."""
    if filters is None or filters.is_empty():
        return None
    own = own_document_clauses(filters, documents)
    shared = [d for d in holders if d in documents and document_matches(documents[d], filters)]
    parts = [] if own is None else ["(" + " and ".join(own) + ")"]
    if shared:
        parts.append(f"array_contains_any(also_in, {literal_list(shared)})")
    return " or ".join(parts) if parts else NOTHING


def own_document_clauses(filters: Filters, documents: dict[str, Document]) -> list[str] | None:
    """The clauses on a passage's own document; None when no document can match."""
    clauses = []
    if filters.doc_ids:
        known = set(filters.doc_ids) & set(documents)
        clauses.append(f"doc_id in {literal_list(known)}")
    if filters.publishers:
        wanted = [p.casefold() for p in filters.publishers]
        names = {d.metadata.publisher.casefold() for d in documents.values() if any(w in d.metadata.publisher.casefold() for w in wanted)}
        clauses.append(f"publisher in {literal_list(names)}")
    if filters.kinds:
        wanted = {k.casefold() for k in filters.kinds}
        clauses.append(f"kind in {literal_list({d.metadata.kind.casefold() for d in documents.values()} & wanted)}")
    if any(c.endswith("in []") for c in clauses):
        return None
    if filters.date_from or filters.date_to:
        clauses.append('date_latest != ""')  # an unknown date is excluded by any date filter
    if filters.date_from:
        clauses.append(f"date_latest >= {literal(filters.date_from)}")
    if filters.date_to:
        clauses.append(f"date_earliest <= {literal(filters.date_to)}")
    return clauses
