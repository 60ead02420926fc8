"""The answer cache: hits, misses, eviction, and a new build emptying it (fake encoder index)."""

import time

import pytest
from fastapi.testclient import TestClient

from api.cache import AnswerCache
from api.main import create_app
from citeqa.settings import Settings
from ingest.build import ingest
from tests.conftest import small_corpus
from tests.fakes import FakeEncoder

QUESTION = "How many Haitians arrived in Del Rio?"


def test_a_kept_answer_is_a_hit_and_an_unknown_one_a_miss():
    cache = AnswerCache(4)
    assert cache.get("b1", "q") is None
    cache.put("b1", "q", "answer")
    assert cache.get("b1", "q") == "answer"
    assert (cache.hits, cache.misses, len(cache)) == (1, 1, 1)


def test_the_least_recently_used_answer_is_evicted():
    cache = AnswerCache(2)
    cache.get("b1", "a")
    for key in ["a", "b"]:
        cache.put("b1", key, key.upper())
    cache.get("b1", "a")  # "b" is now the least recently used
    cache.put("b1", "c", "C")
    assert cache.get("b1", "b") is None and cache.get("b1", "a") == "A" and cache.get("b1", "c") == "C"
    assert cache.evictions == 1 and len(cache) == 2


def test_a_new_build_empties_the_cache_and_an_old_builds_answer_is_not_kept():
    cache = AnswerCache(4)
    cache.get("b1", "q")
    cache.put("b1", "q", "old")
    assert cache.get("b2", "q") is None and len(cache) == 0 and cache.invalidations == 1
    cache.put("b1", "q", "old")  # a request that began before the reload finishes after it
    assert cache.get("b2", "q") is None
    cache.put("b2", "q", "new")
    assert cache.get("b2", "q") == "new"


def test_a_capacity_of_zero_keeps_nothing():
    cache = AnswerCache(0)
    cache.get("b1", "q")
    cache.put("b1", "q", "answer")
    assert cache.get("b1", "q") is None and len(cache) == 0


@pytest.fixture(scope="module")
def client(fake_qa):
    with TestClient(create_app(qa=fake_qa)) as c:
        yield c


def test_the_same_request_is_answered_from_the_cache(client):
    first = client.post("/api/ask", json={"question": f"  {QUESTION}\t", "k": 3})
    again = client.get("/api/ask", params={"q": QUESTION, "k": 3})  # the same request as the answer layer reads it
    assert first.headers["x-cache"] == "miss" and again.headers["x-cache"] == "hit"
    body, cached = first.json(), again.json()
    assert {**cached, "took_ms": 0, "timings_ms": {}} == {**body, "took_ms": 0, "timings_ms": {}}
    assert cached["timings_ms"] == {}


@pytest.mark.parametrize("change", [{"k": 4}, {"filters": {"publishers": ["Migration Policy Institute"]}}, {"question": QUESTION.lower()}])
def test_another_k_filter_or_wording_is_a_miss(client, change):
    client.post("/api/ask", json={"question": QUESTION, "k": 3})
    assert client.post("/api/ask", json={"question": QUESTION, "k": 3, **change}).headers["x-cache"] == "miss"


def test_a_reingest_empties_the_cache(tmp_path):
    source = small_corpus(tmp_path / "src")
    index = tmp_path / "index"
    ingest([source], index, model="fake-hashing", encoder_factory=FakeEncoder)
    with TestClient(create_app(Settings(index_dir=index, reload_interval=0.05), encoder=FakeEncoder())) as c:
        c.get("/api/ask", params={"q": "pillars"})
        assert c.get("/api/ask", params={"q": "pillars"}).headers["x-cache"] == "hit"
        (source / "added.md").write_text("# Added\n\nA new paragraph about the pillars of the Darien Gap.\n")
        ingest([source], index, model="fake-hashing", encoder_factory=FakeEncoder)
        deadline = time.monotonic() + 20
        while "added" not in {d["doc_id"] for d in c.get("/api/documents").json()}:
            assert time.monotonic() < deadline, "the re-ingested index was never picked up"
            time.sleep(0.05)
        assert c.get("/api/ask", params={"q": "pillars"}).headers["x-cache"] == "miss"
        cache = c.get("/api/metrics").json()["cache"]
        assert cache["invalidations"] == 1 and cache["entries"] == 1
