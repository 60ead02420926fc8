"""The service's counters, summed over its worker processes: requests by outcome,
the answer cache's hits and misses, and the latency of recent questions.

One table in anonymous shared memory, made before the workers fork, one row per
worker. A worker writes only its own row, from its event loop; whichever worker
answers GET /api/metrics reads every row. Without workers there is one row.
"""

from __future__ import annotations

import mmap
import os
import time

import numpy as np

from api.cache import AnswerCache

__all__ = ["Metrics", "RECENT"]

COUNTERS = (
    "pid", "requests", "ok", "client_errors", "shed", "server_errors", "asked",
    "cache_capacity", "cache_entries", "cache_hits", "cache_misses", "cache_evictions", "cache_invalidations",
)
COLUMN = {name: n for n, name in enumerate(COUNTERS)}
RECENT = 2048  # latencies of the last questions answered, per worker
SHED = 503


class Metrics:
    def __init__(self, workers: int = 1) -> None:
        self.width = len(COUNTERS) + RECENT
        # MAP_SHARED and anonymous: processes forked from this one write the same pages
        self.memory = mmap.mmap(-1, workers * self.width * 8)
        self.table = np.frombuffer(self.memory, dtype=np.float64).reshape(workers, self.width)
        self.started = time.time()
        self.use_slot(0)

    @property
    def workers(self) -> int:
        return len(self.table)

    def use_slot(self, slot: int) -> None:
        """This process writes row `slot` from now on (a worker, just forked). A replacement
        keeps the counts of the worker it replaces, not its cache."""
        self.row = self.table[slot]
        self.row[COLUMN["pid"]] = os.getpid()
        self.row[COLUMN["cache_entries"]] = 0

    def record(self, status: int, asked_ms: float | None = None) -> None:
        """One response; `asked_ms` when it answered a question (a 200 from /api/ask)."""
        row = self.row
        row[COLUMN["requests"]] += 1
        outcome = "ok" if status < 400 else "shed" if status == SHED else "client_errors" if status < 500 else "server_errors"
        row[COLUMN[outcome]] += 1
        if asked_ms is not None:
            row[len(COUNTERS) + int(row[COLUMN["asked"]]) % RECENT] = asked_ms
            row[COLUMN["asked"]] += 1

    def record_cache(self, cache: AnswerCache) -> None:
        for name in ("capacity", "hits", "misses", "evictions", "invalidations"):
            self.row[COLUMN[f"cache_{name}"]] = getattr(cache, name)
        self.row[COLUMN["cache_entries"]] = len(cache)

    def snapshot(self) -> dict:
        """Totals over the workers, then each worker's own figures."""
        rows = self.table.copy()
        live = [row for row in rows if row[COLUMN["pid"]]]
        return {
            "workers": self.workers,
            "uptime_s": round(time.time() - self.started, 1),
            **figures(live),
            "per_worker": [{"pid": int(row[COLUMN["pid"]]), **figures([row])} for row in live],
        }


def figures(rows: list[np.ndarray]) -> dict:
    total = {name: int(sum(row[COLUMN[name]] for row in rows)) for name in COUNTERS if name != "pid"}
    lookups = total["cache_hits"] + total["cache_misses"]
    recent = [row[len(COUNTERS) : len(COUNTERS) + min(int(row[COLUMN["asked"]]), RECENT)] for row in rows]
    return {
        "requests": {"total": total["requests"], **{name: total[name] for name in ("ok", "client_errors", "shed", "server_errors")}},
        "cache": {
            "capacity": total["cache_capacity"], "entries": total["cache_entries"], "hits": total["cache_hits"],
            "misses": total["cache_misses"], "hit_rate": round(total["cache_hits"] / lookups, 4) if lookups else 0.0,
            "evictions": total["cache_evictions"], "invalidations": total["cache_invalidations"],
        },
        "ask": {"answered": total["asked"], "latency_ms": latency_summary(np.concatenate(recent) if recent else np.zeros(0))},
    }


def latency_summary(values: np.ndarray) -> dict:
    """Mean and nearest-rank percentiles of the recent latencies."""
    if not len(values):
        return {"recent": 0, "mean": 0.0, "p50": 0.0, "p90": 0.0, "p99": 0.0, "max": 0.0}
    ranks = np.percentile(values, (50, 90, 99), method="inverted_cdf")
    return {
        "recent": len(values), "mean": round(float(values.mean()), 2),
        **{f"p{q}": round(float(v), 2) for q, v in zip((50, 90, 99), ranks)}, "max": round(float(values.max()), 2),
    }
