"""The records that flow out of ingest: documents and their passages."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Document", "Passage", "Metadata", "date_bounds"]


@dataclass(frozen=True)
class Metadata:
    """What is known of a source. Unknown fields stay empty: never invented."""

    title: str = ""
    publisher: str = ""
    author: str = ""
    date: str = ""  # ISO date or year-month as known ("2024-09-16", "2024-10")
    url: str = ""
    license: str = ""
    kind: str = ""  # "analysis", "primary", "report", ...
    path: str = ""
    extra: dict[str, str] = field(default_factory=dict)


def date_bounds(date: str) -> tuple[str, str]:
    """The first and last ISO day a date known to some precision can mean: "2024-10" is
    ("2024-10-01", "2024-10-31"), "2024" is ("2024-01-01", "2024-12-31"); ("", "") when unknown."""
    if not date:
        return "", ""
    if len(date) >= 10:
        return date, date
    return date + "-01-01"[len(date) - 10 :], date + "-12-31"[len(date) - 10 :]


@dataclass(frozen=True)
class Document:
    """A cleaned source. `text` is what is served and what offsets index into."""

    doc_id: str
    text: str
    metadata: Metadata
    content_hash: str
    # For PDFs: the character offset where each page starts in `text`.
    page_starts: tuple[int, ...] = ()

    def page_at(self, offset: int) -> int | None:
        """1-based page number holding `offset`, or None for non-paged sources."""
        if not self.page_starts:
            return None
        page = 0
        for index, start in enumerate(self.page_starts):
            if start <= offset:
                page = index
            else:
                break
        return page + 1


@dataclass(frozen=True)
class Passage:
    """A span of one document. Invariant: document.text[start:end] == text."""

    passage_id: str
    doc_id: str
    start: int
    end: int
    text: str
    page: int | None = None
    section: str = ""
    # Other documents that carry a near-identical passage (collapsed duplicates).
    also_in: tuple[str, ...] = ()
