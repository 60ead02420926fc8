"""The project's error hierarchy.

Raised deep, translated once at the edge: the CLI prints the message, the HTTP
layer turns it into a 4xx JSON body. Callers match on the type, never the text.
"""

__all__ = [
    "CiteqaError",
    "CorpusError",
    "SourceSkipped",
    "IndexNotFound",
    "IndexCorrupt",
    "ModelMismatch",
    "ModelNotInstalled",
    "BackendNotInstalled",
    "BadQuestion",
    "UnknownId",
]


class CiteqaError(Exception):
    """Base class: every error the product reports to a person."""


class CorpusError(CiteqaError):
    """A source path or the corpus manifest cannot be used."""


class SourceSkipped(CiteqaError):
    """One file cannot be ingested; the reason is the message."""


class IndexNotFound(CiteqaError):
    """No index has been built at the given location."""


class IndexCorrupt(CiteqaError):
    """An index file is missing, truncated or altered since it was written."""


class ModelMismatch(CiteqaError):
    """The index was built with a different embedding model than the one asked for."""


class ModelNotInstalled(CiteqaError):
    """The embedding model's package is not installed."""


class BackendNotInstalled(CiteqaError):
    """The index names a backend whose optional packages are not installed."""


class BadQuestion(CiteqaError):
    """A question or its options cannot be answered as asked."""


class UnknownId(CiteqaError):
    """A document or passage id is not in the index."""
