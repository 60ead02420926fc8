"""PDF text extraction with pypdf, made safe for real-world files.

Broken PDFs fail in many ways, and not only with pypdf's own exceptions: the
sample set has AttributeError at open, AssertionError when pages are counted,
DependencyError for AES without `cryptography`, and files that parse forever.
Extraction therefore runs in an isolated child process with a time limit
(`ingest/isolate.py`), and every failure becomes a one-line reason.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from pathlib import Path

from citeqa.errors import SourceSkipped
from ingest.isolate import ChildCrashed, ChildFailed, ChildTimedOut, run_isolated

__all__ = ["extract_pdf_pages", "looks_like_garbage", "strip_repeated_lines"]

DEFAULT_TIMEOUT = 60.0


def extract_pdf_pages(path: Path, *, password: str | None = None, timeout: float = DEFAULT_TIMEOUT) -> tuple[list[str], str]:
    """(page texts, title from the PDF's metadata), or SourceSkipped with the reason."""
    try:
        outcome = run_isolated(read_pdf_or_reason, str(path), password, timeout=timeout)
    except ChildTimedOut:
        raise SourceSkipped(f"PDF extraction took longer than {timeout:g} s") from None
    except ChildCrashed:
        raise SourceSkipped("PDF reader crashed") from None
    except ChildFailed as exc:
        raise SourceSkipped(f"unreadable PDF ({exc})") from None
    if outcome[0] == "error":
        raise SourceSkipped(outcome[1])
    pages, title = outcome[1], outcome[2]
    check_text(pages)
    return strip_repeated_lines(pages), title


def read_pdf_or_reason(path: str, password: str | None) -> tuple:  # pragma: no cover - runs in a child
    """("ok", pages, title), or ("error", reason) for a file that says why it cannot be read."""
    try:
        return ("ok",) + read_pdf(path, password)
    except SourceSkipped as exc:
        return ("error", str(exc))


def read_pdf(path: str, password: str | None) -> tuple[list[str], str]:
    import logging

    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    reader = PdfReader(path)
    if reader.is_encrypted and not reader.decrypt(password or ""):
        hint = "wrong password" if password else "encrypted: give its password with --password FILE=PASSWORD"
        raise SourceSkipped(hint)
    pages = [page.extract_text() or "" for page in reader.pages]
    title = ""
    try:
        title = str((reader.metadata or {}).get("/Title", "") or "")
    except Exception:  # noqa: BLE001 - unreadable metadata does not make the text unreadable
        title = ""
    return pages, title


def check_text(pages: list[str]) -> None:
    if not pages:
        raise SourceSkipped("PDF has no pages")
    text = "".join(pages)
    if not text.strip():
        raise SourceSkipped("no text layer (scanned pages without OCR?)")
    if looks_like_garbage(text):
        raise SourceSkipped("text layer is unreadable (font without a character map?)")


def script_of(char: str) -> str:
    """A coarse script name; Han, kana and Hangul count as one (they mix in Japanese)."""
    name = unicodedata.name(char, "")
    first = name.split(" ")[0]
    return "CJK" if first in {"CJK", "HIRAGANA", "KATAKANA", "HANGUL"} else first


def looks_like_garbage(text: str) -> bool:
    """True for text that is mostly not words: few letters, or words mixing unrelated scripts."""
    visible = [c for c in text if not c.isspace()]
    letters = [c for c in visible if c.isalpha()]
    if len(letters) < 3 or len(letters) < 0.5 * len(visible):
        return True
    mixed = 0
    for token in text.split():
        scripts = {script_of(c) for c in token if c.isalpha()}
        if len(scripts) > 1:
            mixed += sum(c.isalpha() for c in token)
    return mixed > 0.3 * len(letters)


def strip_repeated_lines(pages: list[str]) -> list[str]:
    """Drop running headers and footers: lines repeated on most pages (digits ignored)."""
    if len(pages) < 3:
        return pages

    def key(line: str) -> str:
        return re.sub(r"\d+", "#", line.strip())

    counts = Counter(k for page in pages for k in {key(line) for line in page.splitlines() if line.strip()})
    repeated = {k for k, n in counts.items() if n >= max(3, len(pages) // 2)}
    return ["\n".join(line for line in page.splitlines() if key(line) not in repeated) for page in pages]
