"""Ranked, cited passages and answers from an index built by `ingest`."""

from retrieval.records import Answer, Filters, Hit, Result
from retrieval.retriever import Retriever

__all__ = ["Answer", "Filters", "Hit", "Result", "Retriever"]
