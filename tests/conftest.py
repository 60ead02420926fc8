"""Shared fixtures: paths to the shared material, a fake encoder, and the real
index of the bundled corpus built once per test session."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from tests.fakes import FakeEncoder

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
SHARED = ROOT.parent / "shared"
PRIMARY = SHARED / "corpus" / "primary"
PDF_SAMPLES = SHARED / "pdf-samples"
SEEDS = SHARED / "corpus" / "seeds"

def free_port() -> int:
    """A loopback port nothing listens on now, for a server a test starts."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def small_corpus(folder: Path) -> Path:
    """Two short seed articles copied into `folder`: a corpus that indexes in a second."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ["002_76273a1899057d0f.txt", "003_b93ff1855f76d041.txt"]:
        (folder / name).write_text((CORPUS / name).read_text())
    return folder


def milvus_missing() -> bool:
    """Looked up, not imported: gRPC must start after the Milvus backend sets it up."""
    try:
        return importlib.util.find_spec("pymilvus") is None or importlib.util.find_spec("milvus_lite") is None
    except ValueError:  # None in sys.modules: made missing on purpose
        return True


requires_milvus = pytest.mark.skipif(milvus_missing(), reason="the Milvus backend needs pymilvus and milvus-lite: pip install -e '.[milvus]'")

requires_shared = pytest.mark.skipif(
    not SHARED.is_dir(), reason="../shared/ is absent (it holds the primary texts and PDF samples that may not be copied here)"
)


@pytest.fixture
def fake_encoder() -> FakeEncoder:
    return FakeEncoder()


@pytest.fixture(scope="session")
def real_index(tmp_path_factory) -> Path:
    """The bundled corpus (plus the primary texts when ../shared is here), indexed
    with the real model. Built once: the encoder is the expensive part."""
    from ingest.build import ingest
    from ingest.embed import MULTILINGUAL_MODEL, load_encoder

    index_dir = tmp_path_factory.mktemp("real-index")
    sources = [CORPUS] + ([PRIMARY] if PRIMARY.is_dir() else [])
    ingest(
        sources, index_dir, model="all-MiniLM-L6-v2", encoder_factory=lambda: load_encoder("all-MiniLM-L6-v2"),
        multilingual=(MULTILINGUAL_MODEL, lambda: load_encoder(MULTILINGUAL_MODEL)),
    )
    return index_dir


@pytest.fixture(scope="session")
def fake_index(tmp_path_factory):
    """The bundled corpus indexed with the fake encoder: fast, deterministic."""
    from ingest.build import ingest

    index_dir = tmp_path_factory.mktemp("fake-index")
    encoder = FakeEncoder()
    ingest([CORPUS], index_dir, model=encoder.name, encoder_factory=lambda: encoder)
    return index_dir


@pytest.fixture(scope="session")
def fake_qa(fake_index):
    from answers import Answerer

    return Answerer.load(fake_index, encoder=FakeEncoder())


@pytest.fixture(scope="session")
def fake_retriever(fake_qa):
    """The ranking layer of the fake index."""
    return fake_qa.retriever
