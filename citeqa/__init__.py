"""citeqa: answers questions about the Los Angeles Declaration with verbatim, cited passages.

This package is the edge: settings, the error hierarchy and the command line.
The work happens in the top-level packages `ingest`, `retrieval`, `api` and `eval`.
"""

__version__ = "0.1.0"
