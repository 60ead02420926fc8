"""The answer layer: what a question asks, the sentence and span that answer it, or an
honest refusal. It reads the ranking (`retrieval/`) and the parses made at ingest."""

from answers.answerer import Answerer
from answers.records import Answer, Result

__all__ = ["Answer", "Answerer", "Result"]
