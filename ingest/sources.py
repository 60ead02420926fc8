"""Find source files and what is known of them.

Metadata comes, in order, from a `manifest.toml` in the file's folder (the
bundled corpus has one), from the file's own header block (the primary texts
open with TITLE/PUBLISHER/DATE/URL lines and a row of `=`), or from the file
itself (an HTML <title>, a PDF's /Title). Unknown fields stay empty.
"""

from __future__ import annotations

import hashlib
import os
import re
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

from citeqa.errors import CorpusError
from ingest.records import Metadata

__all__ = ["SourceFile", "discover", "parse_header", "SUPPORTED_SUFFIXES"]

SUPPORTED_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".html", ".htm", ".pdf"})
MANIFEST_NAME = "manifest.toml"
IGNORED_NAMES = frozenset({"readme.md", "readme.txt", "license", "license.txt", "license.md"})
HEADER_KEY = re.compile(r"^([A-Z][A-Z ]{1,30}):\s?(.*)$")
HEADER_RULE = re.compile(r"^={10,}\s*$")
ISO_DATE = re.compile(r"\d{4}-\d{2}(?:-\d{2})?")


@dataclass(frozen=True)
class SourceFile:
    path: Path
    doc_id: str
    metadata: Metadata
    password: str | None = None


def discover(paths: list[Path], *, passwords: dict[str, str] | None = None) -> tuple[list[SourceFile], list[dict]]:
    """Every supported file under `paths`, with its metadata; and what was passed over."""
    passwords = passwords or {}
    found: list[SourceFile] = []
    skipped: list[dict] = []
    kinds = source_kinds(paths)
    used_ids: set[str] = set()
    for root in paths:
        if not root.exists():
            raise CorpusError(f"source not found: {root}")
        for path in walk(root, skipped):
            entry = manifest_entry(path)
            doc_id = unique_id(entry.pop("doc_id", "") or slug(path.stem), path, used_ids)
            entry.setdefault("kind", kinds.get(path.parent.resolve(), ""))
            metadata = Metadata(path=str(path), **entry)
            password = passwords.get(path.name, passwords.get(str(path)))
            found.append(SourceFile(path, doc_id, metadata, password))
    return found, skipped


def walk(root: Path, skipped: list[dict]) -> list[Path]:
    """Files under root, sorted; symlink loops are cut, unsupported files reported."""
    if root.is_file():
        return [root] if supported(root, skipped) else []
    files: list[Path] = []
    seen_dirs: set[str] = set()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
        real = os.path.realpath(dirpath)
        if real in seen_dirs:
            skipped.append({"path": dirpath, "reason": "symlink loop: folder already visited"})
            dirnames[:] = []
            continue
        seen_dirs.add(real)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if not name.startswith(".") and supported(path, skipped):
                files.append(path)
    return files


def supported(path: Path, skipped: list[dict]) -> bool:
    if path.name == MANIFEST_NAME or path.name.casefold() in IGNORED_NAMES:
        return False
    if path.suffix.casefold() not in SUPPORTED_SUFFIXES:
        skipped.append({"path": str(path), "reason": f"unsupported file type {path.suffix or '(none)'}"})
        return False
    if not path.exists():
        skipped.append({"path": str(path), "reason": "broken symlink"})
        return False
    return True


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-") or "document"


def unique_id(doc_id: str, path: Path, used: set[str]) -> str:
    if doc_id in used:
        doc_id = f"{doc_id}-{hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:8]}"
    used.add(doc_id)
    return doc_id


def load_manifest(folder: Path) -> dict:
    path = folder / MANIFEST_NAME
    if not path.exists():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CorpusError(f"{path}: not valid TOML ({exc})") from exc


def manifest_entry(path: Path) -> dict:
    """The manifest record for `path`, as Metadata keyword arguments plus doc_id."""
    for record in load_manifest(path.parent).get("documents", []):
        if record.get("file") == path.name:
            fields = {k: str(v) for k, v in record.items() if k in Metadata.__dataclass_fields__ and k != "path"}
            return {**fields, "doc_id": str(record.get("doc_id", ""))}
    return {}


def source_kinds(paths: list[Path]) -> dict[Path, str]:
    """Folder -> kind, from the `[[sources]]` tables of the given folders' manifests."""
    kinds: dict[Path, str] = {}
    for root in paths:
        folder = root if root.is_dir() else root.parent
        manifest = load_manifest(folder)
        kind = manifest.get("kind", "")
        if kind:
            kinds[folder.resolve()] = str(kind)
        for source in manifest.get("sources", []):
            kinds[(folder / source["path"]).resolve()] = str(source.get("kind", ""))
    return kinds


def parse_header(text: str) -> tuple[dict[str, str], str]:
    """Split a `KEY: value` header block ending in a row of `=` from the text.

    Returns (fields, body); fields is empty and body is the text when there is no header.
    """
    lines = text.split("\n")
    fields: dict[str, str] = {}
    for index, line in enumerate(lines[:60]):
        if HEADER_RULE.match(line):
            return (fields, "\n".join(lines[index + 1 :])) if fields else ({}, text)
        match = HEADER_KEY.match(line)
        if match:
            fields[match.group(1).strip().lower()] = match.group(2).strip()
        elif line.strip() and not fields:
            return {}, text
    return {}, text


def metadata_from_header(metadata: Metadata, fields: dict[str, str]) -> Metadata:
    """Fill empty metadata fields from a header block; manifest values win."""
    date = ISO_DATE.search(fields.get("date", ""))
    found = {
        "title": fields.get("title", ""),
        "publisher": fields.get("publisher", ""),
        "author": fields.get("author", ""),
        "date": date.group(0) if date else "",
        "url": fields.get("url", ""),
        "license": fields.get("license", ""),
    }
    return replace(metadata, **{k: v for k, v in found.items() if v and not getattr(metadata, k)})
