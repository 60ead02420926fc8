"""`citeqa serve --workers`, and forked workers sharing one loaded index: every one answers,
and every one picks up a re-ingested build (fake encoder index)."""

import subprocess
import sys
import textwrap
import time

import httpx
import pytest
from typer.testing import CliRunner

from citeqa.cli import app
from ingest.build import ingest
from tests.conftest import ROOT, free_port, small_corpus
from tests.fakes import FakeEncoder


@pytest.fixture
def served(monkeypatch):
    """What `citeqa serve` hands to the server, instead of serving."""
    import api.prefork

    calls: list[dict] = []
    monkeypatch.setattr(api.prefork, "serve", lambda app, **options: calls.append({"app": app, **options}))
    return calls


@pytest.mark.parametrize("argv, env, workers", [([], {}, 1), (["--workers", "3"], {}, 3), ([], {"CITEQA_WORKERS": "2"}, 2), (["--workers", "4"], {"CITEQA_WORKERS": "2"}, 4)])
def test_workers_come_from_the_option_or_the_environment(fake_index, served, monkeypatch, argv, env, workers):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    result = CliRunner().invoke(app, ["serve", "--index", str(fake_index), "--port", "8123", *argv])
    assert result.exit_code == 0, result.output
    [call] = served
    assert call["workers"] == workers and call["port"] == 8123 and call["access_log"] is False
    assert call["app"].state.metrics.workers == workers and call["app"].state.settings.index_dir == fake_index


@pytest.mark.parametrize("value", ["0", "-1", "two"])
def test_a_worker_count_below_one_is_refused(fake_index, served, value):
    result = CliRunner().invoke(app, ["serve", "--index", str(fake_index), "--workers", value])
    assert result.exit_code == 2 and not served


SERVER = """
    import sys
    from pathlib import Path
    from api.main import create_app
    from api.prefork import serve
    from citeqa.settings import Settings
    from tests.fakes import FakeEncoder

    index, port = Path(sys.argv[1]), int(sys.argv[2])
    settings = Settings(index_dir=index, workers=2, reload_interval=0.05)
    serve(create_app(settings, encoder=FakeEncoder()), host="127.0.0.1", port=port, workers=2, log_level="warning")
"""


def test_two_forked_workers_answer_and_both_pick_up_a_reingest(tmp_path):
    source = small_corpus(tmp_path / "src")
    index = tmp_path / "index"
    ingest([source], index, model="fake-hashing", encoder_factory=FakeEncoder)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, "-c", textwrap.dedent(SERVER), str(index), str(port)], cwd=ROOT)
    try:
        wait_until(lambda: ready(url), "the server never became ready")
        metrics = httpx.get(f"{url}/api/metrics").json()
        assert metrics["workers"] == 2 and len({w["pid"] for w in metrics["per_worker"]}) == 2
        (source / "added.md").write_text("# Added\n\nA new paragraph about the pillars of the Darien Gap.\n")
        ingest([source], index, model="fake-hashing", encoder_factory=FakeEncoder)
        wait_until(lambda: every_worker_answers_from(url, "added"), "a worker never picked up the new build")
        assert httpx.get(f"{url}/api/metrics").json()["requests"]["server_errors"] == 0
    finally:
        server.terminate()
        assert server.wait(timeout=30) == 0


def ready(url: str) -> bool:
    try:
        return httpx.get(f"{url}/readyz").status_code == 200
    except httpx.HTTPError:
        return False


def every_worker_answers_from(url: str, doc_id: str) -> bool:
    """Questions filtered to `doc_id` find passages only in a build that holds it. True once a
    run of them all found some and each worker answered at least one of the run."""
    before = answered_by_worker(url)
    for _ in range(20):
        # a new connection each time: a kept-alive one would stay with one worker
        body = httpx.get(f"{url}/api/ask", params={"q": "pillars", "doc_id": doc_id}, headers={"Connection": "close"}).json()
        if not (body["passages"] or body["related"]):
            return False
    after = answered_by_worker(url)
    return all(after[pid] > before.get(pid, 0) for pid in after)


def answered_by_worker(url: str) -> dict[int, int]:
    return {w["pid"]: w["ask"]["answered"] for w in httpx.get(f"{url}/api/metrics").json()["per_worker"]}


def wait_until(condition, message: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, message
        time.sleep(0.1)


def test_each_worker_gets_its_own_tcp_socket_on_the_port():
    """SO_REUSEPORT spreads connections over the workers; IPPROTO_TCP is what makes asyncio
    set TCP_NODELAY on their connections (without it a response waited 40 ms for an ACK)."""
    import socket

    from api.prefork import listening_sockets

    port = free_port()
    sockets = listening_sockets("127.0.0.1", port, 2)
    try:
        for sock in sockets:
            assert sock.proto == socket.IPPROTO_TCP and sock.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT)
            assert sock.getsockname() == ("127.0.0.1", port)
    finally:
        for sock in sockets:
            sock.close()


def test_a_port_already_served_is_refused():
    import socket

    from api.prefork import listening_sockets

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with pytest.raises(SystemExit):
            listening_sockets("127.0.0.1", taken.getsockname()[1], 2)
