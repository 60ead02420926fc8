"""The web page, driven in Debian's headless Chromium through Playwright.

The server is a real uvicorn process on a free loopback port, serving the
session's real index; the page is asked questions the way a person would.
Screenshots land in test-artifacts/ for a human to look at.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

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
RESULT = ".answer, .no-answer, #error:not([hidden])"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is missing (apt-get install -y chromium chromium-driver)"),
]
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is missing (pip install playwright)")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.requests = []  # every URL the page asks for, for the no-external-requests test
    page.on("request", lambda request: page.requests.append(request.url))
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
    context = browser.new_context(viewport={"width": 375, "height": 800}, is_mobile=True, has_touch=True, device_scale_factor=2)
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
    for _ in range(10):
        if page.evaluate("document.activeElement && document.activeElement.id") == "question":
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "question", "Tab never reached the question box"
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
