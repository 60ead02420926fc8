"""Split a cleaned document into passages that follow its structure.

Passages follow headings and paragraphs, never split a sentence, and hold at
most `max_words` words: all-MiniLM-L6-v2 reads 256 word pieces, and prose here
averages about 1.4 pieces a word, so 150 words plus the section heading
prepended for embedding stay inside the window. URLs and other long tokens
are counted by length, or reference lists would overrun it. A paragraph longer
than that becomes overlapping windows of whole sentences.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from ingest.records import Document, Passage
from ingest.sentences import sentence_spans, strip_span

__all__ = ["chunk_document", "paragraph_blocks", "is_heading", "passage_id_for"]

MAX_WORDS = 150
MIN_WORDS = 60
TAIL_WORDS = 30  # a section's last passage shorter than this joins the one before


@dataclass(frozen=True)
class Block:
    """One paragraph of the cleaned text."""

    start: int
    end: int
    words: int
    heading: bool


def word_count(text: str) -> int:
    """Length in words, a long token (a URL, a DOI) counting as one word per 4 characters:
    the model's word-piece tokenizer splits those into many pieces."""
    return sum(1 if len(word) <= 12 else -(-len(word) // 4) for word in text.split())


def is_heading(line: str) -> bool:
    """Short title-like lines: "Background", "Pillar II: Legal Pathways", "Why now?"."""
    words = line.split()
    if not words or len(words) > 12 or len(line) > 100:
        return False
    if line.startswith(("-", "•", "*", "(")) or not line[0].isupper():
        return False
    if line.endswith("?"):
        return len(words) <= 6
    return not line.endswith((".", ",", ";", ":", '"', "”", "’"))


def paragraph_blocks(text: str) -> list[Block]:
    blocks = []
    for match in re.finditer(r"[^\n]+", text):
        start, end = strip_span(text, match.start(), match.end())
        if start < end:
            line = text[start:end]
            blocks.append(Block(start, end, word_count(line), is_heading(line)))
    return blocks


def sections(blocks: list[Block], text: str) -> list[tuple[str, list[Block]]]:
    """Group paragraphs under the heading that precedes them."""
    grouped: list[tuple[str, list[Block]]] = [("", [])]
    for block in blocks:
        if block.heading and grouped[-1][1] and not grouped[-1][1][-1].heading:
            grouped.append((text[block.start : block.end], [block]))
        elif block.heading and all(b.heading for b in grouped[-1][1]):
            grouped[-1] = (text[block.start : block.end], grouped[-1][1] + [block])
        else:
            grouped[-1][1].append(block)
    return [(title, items) for title, items in grouped if items]


def sentence_windows(text: str, block: Block, max_words: int) -> list[tuple[int, int]]:
    """Windows of whole sentences up to max_words, each sharing one sentence with the next."""
    spans = sentence_spans(text, block.start, block.end)
    windows: list[tuple[int, int]] = []
    i = 0
    while i < len(spans):
        j, words = i, 0
        while j < len(spans) and (j == i or words + word_count(text[spans[j][0] : spans[j][1]]) <= max_words):
            words += word_count(text[spans[j][0] : spans[j][1]])
            j += 1
        windows.append((spans[i][0], spans[j - 1][1]))
        if j >= len(spans):
            break
        overlap = j - 1 if j - 1 > i and word_count(text[spans[j - 1][0] : spans[j - 1][1]]) < max_words // 2 else j
        i = overlap
    return windows


def pack_section(text: str, blocks: list[Block], max_words: int) -> list[tuple[int, int]]:
    """Greedy packing of paragraphs into spans of at most max_words."""
    spans: list[tuple[int, int]] = []
    current: list[Block] = []

    def flush() -> None:
        if current:
            spans.append((current[0].start, current[-1].end))
            current.clear()

    for block in blocks:
        if block.words > max_words:
            flush()
            spans.extend(sentence_windows(text, block, max_words))
        elif sum(b.words for b in current) + block.words > max_words:
            flush()
            current.append(block)
        else:
            current.append(block)
    flush()
    return merge_short_tail(text, spans, max_words)


def merge_short_tail(text: str, spans: list[tuple[int, int]], max_words: int) -> list[tuple[int, int]]:
    if len(spans) < 2:
        return spans
    last_words = word_count(text[spans[-1][0] : spans[-1][1]])
    both = word_count(text[spans[-2][0] : spans[-1][1]])
    if last_words < TAIL_WORDS and both <= max_words + TAIL_WORDS and spans[-2][1] <= spans[-1][0]:
        return spans[:-2] + [(spans[-2][0], spans[-1][1])]
    return spans


def passage_id_for(doc_id: str, text: str, seen: set[str]) -> str:
    """Stable across re-ingests: a hash of the document id and the passage text."""
    digest = hashlib.sha1(f"{doc_id}\0{text}".encode()).hexdigest()[:16]
    candidate, n = digest, 1
    while candidate in seen:
        n += 1
        candidate = f"{digest}-{n}"
    seen.add(candidate)
    return candidate


def chunk_document(document: Document, *, max_words: int = MAX_WORDS) -> list[Passage]:
    """Passages of `document`; document.text[p.start:p.end] == p.text for each."""
    text = document.text
    passages: list[Passage] = []
    seen: set[str] = set()
    for title, blocks in sections(paragraph_blocks(text), text):
        for start, end in pack_section(text, blocks, max_words):
            body = text[start:end]
            passages.append(
                Passage(
                    passage_id=passage_id_for(document.doc_id, body, seen),
                    doc_id=document.doc_id,
                    start=start,
                    end=end,
                    text=body,
                    page=document.page_at(start),
                    section=title,
                )
            )
    return passages
