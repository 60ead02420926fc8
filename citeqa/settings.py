"""One settings object, read at the edges (CLI, app factory) and passed down."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings"]


class Settings(BaseSettings):
    """Environment variables prefixed CITEQA_ override the defaults."""

    model_config = SettingsConfigDict(env_prefix="CITEQA_", extra="ignore")

    index_dir: Path = Path(".citeqa/index")
    model: str = "all-MiniLM-L6-v2"
    pdf_timeout: float = 60.0
    ann: str = "auto"
    reload_interval: float = 2.0  # seconds between checks for a re-ingested index; 0 disables
