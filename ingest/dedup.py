"""Collapse near-duplicate passages across documents into one canonical passage.

Seed 004 is the web edition of the last part of seed 001: the same paragraphs
with curly quotes and footnotes written differently. A passage whose word
5-grams are almost all (>= 85%) found in at most two passages already kept from
other documents is a duplicate: it is dropped, and the passages that carry its
text list its document in `also_in`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import replace

from ingest.clean import shingles
from ingest.records import Passage

__all__ = ["collapse_duplicates", "shingles"]

COVERAGE = 0.85


def collapse_duplicates(passages: list[Passage]) -> tuple[list[Passage], int]:
    """(canonical passages in input order with also_in filled, number collapsed).

    Earlier passages win, so feed documents in a stable order."""
    kept: list[Passage] = []
    kept_shingles: list[set] = []
    postings: dict[tuple, list[int]] = defaultdict(list)
    also_in: dict[int, set[str]] = defaultdict(set)
    collapsed = 0
    for passage in passages:
        own = shingles(passage.text)
        sources = covering_passages(own, passage.doc_id, kept, postings)
        if own and sources:
            for index in sources:
                also_in[index].add(passage.doc_id)
            collapsed += 1
            continue
        index = len(kept)
        kept.append(passage)
        kept_shingles.append(own)
        for shingle in own:
            postings[shingle].append(index)
    result = [
        replace(p, also_in=tuple(sorted(also_in[i] - {p.doc_id}))) if also_in.get(i) else p for i, p in enumerate(kept)
    ]
    return result, collapsed


def covering_passages(own: set, doc_id: str, kept: list[Passage], postings: dict) -> list[int]:
    """Up to two kept passages of other documents that together hold >= COVERAGE of `own`."""
    if not own:
        return []
    counts = Counter(i for s in own for i in postings.get(s, ()) if kept[i].doc_id != doc_id)
    best = [i for i, _ in counts.most_common(2)]
    covered = {s for s in own if any(i in best for i in postings.get(s, ()))}
    if len(covered) < COVERAGE * len(own):
        return []
    return [i for i in best if counts[i] >= 0.15 * len(own)]
