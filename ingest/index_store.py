"""Where an index lives, and the backend that writes and reads it there.

    store = open_store(".citeqa/index")               # a folder: FAISS + bm25s (the default)
    store = open_store("x.db")                         # milvus-lite, embedded
    store = open_store("milvus://host:19530/citeqa")   # a Milvus standalone or cluster

Every backend writes a complete build and switches readers to it in one step,
and reads back the same IndexData: documents, passages and sentence parses in
memory for the answer layer; what searches them is the backend's.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from contextlib import AbstractContextManager
from pathlib import Path

import numpy as np

from ingest.multilingual import SentenceVectors
from ingest.records import Document, Passage
from ingest.store import IndexData

__all__ = ["IndexStore", "open_store", "is_milvus_location", "copy_index"]

# A Path collapses "milvus://" to "milvus:/" (CITEQA_INDEX_DIR and --index are Paths): accept both.
MILVUS_URI = re.compile(r"^milvus:/{1,2}(?!/)")


class IndexStore(ABC):
    """One backend: writes builds atomically, reads the current one."""

    label: str  # for messages and reports; never holds a password
    wants_bm25 = True  # whether write() needs the bm25s index built by ingest
    keeps_multilingual = False  # whether write() keeps the multilingual sentence vectors (ingest/multilingual.py)

    @abstractmethod
    def write(
        self, *, documents: list[Document], passages: list[Passage], embeddings: np.ndarray, bm25, model: str,
        ann: str = "auto", parses: list[dict] | None = None, extra: dict | None = None, multilingual: SentenceVectors | None = None,
    ) -> str:
        """Write a complete build and make it the current one; returns where it went. A backend
        that does not keep `multilingual` vectors ranks every question by the English index."""

    @abstractmethod
    def read(self, *, verify: bool = True, vectors: bool = True) -> IndexData:
        """The current build; IndexNotFound or IndexCorrupt when there is none or it is damaged.
        `vectors=False` may leave the passage vectors in the engine (serving does not need them)."""

    @abstractmethod
    def recorded_build_settings(self) -> dict:
        """The manifest of the newest build that records its sources: enough to rebuild."""

    @abstractmethod
    def lock(self) -> AbstractContextManager:
        """Held while an ingest writes: one at a time per index."""

    @abstractmethod
    def current_build_id(self) -> str:
        """Names the current build, cheaply ("" when there is none): what a server watches
        to pick up a re-ingest."""


def is_milvus_location(location: str | Path) -> bool:
    """A Milvus URI, or a `*.db` path that is not an index folder (milvus-lite's data folder)."""
    text = str(location)
    return bool(MILVUS_URI.match(text)) or (text.endswith(".db") and not (Path(text) / "current").exists())


def open_store(location: str | Path) -> IndexStore:
    """The backend for an index location: `milvus://host:port/collection` or a `*.db` path
    (milvus-lite) for Milvus, any other path for the index folder."""
    text = str(location)
    if MILVUS_URI.match(text):
        from ingest.milvus_store import MilvusStore

        return MilvusStore.server(MILVUS_URI.sub("", text))
    if is_milvus_location(location):
        from ingest.milvus_store import MilvusStore

        return MilvusStore.lite(Path(text))
    from ingest.folder_store import FolderStore

    return FolderStore(Path(location))


def copy_index(source: str | Path, target: str | Path) -> str:
    """Write the current build of one index into another location, of either backend,
    with its vectors and parses: moving a folder index to Milvus embeds nothing again."""
    data = open_store(source).read(verify=True, vectors=True)
    store = open_store(target)
    bm25 = data.bm25
    if bm25 is None and store.wants_bm25:
        from ingest.build import build_bm25

        bm25 = build_bm25([p.text for p in data.passages])
    extra = {key: data.manifest[key] for key in ("sources", "parser") if key in data.manifest}
    with store.lock():
        return store.write(
            documents=list(data.documents.values()), passages=data.passages, embeddings=data.embeddings, bm25=bm25,
            model=data.manifest["model"], ann=data.manifest.get("ann", "auto"), parses=data.parse_records, extra=extra,
            multilingual=data.multilingual if store.keeps_multilingual else None,
        )
