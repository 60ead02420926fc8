"""One settings object, read at the edges (CLI, app factory) and passed down."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings"]


class Settings(BaseSettings):
    """Environment variables prefixed CITEQA_ override the defaults."""

    model_config = SettingsConfigDict(env_prefix="CITEQA_", extra="ignore")

    index_dir: Path = Path(".citeqa/index")
    model: str = "all-MiniLM-L6-v2"
    # sentence vectors for questions in other languages (ingest/multilingual.py); "" turns them off
    multilingual_model: str = "multilingual-e5-small"
    pdf_timeout: float = 60.0
    ann: str = "auto"
    reload_interval: float = 2.0  # seconds between checks for a re-ingested index; 0 disables
    # Requests in flight per server process beyond which the API answers 503 at once
    # (health checks excepted); 0 disables. Queued work waits about max_in_flight /
    # throughput: on 2 cores (~60 questions/s) 48 keeps the 200-client p99 within ~1.5x
    # the 32-client one, and sheds nothing at 32 clients (32 did, ~15%: a client's next
    # request can arrive before its last one has left the count). benchmarks/load_bench.py.
    max_in_flight: int = Field(default=48, ge=0)
    # Threads answering questions per server process; 0: twice the CPU count, shared out
    # between the workers (at least 2 each).
    worker_threads: int = Field(default=0, ge=0)
    # Server processes (`citeqa serve --workers`), forked after the index and models are
    # loaded so that they share them. Shedding (max_in_flight) and the cache are per process.
    workers: int = Field(default=1, ge=1)
    # Answers kept per server process for questions asked again (api/cache.py); 0 disables.
    # An answer is ~10 KB: the default holds every eval question in ~10 MB.
    answer_cache_size: int = Field(default=1024, ge=0)
