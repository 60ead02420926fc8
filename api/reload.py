"""Pick up a re-ingested index without a restart and without failing a request.

Ingest switches the index's current build atomically (a folder's `current`
symlink, a Milvus alias). Requests check (at most once per interval) whether it
now names another build; if so, one thread
loads the new build and swaps it in with a single assignment. Requests in
flight keep the qa they started with: everything it needs is in memory.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from citeqa.errors import CiteqaError
from ingest.index_store import open_store
from answers import Answerer

__all__ = ["IndexWatcher"]

log = logging.getLogger("citeqa.api")


class IndexWatcher:
    def __init__(self, index_dir: Path, load: Callable[[], Answerer], *, interval: float) -> None:
        self.index_dir = index_dir
        self.store = open_store(index_dir)
        self.load = load
        self.interval = interval
        self.loaded_target = self.target()
        self.checked = time.monotonic()
        self.lock = threading.Lock()
        self.last_error = ""

    def target(self) -> str:
        return self.store.current_build_id()

    def maybe_reload(self, state) -> None:
        """Called per request; cheap unless the interval has passed and the target moved."""
        if self.interval <= 0 or time.monotonic() - self.checked < self.interval:
            return
        self.checked = time.monotonic()
        target = self.target()
        if target == self.loaded_target or not self.lock.acquire(blocking=False):
            return
        threading.Thread(target=self.reload, args=(state, target), daemon=True).start()

    def reload(self, state, target: str) -> None:
        try:
            qa = self.load()
        except CiteqaError as exc:
            self.last_error = str(exc)
            log.error("reload of %s failed, still serving the previous index: %s", self.index_dir, exc)
        else:
            state.qa = qa
            self.loaded_target = target
            log.info("reloaded index %s -> %s", self.index_dir, target)
        finally:
            self.lock.release()
