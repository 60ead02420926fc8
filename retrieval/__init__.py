"""Ranked, cited passages from an index built by `ingest`."""

from retrieval.records import Filters, Highlight, Hit, Ranked, Ranking
from retrieval.retriever import Retriever

__all__ = ["Filters", "Highlight", "Hit", "Ranked", "Ranking", "Retriever"]
