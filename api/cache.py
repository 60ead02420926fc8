"""A bounded cache of answers, for questions asked again.

Keyed by the index build and the request as the answer layer reads it (the
question with its spaces and control characters collapsed, `k`, the filters):
an answer is served from here only where computing it again would give the
same answer. A new build empties the cache. One per process: with several
workers each keeps its own.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

__all__ = ["AnswerCache"]

V = TypeVar("V")


class AnswerCache(Generic[V]):
    """Least recently used entries beyond `capacity` are evicted; a capacity of 0 keeps nothing."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.entries: OrderedDict[Hashable, V] = OrderedDict()
        self.build = ""
        self.lock = threading.Lock()
        self.hits = self.misses = self.evictions = self.invalidations = 0

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, build: str, key: Hashable) -> V | None:
        """The answer for `key` on `build`, or None. A build other than the cache's is a
        new one (requests read the build being served): the cache empties first."""
        with self.lock:
            if build != self.build:
                self.invalidate(build)
            value = self.entries.get(key)
            if value is None:
                self.misses += 1
                return None
            self.entries.move_to_end(key)
            self.hits += 1
            return value

    def put(self, build: str, key: Hashable, value: V) -> None:
        """Keep an answer, unless it was computed on a build no longer served (a request
        that started before a reload and finished after it)."""
        if not self.capacity:
            return
        with self.lock:
            if build != self.build:
                return
            self.entries[key] = value
            self.entries.move_to_end(key)
            while len(self.entries) > self.capacity:
                self.entries.popitem(last=False)
                self.evictions += 1

    def invalidate(self, build: str) -> None:
        if self.entries:
            self.invalidations += 1
        self.entries.clear()
        self.build = build
