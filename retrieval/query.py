"""What the ranking reads of a question: its text and stemmed content terms."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.lexical import bm25_tokens

__all__ = ["Query", "make_query", "content_terms", "QUESTION_STEMS"]

US = re.compile(r"\b(?:U\.S\.A?\.?|USA|US)(?=[\s,?.!;:]|$)")

# Stems of the words that say how a question is asked ("how", "much", "did"), which the
# stop-word list keeps; they are not what the question is about.
QUESTION_STEMS = frozenset({"mani", "much", "whi", "what", "when", "which", "who", "how", "where", "whose", "whom", "did", "doe"})


@dataclass(frozen=True)
class Query:
    text: str
    terms: tuple[str, ...]  # stemmed content terms, as the BM25 index sees them
    lang: str = "en"  # the question's language: others are ranked by the multilingual sentence vectors


def content_terms(text: str) -> tuple[str, ...]:
    """Stemmed terms of the question without its question words; "US" and "U.S." read as
    "United States" as the sources write both."""
    return tuple(t for t in bm25_tokens([US.sub("United States", text)])[0] if t not in QUESTION_STEMS)


def make_query(text: str, lang: str = "en") -> Query:
    return Query(text, content_terms(text), lang)
