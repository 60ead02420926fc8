"""Citations of a document in the formats researchers paste: Markdown, BibTeX, CSL-JSON."""

from __future__ import annotations

import json
import re

from ingest.records import Document

__all__ = ["cite", "FORMATS"]

FORMATS = ("markdown", "bibtex", "csl-json")


def cite(document: Document, fmt: str, *, page: int | None = None, section: str = "") -> str:
    if fmt == "markdown":
        return markdown(document, page, section)
    if fmt == "bibtex":
        return bibtex(document)
    if fmt == "csl-json":
        return json.dumps(csl(document), ensure_ascii=False)
    raise ValueError(f"unknown citation format {fmt!r}; use one of {', '.join(FORMATS)}")


def markdown(document: Document, page: int | None, section: str) -> str:
    m = document.metadata
    parts = [m.author, f"*{m.title or document.doc_id}*", m.publisher, m.date]
    where = f"p. {page}" if page else (f"section “{section}”" if section else "")
    text = ", ".join(p for p in parts + [where] if p)
    return f"{text}. {m.url}".strip() if m.url else f"{text}."


def bibtex(document: Document) -> str:
    m = document.metadata
    key = re.sub(r"\W+", "", document.doc_id)[:40] or "source"
    fields = {"title": m.title or document.doc_id, "author": m.author, "publisher": m.publisher, "year": m.date[:4], "url": m.url, "note": f"citeqa document {document.doc_id}"}
    body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields.items() if v)
    return f"@misc{{{key},\n{body}\n}}"


def csl(document: Document) -> dict:
    m = document.metadata
    item = {"id": document.doc_id, "type": "article" if m.kind == "analysis" else "document", "title": m.title or document.doc_id}
    if m.author:
        names = m.author.split()
        item["author"] = [{"family": names[-1], "given": " ".join(names[:-1])}]
    if m.publisher:
        item["publisher"] = m.publisher
    if m.date:
        item["issued"] = {"date-parts": [[int(x) for x in m.date.split("-")]]}
    if m.url:
        item["URL"] = m.url
    return item
