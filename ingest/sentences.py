"""Sentence boundaries as character spans, for chunking and answer extraction."""

from __future__ import annotations

import re

__all__ = ["sentence_spans"]

# Words that end with a period without ending a sentence.
ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof sr jr st mt ft gen gov sen rep col lt sgt capt cmdr adm pres
    jan feb mar apr jun jul aug sep sept oct nov dec no nos vol pp p fig figs al
    etc e.g i.e vs v approx est inc ltd co corp dept univ assn bros ave blvd rd""".split()
)
CANDIDATE = re.compile(r"[.!?](?:[\"'”’)\]]*)(?=\s+)")
NEXT_START = re.compile(r"\s+[\"'“‘(\[]*[A-Z0-9¿¡]")


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """(start, end) spans of the sentences in text[start:end]; spans never include
    surrounding whitespace, and paragraph breaks always end a sentence."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    for para_start, para_end in paragraph_spans(text, start, end):
        spans.extend(split_paragraph(text, para_start, para_end))
    return spans


def paragraph_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans = []
    for match in re.finditer(r"[^\n]+", text[start:end]):
        s, e = strip_span(text, start + match.start(), start + match.end())
        if s < e:
            spans.append((s, e))
    return spans


def split_paragraph(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans = []
    sentence_start = start
    for match in CANDIDATE.finditer(text, start, end):
        cut = match.end()
        if not NEXT_START.match(text, cut, end) or is_abbreviation(text, sentence_start, match.start()):
            continue
        spans.append(strip_span(text, sentence_start, cut))
        sentence_start = cut
    if sentence_start < end:
        spans.append(strip_span(text, sentence_start, end))
    return [s for s in spans if s[0] < s[1]]


def is_abbreviation(text: str, sentence_start: int, dot: int) -> bool:
    """True when the period at `dot` belongs to an abbreviation or an initial."""
    if text[dot] != ".":
        return False
    word_start = dot
    while word_start > sentence_start and not text[word_start - 1].isspace():
        word_start -= 1
    word = text[word_start:dot].lstrip("\"'“‘(")
    if len(word) == 1 and word.isupper():
        return True  # an initial: "Joseph R. Biden"
    if re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]", word):
        return True  # "U.S", "e.g", "P.M"
    return word.casefold() in ABBREVIATIONS


def strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
