"""HEAD on every GET route, the 405 Allow header, and load shedding (fake encoder index)."""

import threading

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from citeqa.settings import Settings
from tests.fakes import ExplodingAnswerer

DOC_ID = "002_76273a1899057d0f"
# Every GET route, path parameters filled in; test_every_get_route_is_listed keeps it complete.
GET_PATHS = [
    "/",
    "/api/documents",
    f"/api/documents/{DOC_ID}",
    "/api/passages/{passage_id}",
    "/api/ask?q=pillars",
    "/healthz",
    "/readyz",
    "/api/metrics",
    "/openapi.json",
    "/docs",
    "/redoc",
    "/static/app.js",
    "/static/style.css",
    "/api/documents/no-such-doc",  # errors too: HEAD answers what GET answers
]
# Headers that may differ between two identical requests (the second question is a cache hit).
VOLATILE = {"date", "x-cache"}


@pytest.fixture(scope="module")
def client(fake_qa):
    with TestClient(create_app(qa=fake_qa), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="module")
def passage_id(client):
    body = client.get("/api/ask", params={"q": "pillars"}).json()
    return (body["passages"] or body["related"])[0]["passage_id"]


def test_every_get_route_is_listed(client):
    schema_gets = {path for path, ops in client.get("/openapi.json").json()["paths"].items() if "get" in ops}
    listed = {"/api/documents/{doc_id}" if p.startswith("/api/documents/") else p.split("?")[0] for p in GET_PATHS}
    assert schema_gets <= listed


@pytest.mark.parametrize("path", GET_PATHS)
def test_head_answers_like_get_without_a_body(client, passage_id, path):
    path = path.format(passage_id=passage_id)
    get, head = client.get(path), client.head(path)
    assert head.status_code == get.status_code
    assert head.content == b""
    assert int(head.headers["content-length"]) > 0
    if path.startswith(("/api/ask", "/api/metrics")):  # took_ms and the counts vary, and with them the length
        get.headers.pop("content-length"), head.headers.pop("content-length")
    assert {k: v for k, v in head.headers.items() if k not in VOLATILE} == {k: v for k, v in get.headers.items() if k not in VOLATILE}


@pytest.mark.parametrize(
    "method, path, allow",
    [
        ("POST", "/", "GET, HEAD"),
        ("PUT", "/api/ask", "GET, HEAD, POST"),
        ("DELETE", "/api/documents", "GET, HEAD"),
        ("GET", "/api/quote", "POST"),
        ("HEAD", "/api/quote", "POST"),
        ("POST", "/healthz", "GET, HEAD"),
        ("POST", "/static/app.js", "GET, HEAD"),
    ],
)
def test_405_lists_every_allowed_method(client, method, path, allow):
    response = client.request(method, path)
    assert response.status_code == 405
    assert response.headers["allow"] == allow


class BlockingAnswerer:
    """The fake answerer, whose ask waits until released: holds requests in flight."""

    def __init__(self, qa) -> None:
        self.qa = qa
        self.entered = threading.Semaphore(0)
        self.release = threading.Event()

    def ask(self, *args, **kwargs):
        self.entered.release()
        assert self.release.wait(30), "never released"
        return self.qa.ask(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.qa, name)


def test_requests_beyond_the_bound_are_shed_with_503_and_retry_after(fake_qa):
    blocking = BlockingAnswerer(fake_qa)
    # Two threads, both held: the health checks below must not need one.
    app = create_app(Settings(max_in_flight=2, worker_threads=2), qa=blocking)
    with TestClient(app, raise_server_exceptions=False) as c:
        held = [threading.Thread(target=lambda: statuses.append(c.get("/api/ask", params={"q": "pillars"}).status_code)) for _ in range(2)]
        statuses: list[int] = []
        for thread in held:
            thread.start()
        for _ in held:
            assert blocking.entered.acquire(timeout=30), "a held request never reached the answerer"
        try:
            for response in [c.get("/api/documents"), c.post("/api/ask", json={"question": "x"}), c.get("/"), c.head("/api/documents")]:
                assert response.status_code == 503
                assert response.headers["retry-after"] == "1"
                assert response.headers["x-content-type-options"] == "nosniff"
                if response.request.method != "HEAD":
                    assert set(response.json()) == {"detail"} and response.json()["detail"]
            assert c.get("/healthz").status_code == 200  # monitoring is never shed, nor queued for a thread
            assert c.get("/readyz").status_code == 200
        finally:
            blocking.release.set()
            for thread in held:
                thread.join(timeout=30)
        assert statuses == [200, 200]
        assert c.get("/api/documents").status_code == 200  # the slots were given back


def test_failed_requests_give_their_slot_back(fake_qa):
    with TestClient(create_app(Settings(max_in_flight=1), qa=ExplodingAnswerer(fake_qa)), raise_server_exceptions=False) as c:
        for _ in range(3):
            assert c.get("/api/ask", params={"q": "pillars"}).status_code == 500
        assert c.get("/api/documents").status_code == 200


def test_a_bound_of_zero_sheds_nothing(fake_qa):
    with TestClient(create_app(Settings(max_in_flight=0), qa=fake_qa)) as c:
        assert c.get("/api/documents").status_code == 200
