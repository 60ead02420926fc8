"""Security headers on every kind of response, and the docs pages' own policy."""

import base64
import hashlib
import re

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.security import PAGE_POLICY, docs_policy
from tests.fakes import ExplodingAnswerer

FIXED = {"x-content-type-options": "nosniff", "referrer-policy": "no-referrer", "x-frame-options": "DENY"}


@pytest.fixture(scope="module")
def client(fake_qa):
    with TestClient(create_app(qa=fake_qa), raise_server_exceptions=False) as c:
        yield c


def directives(policy: str) -> dict[str, list[str]]:
    parts = [p.split() for p in policy.split(";") if p.strip()]
    return {p[0]: p[1:] for p in parts}


@pytest.mark.parametrize(
    "method, path, status",
    [
        ("GET", "/", 200),
        ("GET", "/static/app.js", 200),
        ("GET", "/static/style.css", 200),
        ("GET", "/static/missing.js", 404),
        ("GET", "/api/documents", 200),
        ("POST", "/api/ask", 415),
        ("GET", "/api/ask", 422),
        ("GET", "/no/such/page", 404),
        ("DELETE", "/api/documents", 405),
        ("GET", "/healthz", 200),
        ("HEAD", "/", 200),
    ],
)
def test_every_response_carries_the_headers(client, method, path, status):
    response = client.request(method, path)
    assert response.status_code == status
    for name, value in FIXED.items():
        assert response.headers[name] == value
    assert response.headers["content-security-policy"] == PAGE_POLICY


def test_page_policy_is_strict():
    policy = directives(PAGE_POLICY)
    assert policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["base-uri"] == ["'none'"] and policy["object-src"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert "script-src" not in policy and "style-src" not in policy  # both fall back to 'self'
    assert not any("unsafe" in source or source in {"*", "https:", "http:"} for sources in policy.values() for source in sources)


def test_the_page_needs_nothing_inline(client):
    html = client.get("/").text
    assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", html), "an inline <script>"
    assert "<style" not in html and not re.search(r"\sstyle=", html)
    assert not re.search(r"\son[a-z]+=", html), "an inline event handler"
    js = client.get("/static/app.js").text
    assert not re.search(r"""setAttribute\(\s*["']style|innerHTML|outerHTML|insertAdjacentHTML|\beval\(|new Function""", js)


def test_unexpected_errors_carry_the_headers_too(fake_qa):
    with TestClient(create_app(qa=ExplodingAnswerer(fake_qa)), raise_server_exceptions=False) as c:
        response = c.post("/api/ask", json={"question": "pillars"})
    assert response.status_code == 500 and response.json() == {"detail": "internal error"}
    assert response.headers["content-security-policy"] == PAGE_POLICY
    assert response.headers["x-frame-options"] == "DENY"


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_docs_pages_get_their_own_policy(client, path):
    response = client.get(path)
    assert response.status_code == 200
    policy = directives(response.headers["content-security-policy"])
    assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
    for body in re.findall(r"<script>(.*?)</script>", response.text, re.DOTALL):  # each inline script, by hash
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy["script-src"]
    assert response.headers["x-content-type-options"] == "nosniff"


def test_docs_policy_hashes_only_what_is_there():
    policy = directives(docs_policy(b"<html><body><p>no script</p></body></html>"))
    assert not any(source.startswith("'sha256-") for source in policy["script-src"])
