"""Every endpoint and every bad input, through FastAPI's TestClient (fake encoder index)."""

import json

import pytest
from fastapi.testclient import TestClient

from api.main import MAX_BODY_BYTES, create_app


@pytest.fixture(scope="module")
def client(fake_qa):
    with TestClient(create_app(qa=fake_qa), raise_server_exceptions=False) as c:
        yield c


def assert_json_error(response, status):
    assert response.status_code == status, response.text
    body = response.json()
    assert isinstance(body["detail"], str) and body["detail"]
    assert "Traceback" not in response.text


def test_post_ask_returns_the_documented_shape(client):
    body = client.post("/api/ask", json={"question": "How many Haitians arrived in Del Rio?", "k": 3}).json()
    assert set(body) >= {"question", "answerable", "answer", "passages", "related", "took_ms"}
    listed = body["passages"] or body["related"]
    assert 1 <= len(listed) <= 3
    assert set(listed[0]) >= {"passage_id", "doc_id", "title", "publisher", "date", "url", "page", "section", "start", "end", "text", "score", "highlights", "also_in"}
    if body["answer"]:
        assert set(body["answer"]) >= {"text", "sentence", "doc_id", "passage_id", "start", "end"}


@pytest.mark.parametrize(
    ("question", "lang"), [("How many Haitians arrived in Del Rio?", "en"), ("¿Cuántos haitianos llegaron a Del Rio?", "es"), ("Quantos haitianos chegaram a Del Rio?", "pt")]
)
def test_the_response_says_which_language_the_question_was_read_in(client, question, lang):
    body = client.post("/api/ask", json={"question": question}).json()
    assert body["lang"] == lang and body["question"] == question


def test_get_ask_with_filters(client):
    body = client.get("/api/ask", params={"q": "migration pact", "k": 5, "publisher": "Migration Policy Institute"}).json()
    for p in body["passages"] + body["related"]:
        assert p["doc_id"] == "003_b93ff1855f76d041"


def test_offsets_index_into_the_served_document_text(client):
    body = client.post("/api/ask", json={"question": "Darien Gap smuggling networks"}).json()
    for p in body["passages"] + body["related"]:
        text = client.get(f"/api/documents/{p['doc_id']}").json()["text"]
        assert text[p["start"] : p["end"]] == p["text"]


def test_documents_and_passages(client):
    documents = client.get("/api/documents").json()
    assert len(documents) == 5 and {"doc_id", "title", "publisher", "date", "url", "kind"} <= set(documents[0])
    one = client.get("/api/documents/002_76273a1899057d0f").json()
    assert one["publisher"] == "Bipartisan Policy Center" and one["text"].startswith("The Los Angeles Declaration")
    passage_id = client.post("/api/ask", json={"question": "pillars"}).json()
    first = (passage_id["passages"] or passage_id["related"])[0]
    assert client.get(f"/api/passages/{first['passage_id']}").json()["text"] == first["text"]


def test_quote_exact_near_and_absent(client):
    exact = client.post("/api/quote", json={"text": "The Del Rio incident was a wake-up call."}).json()
    assert exact["found"] and exact["matches"][0]["exact"] and exact["matches"][0]["doc_id"] == "001_03a5958c15c3af4f"
    near = client.post("/api/quote", json={"text": "The Del Rio incident served as a wake up call for everyone"}).json()
    assert near["found"] and not near["matches"][0]["exact"]
    absent = client.post("/api/quote", json={"text": "Penguins migrate across Antarctica every winter."}).json()
    assert absent == {"text": "Penguins migrate across Antarctica every winter.", "found": False, "matches": []}


def test_health_and_readiness(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz").json()
    assert ready["status"] == "ready" and ready["passages"] > 0


def test_not_ready_is_a_503_json(tmp_path):
    from citeqa.settings import Settings

    with TestClient(create_app(Settings(index_dir=tmp_path / "missing"))) as c:
        assert_json_error(c.get("/readyz"), 503)
        assert_json_error(c.post("/api/ask", json={"question": "x"}), 503)


@pytest.mark.parametrize(
    "payload, status",
    [
        ({"question": ""}, 422),
        ({"question": "   \t "}, 422),
        ({"question": "x" * 1001}, 422),
        ({"question": "ok", "k": 0}, 422),
        ({"question": "ok", "k": 51}, 422),
        ({"question": "ok", "k": "5"}, 422),
        ({"question": "ok", "filters": {"colour": "red"}}, 422),
        ({"question": "ok", "filters": {"date_from": "yesterday"}}, 422),
        ({"question": "ok", "extra": 1}, 422),
        ({}, 422),
        ([], 422),
        ({"question": None}, 422),
    ],
)
def test_bad_ask_bodies(client, payload, status):
    assert_json_error(client.post("/api/ask", content=json.dumps(payload), headers={"content-type": "application/json"}), status)


def test_malformed_json_wrong_type_and_oversize(client):
    assert_json_error(client.post("/api/ask", content=b'{"question": ', headers={"content-type": "application/json"}), 400)
    assert_json_error(client.post("/api/ask", content=b"question=hi", headers={"content-type": "application/x-www-form-urlencoded"}), 415)
    assert_json_error(client.post("/api/ask", content=b"hi"), 415)
    big = json.dumps({"question": "x" * (MAX_BODY_BYTES + 10)})
    assert_json_error(client.post("/api/ask", content=big, headers={"content-type": "application/json"}), 413)


@pytest.mark.parametrize("params", [{}, {"q": ""}, {"q": "x", "k": "many"}, {"q": "x", "since": "2024/01/01"}, {"q": "x" * 1001}])
def test_bad_get_ask(client, params):
    assert_json_error(client.get("/api/ask", params=params), 422)


@pytest.mark.parametrize("path", ["/api/documents/nope", "/api/passages/nope", "/api/documents/..%2F..%2Fetc%2Fpasswd", "/api/documents/%2e%2e", "/api/passages/a%00b"])
def test_unknown_and_tricky_ids(client, path):
    response = client.get(path)
    assert response.status_code in {404, 422}
    assert_json_error(response, response.status_code)


def test_quote_validation(client):
    assert_json_error(client.post("/api/quote", json={"text": "short"}), 422)
    assert_json_error(client.post("/api/quote", json={"text": ""}), 422)
    assert_json_error(client.post("/api/quote", json={"words": "x"}), 422)


def test_openapi_and_docs(client):
    schema = client.get("/openapi.json").json()
    assert {"/api/ask", "/api/documents", "/api/documents/{doc_id}", "/api/passages/{passage_id}", "/api/quote", "/healthz", "/readyz"} <= set(schema["paths"])
    assert client.get("/docs").status_code == 200


def test_web_page_has_no_external_assets(client):
    html = client.get("/").text
    assert "<html" in html.lower()
    assert "http://" not in html and "https://" not in html.replace('https://" +', "")
