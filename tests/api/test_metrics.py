"""GET /api/metrics: its shape, what it counts, and workers' rows summed (fake encoder index)."""

import os

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.metrics import Metrics
from citeqa.settings import Settings

COUNTS = {"total", "ok", "client_errors", "shed", "server_errors"}
CACHE = {"capacity", "entries", "hits", "misses", "hit_rate", "evictions", "invalidations"}
LATENCY = {"recent", "mean", "p50", "p90", "p99", "max"}


def assert_shape(figures: dict) -> None:
    assert set(figures["requests"]) == COUNTS and set(figures["cache"]) == CACHE
    assert set(figures["ask"]) == {"answered", "latency_ms"} and set(figures["ask"]["latency_ms"]) == LATENCY


def test_metrics_shape_and_counts(fake_qa):
    with TestClient(create_app(Settings(answer_cache_size=8), qa=fake_qa)) as c:
        assert c.get("/api/metrics").json()["requests"]["total"] == 0
        for _ in range(3):
            c.post("/api/ask", json={"question": "What are the pillars?"})
        c.post("/api/ask", json={"question": " "})  # 422
        c.get("/api/documents/no-such-doc")  # 404
        body = c.get("/api/metrics").json()
    assert_shape(body)
    assert body["workers"] == 1 and len(body["per_worker"]) == 1 and body["per_worker"][0]["pid"] == os.getpid()
    assert_shape(body["per_worker"][0])
    assert body["requests"] == {"total": 6, "ok": 4, "client_errors": 2, "shed": 0, "server_errors": 0}
    assert body["cache"] | {"hit_rate": 0} == {"capacity": 8, "entries": 1, "hits": 2, "misses": 1, "hit_rate": 0, "evictions": 0, "invalidations": 0}
    assert body["cache"]["hit_rate"] == pytest.approx(2 / 3, abs=1e-4)
    latency = body["ask"]["latency_ms"]
    assert body["ask"]["answered"] == 3 and latency["recent"] == 3
    assert 0 < latency["p50"] <= latency["p90"] <= latency["p99"] <= latency["max"]


def test_each_worker_writes_its_own_row_and_the_totals_add_up():
    metrics = Metrics(workers=2)
    metrics.record(200, 5.0)
    pid = os.fork()
    if pid == 0:  # a worker, as api/prefork.py forks it
        metrics.use_slot(1)
        metrics.record(200, 7.0)
        metrics.record(503)
        os._exit(0)
    os.waitpid(pid, 0)
    body = metrics.snapshot()
    assert [w["pid"] for w in body["per_worker"]] == [os.getpid(), pid]
    assert body["requests"] == {"total": 3, "ok": 2, "client_errors": 0, "shed": 1, "server_errors": 0}
    assert body["ask"]["answered"] == 2 and body["ask"]["latency_ms"]["max"] == 7.0


def test_only_the_recent_latencies_are_summarised():
    metrics = Metrics()
    for ms in range(5000):
        metrics.record(200, float(ms))
    latency = metrics.snapshot()["ask"]["latency_ms"]
    assert latency["recent"] == 2048 and latency["max"] == 4999.0 and latency["p50"] >= 5000 - 2048
