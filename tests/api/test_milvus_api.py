"""The service on a milvus-lite index: it answers, and picks up a re-ingest without a restart."""

import time

from fastapi.testclient import TestClient

from api.main import create_app
from citeqa.settings import Settings
from ingest.build import ingest
from tests.conftest import requires_milvus, small_corpus
from tests.fakes import FakeEncoder

pytestmark = requires_milvus


def test_serves_and_reloads_a_milvus_index(tmp_path):
    source, index = small_corpus(tmp_path / "src"), tmp_path / "index.db"
    ingest([source], index, model="fake-hashing", encoder_factory=FakeEncoder, parse=False)
    with TestClient(create_app(Settings(index_dir=index, reload_interval=0.05), encoder=FakeEncoder())) as c:
        assert c.get("/readyz").status_code == 200
        body = c.post("/api/ask", json={"question": "Darien Gap", "filters": {"doc_ids": ["002_76273a1899057d0f"]}}).json()
        assert {h["doc_id"] for h in body["passages"] + body["related"]} == {"002_76273a1899057d0f"}
        (source / "added.md").write_text("# Added\n\nA new paragraph about the Darien Gap.\n")
        ingest([source], index, model="fake-hashing", encoder_factory=FakeEncoder, parse=False)
        deadline = time.monotonic() + 20
        while "added" not in {d["doc_id"] for d in c.get("/api/documents").json()}:
            assert time.monotonic() < deadline, "the re-ingested index was never picked up"
            time.sleep(0.05)
