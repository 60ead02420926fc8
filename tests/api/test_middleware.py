"""HEAD on every GET route and the 405 Allow header (fake encoder index)."""

import pytest
from fastapi.testclient import TestClient

from api.main import create_app

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
    "/openapi.json",
    "/docs",
    "/redoc",
    "/static/app.js",
    "/static/style.css",
    "/api/documents/no-such-doc",  # errors too: HEAD answers what GET answers
]
# Headers that may differ between two identical requests.
VOLATILE = {"date"}


@pytest.fixture(scope="module")
def client(fake_retriever):
    with TestClient(create_app(retriever=fake_retriever), raise_server_exceptions=False) as c:
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
    if path.startswith("/api/ask"):  # took_ms varies, and with it the length
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
