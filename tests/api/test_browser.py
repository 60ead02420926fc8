"""The web page, driven in Debian's headless Chromium through Playwright.

The server is a real uvicorn process on a free loopback port, serving the
session's real index; the page is asked questions the way a person would.
Screenshots land in test-artifacts/ for a human to look at. The browser's
language is set: English unless a test is about another language.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import free_port

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
READY_TIMEOUT_S = 120
# Records Content-Security-Policy violations in the page; installed before any page script runs.
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + (e.sourceFile || "") + ":" + e.lineNumber);
});
"""
RESULT = ".answer, .no-answer, #error:not([hidden])"

# CI installs Chromium (.ci/run -> make browser-deps): there a missing browser is a failure,
# not a skip, so a green run cannot hide browser tests that never ran.
if os.environ.get("CI") and not CHROMIUM.exists():
    raise RuntimeError("CI=true but /usr/bin/chromium is missing: run `make browser-deps`")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is missing (make browser-deps, or apt-get install -y chromium)"),
]
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is missing (pip install -e '.[test]')")


def wait_ready(base: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server exited with {process.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(base + "/readyz", timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.25)
    pytest.fail(f"the server was not ready within {READY_TIMEOUT_S} s:\n{log.read_text(errors='replace')[-3000:]}")


@pytest.fixture(scope="module")
def server(real_index: Path, tmp_path_factory) -> str:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path_factory.mktemp("browser-server") / "uvicorn.log"
    env = {**os.environ, "CITEQA_INDEX_DIR": str(real_index)}
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", "api.main:create_app", "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_ready(base, process, log)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(locale="en-US", viewport={"width": 1100, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.requests = []  # every URL the page asks for, for the no-external-requests test
    page.on("request", lambda request: page.requests.append(request.url))
    page.console_errors = []  # Chromium also logs CSP refusals here
    page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
    page.add_init_script(CSP_LISTENER)
    page.goto(server + "/")
    yield page
    context.close()


@pytest.fixture(scope="module")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def ask(page, question: str) -> None:
    page.fill("#question", question)
    page.click("#ask-button")
    wait_for_result(page)


def wait_for_result(page) -> None:
    page.wait_for_selector(RESULT, state="visible")
    page.wait_for_selector("#results[aria-busy='false']", state="attached")


def test_answer_is_highlighted_and_cited(page, artifacts):
    ask(page, "How many Haitians arrived in Del Rio?")

    answer = page.locator(".answer")
    assert "15,000" in answer.inner_text()
    marked = answer.locator("mark.hl-answer")
    assert marked.count() >= 1 and "15,000" in marked.first.inner_text()
    assert page.locator(".passage mark.hl-answer").count() >= 1
    carnegie = "Carnegie Endowment for International Peace"
    assert carnegie in answer.locator(".cite").inner_text()
    link = answer.locator(".cite a.source-link").first
    assert link.get_attribute("href").startswith("https://")
    assert set(link.get_attribute("rel").split()) >= {"noopener", "noreferrer"}
    assert page.locator(".passage").count() >= 1
    assert "Haitians" in page.locator("#passage-1 .passage-text").inner_text()
    assert "q=How+many+Haitians" in page.url
    page.screenshot(path=str(artifacts / "answer.png"), full_page=True)


def test_unanswerable_question_says_so(page):
    ask(page, "Who won the 2018 World Cup?")

    assert page.locator(".no-answer").inner_text().startswith("The sources don't answer this question.")
    assert page.locator(".answer").count() == 0
    assert page.get_by_role("heading", name="Nearest passages").is_visible()


def test_markup_in_the_question_is_inert(page, artifacts):
    hostile = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'
    ask(page, hostile)
    page.wait_for_timeout(300)  # give a stray onerror handler time to fire

    assert page.evaluate("typeof window.__pwned") == "undefined"
    asked = page.locator(".asked q")
    assert asked.is_visible() and asked.inner_text() == hostile
    assert page.get_by_text("<script>", exact=False).first.is_visible()
    assert page.locator("#results script, #results img").count() == 0
    page.screenshot(path=str(artifacts / "inert.png"), full_page=True)


def test_phone_width_has_no_horizontal_scroll(browser, server, artifacts):
    context = browser.new_context(locale="en-US", viewport={"width": 375, "height": 800}, is_mobile=True, has_touch=True, device_scale_factor=2)
    try:
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.goto(server + "/")
        page.click("#filters summary")
        page.wait_for_selector(".source-group input")
        # This one has a disagreeing source whose sentence holds long URLs.
        ask(page, "When was the implementation meeting held at the White House?")

        assert page.locator(".answer").is_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375 + 1, f"the page is {width}px wide on a 375px screen"
        page.screenshot(path=str(artifacts / "phone.png"), full_page=True)
    finally:
        context.close()


def test_keyboard_only(page):
    visited = []
    for _ in range(10):
        visited.append(page.evaluate("document.activeElement && document.activeElement.id"))
        if visited[-1] == "question":
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "question", "Tab never reached the question box"
    assert "lang-select" in visited, "Tab skipped the language switch"
    page.keyboard.type("What are the pillars of the Los Angeles Declaration?")
    page.keyboard.press("Enter")
    wait_for_result(page)

    assert page.locator(".answer mark.hl-answer").count() >= 1
    assert "pillars" in page.locator(".answer").inner_text()


def test_page_makes_no_external_requests(page, server):
    ask(page, "How many Haitians arrived in Del Rio?")
    page.click("button.example >> text=Who won the 2018 World Cup?")
    page.wait_for_selector(".no-answer", state="visible")

    assert any(url.startswith(server + "/api/ask") for url in page.requests)
    assert any(url.startswith(server + "/static/") for url in page.requests)
    outside = [url for url in page.requests if not url.startswith(server + "/")]
    assert not outside, f"requests outside {server}: {outside}"


def test_question_in_the_url_is_asked_on_load(page, server):
    page.goto(server + "/?q=How+many+Haitians+arrived+in+Del+Rio%3F")
    wait_for_result(page)

    assert page.input_value("#question") == "How many Haitians arrived in Del Rio?"
    assert "15,000" in page.locator(".answer").inner_text()


def test_api_errors_show_in_the_alert_region(page, server):
    page.goto(server + "/?q=" + "x" * 1001)  # longer than the API accepts
    page.wait_for_selector("#error:not([hidden])", state="visible")

    alert = page.get_by_role("alert")
    assert "question" in alert.inner_text()
    assert page.locator(".answer, .no-answer").count() == 0


def test_source_filter_is_sent_and_respected(page):
    page.click("#filters summary")
    box = page.locator("input[name=doc][value='la-declaration-2022-06-10']")
    if box.count() == 0:
        pytest.skip("the primary texts (../shared) are not in this index")
    box.check()
    with page.expect_request("**/api/ask") as request_info:
        ask(page, "What are the pillars of the Los Angeles Declaration?")
    sent = request_info.value.post_data_json
    assert sent["filters"]["doc_ids"] == ["la-declaration-2022-06-10"]
    assert sent["k"] == 5
    titles = page.locator(".passage-title cite").all_inner_texts() + page.locator(".answer .cite cite").all_inner_texts()
    assert titles and all(t == "Los Angeles Declaration on Migration and Protection" for t in titles)
    assert "doc=la-declaration-2022-06-10" in page.url


def test_tricky_response_renders_safely(page):
    """A hand-made response: offsets counted in code points past an emoji,
    markup in the text, a javascript: URL, an empty title, a page number,
    nested and overlapping highlights, and a disagreeing source."""
    text = "\U0001f600 Alpha <b>beta</b> gamma. Delta <i>epsilon</i>."
    base = 100
    sentence = "\U0001f600 Alpha <b>beta</b> gamma."
    answer_at = base + text.index("<b>beta</b>")
    answer = {
        "text": "<b>beta</b>", "sentence": sentence, "doc_id": "doc-x", "passage_id": "p1",
        "start": answer_at, "end": answer_at + len("<b>beta</b>"), "sentence_start": base, "sentence_end": base + len(sentence),
        "title": "", "publisher": "<em>Pub</em>", "date": "2022-06-10", "url": "javascript:window.__pwned=3",
    }
    alternative = {**answer, "text": "gamma", "start": base + text.index("gamma"), "end": base + text.index("gamma") + 5,
                   "publisher": "Other Pub", "url": "https://example.org/other"}
    passage = {
        "passage_id": "p1", "doc_id": "doc-x", "title": "", "publisher": "<em>Pub</em>", "date": "2022-06-10",
        "url": "javascript:window.__pwned=3", "page": 3, "section": "ignored", "start": base, "end": base + len(text),
        "text": text, "score": 1.0, "also_in": ["001_03a5958c15c3af4f", "unknown-doc"],
        "highlights": [
            {"start": base, "end": base + len(sentence), "kind": "sentence"},
            {"start": answer_at, "end": answer_at + len("<b>beta</b>"), "kind": "answer"},
            # partly outside the sentence: clipped, never breaks the text
            {"start": base + text.index("gamma"), "end": base + text.index("epsilon"), "kind": "answer"},
        ],
    }
    body = {"question": "q", "answerable": True, "answer": answer, "alternatives": [alternative],
            "passages": [passage], "related": [], "took_ms": 1.0, "timings_ms": {}}
    page.route("**/api/ask", lambda route: route.fulfill(status=200, content_type="application/json", body=json.dumps(body)))
    ask(page, "anything")

    assert page.locator(".answer mark.hl-answer").first.inner_text() == "<b>beta</b>"
    assert page.locator("#passage-1 .passage-text").inner_text() == text
    assert page.locator("#passage-1 mark.hl-sentence mark.hl-answer").first.inner_text() == "<b>beta</b>"
    assert page.locator("#results b, #results i, #results em").count() == 0
    assert page.locator("#results a[href^='javascript']").count() == 0
    meta = page.locator("#passage-1 .meta").inner_text()
    assert "p. 3" in meta and "ignored" not in meta and "<em>Pub</em>" in meta
    assert page.locator("#passage-1 .passage-title cite").inner_text() == "doc-x"
    also = page.locator("#passage-1 .also-in").inner_text()
    assert "The Los Angeles Declaration Continues" in also and "unknown-doc" in also
    disagree = page.locator(".disagree")
    assert disagree.locator("h3").inner_text() == "Sources disagree:"
    assert "Other Pub" in disagree.inner_text() and disagree.locator("mark.hl-answer").inner_text() == "gamma"
    assert disagree.locator("a.source-link").get_attribute("href") == "https://example.org/other"
    assert page.evaluate("typeof window.__pwned") == "undefined"


def test_page_works_under_its_content_security_policy(page, server):
    response = page.goto(server + "/")
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    page.click("#filters summary")
    page.wait_for_selector(".source-group input")
    page.locator(".source-group input").first.check()
    page.click("#clear-filters")
    ask(page, "How many Haitians arrived in Del Rio?")
    assert page.locator(".answer mark.hl-answer").count() >= 1
    page.click("button.example >> text=Who won the 2018 World Cup?")
    page.wait_for_selector(".no-answer", state="visible")
    page.goto(server + "/?q=" + "x" * 1001)  # the error path
    page.wait_for_selector("#error:not([hidden])", state="visible")

    assert page.evaluate("window.__cspViolations") == []
    assert [text for text in page.console_errors if "status of 422" not in text] == []  # the 422 is the error path's


def test_a_violation_would_be_seen(page):
    """The listener works: an inline style attribute, which the policy forbids, is reported."""
    page.evaluate("document.body.appendChild(document.createElement('p')).setAttribute('style', 'color: red')")
    page.wait_for_function("window.__cspViolations.length > 0")
    assert any(v.startswith("style-src") for v in page.evaluate("window.__cspViolations"))


def test_spanish_browser_gets_the_page_in_spanish(browser, server, artifacts):
    """A visitor whose browser asks for Latin American Spanish: Spanish labels and
    examples, an example asked through the real app, and the answer's English
    quotation said to be English."""
    context = browser.new_context(locale="es-MX", viewport={"width": 1100, "height": 900})
    try:
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.add_init_script(CSP_LISTENER)
        page.goto(server + "/")

        assert page.locator("html").get_attribute("lang") == "es-419"
        assert page.get_by_role("combobox", name="Idioma").input_value() == "es"
        assert page.get_by_label("Tu pregunta").is_visible()
        assert page.locator("#ask-button").inner_text() == "Preguntar"
        example = page.locator("button.example").first
        assert example.inner_text() == "¿Cuántos haitianos llegaron a Del Rio?"
        with page.expect_response("**/api/ask") as response_info:
            example.click()
        wait_for_result(page)

        body = response_info.value.json()
        assert body["question"] == "¿Cuántos haitianos llegaron a Del Rio?"
        assert body["lang"] == "es"
        answer = page.locator(".answer")
        assert page.get_by_role("heading", name="Respuesta").is_visible()
        assert answer.locator("mark.hl-answer").count() >= 1
        assert "15,000" in answer.locator("mark.hl-answer").first.inner_text()  # the English span, verbatim
        assert answer.locator("blockquote").get_attribute("lang") == "en"
        assert answer.locator(".source-note").inner_text() == "Fuente en inglés: la cita es textual."
        assert page.locator("#status").inner_text().startswith("Respondida · 5 pasajes")
        assert page.get_by_role("heading", name="Pasajes citados").is_visible()
        assert page.evaluate("window.__cspViolations") == []
        page.screenshot(path=str(artifacts / "answer-es.png"), full_page=True)
    finally:
        context.close()


def test_language_switch_redraws_and_is_remembered(page, server):
    switch = page.get_by_role("combobox", name="Language")
    assert switch.input_value() == "en" and page.locator("html").get_attribute("lang") == "en"
    page.click("button.example >> text=Who won the 2018 World Cup?")
    page.wait_for_selector(".no-answer", state="visible")

    switch.select_option("pt")
    assert page.locator("html").get_attribute("lang") == "pt-BR"
    assert page.get_by_role("heading", name="As fontes não respondem a esta pergunta.").is_visible()  # the result, redrawn
    assert page.locator("#status").inner_text().startswith("Sem resposta")
    assert page.locator("button.example").last.inner_text() == "Quem ganhou a Copa do Mundo de 2018?"

    page.reload()  # the URL still holds the question: it is asked again, in Portuguese
    wait_for_result(page)
    assert page.get_by_role("combobox", name="Idioma").input_value() == "pt"
    assert page.locator("#ask-button").inner_text() == "Perguntar"
    assert page.locator(".no-answer h2").inner_text() == "As fontes não respondem a esta pergunta."
