"""Read one source file into a cleaned Document, or say why it cannot be read."""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from pathlib import Path

from citeqa.errors import SourceSkipped
from ingest.clean import clean_text
from ingest.pdf import extract_pdf_pages, looks_like_garbage
from ingest.records import Document, Metadata
from ingest.sources import SourceFile, metadata_from_header, parse_header

__all__ = ["load_document", "decode_bytes", "html_to_text", "markdown_to_text"]

MAX_TEXT_BYTES = 50 * 1024 * 1024
PAGE_SEPARATOR = "\n\n"


def load_document(source: SourceFile, *, pdf_timeout: float = 60.0) -> Document:
    """The cleaned Document for `source`; SourceSkipped says why when there is none."""
    suffix = source.path.suffix.casefold()
    if suffix == ".pdf":
        return load_pdf(source, pdf_timeout)
    raw = decode_bytes(read_bytes(source.path))
    metadata = source.metadata
    if suffix in {".html", ".htm"}:
        title, raw = html_to_text(raw)
        metadata = fill(metadata, title=title)
    elif suffix in {".md", ".markdown"}:
        raw = markdown_to_text(raw)
    fields, body = parse_header(raw)
    metadata = metadata_from_header(metadata, fields)
    return make_document(source.doc_id, [body], metadata)


def read_bytes(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_TEXT_BYTES:
            raise SourceSkipped(f"file larger than {MAX_TEXT_BYTES // 2**20} MB")
        return path.read_bytes()
    except OSError as exc:
        raise SourceSkipped(f"cannot read file ({exc.strerror or type(exc).__name__})") from exc


def decode_bytes(data: bytes) -> str:
    """UTF-8 when it is, else the detected encoding; binary junk is refused."""
    if not data.strip():
        raise SourceSkipped("empty file")
    if b"\x00" in data[:8192]:
        raise SourceSkipped("binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    western = decode_western(data)
    if western is not None:
        return western
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.chaos > 0.2:
        raise SourceSkipped("cannot decode: not UTF-8 and no other encoding fits")
    text = str(best)
    if looks_like_garbage(text):
        raise SourceSkipped(f"decoded as {best.encoding} but the text is not words")
    return text


def decode_western(data: bytes) -> str | None:
    """Windows-1252, the commonest legacy encoding, when the result reads as a
    Western language (few accented letters). Detectors misjudge short Spanish
    or French texts, so this is tried first."""
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    letters = [c for c in text if c.isalpha()]
    accented = sum(1 for c in letters if not c.isascii())
    if not letters or accented > 0.15 * len(letters) or any(0x80 <= ord(c) < 0xA0 for c in text):
        return None
    return text


def html_to_text(html: str) -> tuple[str, str]:
    """(title, text): navigation, scripts and styles dropped, headings kept as lines."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    for tag in soup(["script", "style", "noscript", "nav", "header", "footer", "aside", "form", "svg", "iframe", "template", "head"]):
        tag.decompose()
    root = soup.find("main") or soup.find("article") or soup.body or soup
    blocks = []
    for element in root.find_all(["h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "blockquote", "pre", "td", "dd", "dt", "figcaption"]):
        if element.find(["p", "li", "h1", "h2", "h3", "h4", "h5", "h6"]):
            continue  # its children are visited on their own
        text = " ".join(element.get_text(" ", strip=True).split())
        if text:
            blocks.append(f"- {text}" if element.name == "li" else text)
    if not blocks:
        blocks = [line.strip() for line in root.get_text("\n").splitlines() if line.strip()]
    if not title:
        heading = root.find("h1")
        title = heading.get_text(" ", strip=True) if heading else ""
    return title, "\n\n".join(blocks)


def markdown_to_text(text: str) -> str:
    """Markdown syntax off, words and headings kept."""
    text = re.sub(r"^\s{0,3}#{1,6}\s*(.*?)\s*#*\s*$", r"\1", text, flags=re.M)
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", text)
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"^\s{0,3}(?:[-*_]\s*){3,}$", "", text, flags=re.M)
    text = re.sub(r"^```.*$", "", text, flags=re.M)
    text = re.sub(r"`([^`]+)`", r"\1", text)
    return re.sub(r"^\s*[*+]\s+", "- ", text, flags=re.M)


def load_pdf(source: SourceFile, timeout: float) -> Document:
    pages, title = extract_pdf_pages(source.path, password=source.password, timeout=timeout)
    metadata = fill(source.metadata, title=title.strip())
    return make_document(source.doc_id, pages, metadata, paged=True)


def fill(metadata: Metadata, **fields: str) -> Metadata:
    return replace(metadata, **{k: v for k, v in fields.items() if v and not getattr(metadata, k)})


def make_document(doc_id: str, pages: list[str], metadata: Metadata, *, paged: bool = False) -> Document:
    """Clean each page and join them; page_starts records where each page begins."""
    cleaned = [clean_text(page) for page in pages]
    text, starts, offset = [], [], 0
    for page in cleaned:
        starts.append(offset)
        if page:
            text.append(page)
            offset += len(page) + len(PAGE_SEPARATOR)
    body = PAGE_SEPARATOR.join(text)
    if len(body.split()) < 2 and not re.search(r"\w{3,}", body):
        raise SourceSkipped("no usable text after cleaning")
    if not metadata.title:
        metadata = fill(metadata, title=first_line(body))
    content_hash = hashlib.sha256(body.encode()).hexdigest()
    return Document(doc_id, body, metadata, content_hash, tuple(starts) if paged else ())


def first_line(text: str) -> str:
    line = text.split("\n", 1)[0].strip()
    return line if len(line) <= 120 else ""
