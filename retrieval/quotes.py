"""Is this quote in the corpus? Exact matches (ignoring case, quote style and
spacing) and near matches, each with offsets into the served document text."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from ingest.records import Document

__all__ = ["QuoteMatch", "QuoteIndex", "MIN_QUOTE_CHARS"]

MIN_QUOTE_CHARS = 8
NEAR_THRESHOLD = 0.75
FOLD = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "—": "-", "–": "-", "\u00a0": " "})


@dataclass(frozen=True)
class QuoteMatch:
    doc_id: str
    start: int
    end: int
    text: str
    exact: bool
    similarity: float


def fold_with_map(text: str) -> tuple[str, list[int]]:
    """Folded text (case, quotes, runs of whitespace) and, for each folded character, its offset."""
    out, positions = [], []
    previous_space = False
    for offset, char in enumerate(text.translate(FOLD).casefold()):
        if char.isspace():
            if previous_space:
                continue
            char, previous_space = " ", True
        else:
            previous_space = False
        out.append(char)
        positions.append(offset)
    return "".join(out), positions


def best_alignment(window: str, needle: str) -> tuple[int, int, float]:
    """The stretch of `window` that matches `needle` best: (start, end, similarity in 0..1).

    Matching blocks are grouped into a stretch at most 1.5x the needle's length;
    similarity = 2 * matched characters / (needle length + stretch length)."""
    blocks = [b for b in difflib.SequenceMatcher(None, window, needle, autojunk=False).get_matching_blocks() if b.size >= 3]
    best = (0, 0, 0.0)
    for i, first in enumerate(blocks):
        matched, end = 0, first.a
        for block in blocks[i:]:
            if block.a + block.size - first.a > 1.5 * len(needle):
                break
            matched += block.size
            end = block.a + block.size
        similarity = 2 * matched / (len(needle) + end - first.a)
        if similarity > best[2]:
            best = (first.a, end, similarity)
    return best


class QuoteIndex:
    """Folded copies of the documents, built once."""

    def __init__(self, documents: dict[str, Document]) -> None:
        self.documents = documents
        self.folded = {doc_id: fold_with_map(d.text) for doc_id, d in documents.items()}

    def exact(self, quote: str) -> list[QuoteMatch]:
        needle, _ = fold_with_map(quote.strip())
        matches = []
        for doc_id, (folded, positions) in self.folded.items():
            for found in re.finditer(re.escape(needle), folded):
                start, end = positions[found.start()], positions[found.end() - 1] + 1
                matches.append(QuoteMatch(doc_id, start, end, self.documents[doc_id].text[start:end], True, 1.0))
        return matches

    def near(self, quote: str, candidates: list[tuple[str, int, int]], limit: int = 3) -> list[QuoteMatch]:
        """Best-aligned windows inside candidate spans (doc_id, start, end) with similarity >= threshold."""
        needle, _ = fold_with_map(quote.strip())
        found = []
        for doc_id, start, end in candidates:
            text = self.documents[doc_id].text
            window, positions = fold_with_map(text[start:end])
            lo, hi, similarity = best_alignment(window, needle)
            if similarity >= NEAR_THRESHOLD:
                s, e = align(text, start, end, positions, lo, hi)
                found.append(QuoteMatch(doc_id, s, e, text[s:e], False, round(similarity, 3)))
        found.sort(key=lambda m: -m.similarity)
        unique = []
        for match in found:
            if all(not (m.doc_id == match.doc_id and m.start < match.end and match.start < m.end) for m in unique):
                unique.append(match)
        return unique[:limit]


def align(text: str, start: int, end: int, positions: list[int], lo: int, hi: int) -> tuple[int, int]:
    """Map a folded window [lo, hi) of text[start:end] back to offsets, widened to whole words."""
    s = start + positions[min(lo, len(positions) - 1)]
    e = start + positions[min(hi, len(positions)) - 1] + 1
    while s > start and not text[s - 1].isspace():
        s -= 1
    while e < end and not text[e].isspace():
        e += 1
    return s, e
