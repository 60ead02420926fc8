"""The tokenizer shared by the BM25 index and its queries: English stop words and
Snowball stemming (without stemming BM25 loses about 3 nDCG points on SciFact)."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

__all__ = ["bm25_tokens", "word_terms", "fold_accents"]


def fold_accents(text: str) -> str:
    """The text without its accents ("Haití" -> "Haiti"): how the English sources write most
    names that a question in Spanish, Portuguese or French accents."""
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


@lru_cache(maxsize=1)
def stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


def bm25_tokens(texts: list[str]) -> list[list[str]]:
    """Lower-cased, stop-worded, stemmed tokens for each text."""
    import bm25s

    tokens = bm25s.tokenize(texts, stopwords="en", stemmer=stemmer(), return_ids=False, show_progress=False)
    return [list(t) for t in tokens]


@lru_cache(maxsize=65536)
def word_terms(word: str) -> tuple[str, ...]:
    """bm25_tokens of one short text, cached: query-time code stems the same words again and
    again, and each bm25s.tokenize call costs ~0.2 ms of set-up."""
    return tuple(bm25_tokens([word])[0])
