import pytest

from ingest.build import ingest
from retrieval import Retriever
from tests.conftest import CORPUS
from tests.fakes import FakeEncoder


@pytest.fixture(scope="session")
def fake_index(tmp_path_factory):
    """The bundled corpus indexed with the fake encoder: fast, deterministic."""
    index_dir = tmp_path_factory.mktemp("fake-index")
    encoder = FakeEncoder()
    ingest([CORPUS], index_dir, model=encoder.name, encoder_factory=lambda: encoder)
    return index_dir


@pytest.fixture(scope="session")
def fake_retriever(fake_index):
    return Retriever.load(fake_index, encoder=FakeEncoder())
