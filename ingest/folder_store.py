"""The index folder (FAISS + bm25s), the default backend: ingest/store.py's layout, as it was."""

from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from pathlib import Path

from citeqa.errors import CorpusError
from ingest.index_store import IndexStore
from ingest.store import IndexData, read_index, recorded_build_settings, write_index

__all__ = ["FolderStore"]


class FolderStore(IndexStore):
    keeps_multilingual = True

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.label = str(folder)

    def write(self, *, documents, passages, embeddings, bm25, model, ann="auto", parses=None, extra=None, multilingual=None) -> str:
        build = write_index(
            self.folder, documents=documents, passages=passages, embeddings=embeddings, bm25=bm25, model=model, ann=ann, parses=parses,
            extra=extra, multilingual=multilingual,
        )
        return str(build)

    def read(self, *, verify: bool = True, vectors: bool = True) -> IndexData:
        return read_index(self.folder, verify=verify)

    def recorded_build_settings(self) -> dict:
        return recorded_build_settings(self.folder)

    def current_build_id(self) -> str:
        try:
            return os.readlink(self.folder / "current")
        except OSError:
            return ""

    @contextmanager
    def lock(self):
        """One ingest at a time per index folder."""
        self.folder.mkdir(parents=True, exist_ok=True)
        with (self.folder / ".lock").open("w") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as exc:
                raise CorpusError(f"another ingest is writing {self.folder}; wait for it to finish") from exc
            yield
