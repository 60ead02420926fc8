"""Kill `citeqa ingest` at random moments while it reads the bundled corpus, the
primary texts and the real-world PDF samples together (PDF extraction runs in
child processes). After every kill: no process of the killed ingest is left,
the index lock is free, the previous index loads and answers; SIGTERM and
Ctrl-C end the ingest promptly with its own exit code and no staging folder.
At the end the next ingest runs, and the server started the README's way
(`citeqa ingest corpus`, then `citeqa serve`) comes up and answers.

The killed ingests use a slowed fake encoder so that the kills land in every
stage (reading, embedding, writing); the README's way uses the real model.
"""

from __future__ import annotations

import fcntl
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil
import pytest

from ingest.store import read_index
from answers import Answerer
from tests.conftest import CORPUS, PDF_SAMPLES, PRIMARY, ROOT, free_port, requires_shared
from tests.fakes import FakeEncoder

pytestmark = [requires_shared, pytest.mark.slow]

KILLS = {signal.SIGKILL: 20, signal.SIGTERM: 3, signal.SIGINT: 3}
EXIT_CODES = {signal.SIGKILL: -signal.SIGKILL, signal.SIGTERM: 143, signal.SIGINT: 130}

CLI_WITH_SLOW_FAKE_ENCODER = """
import sys, time
sys.path.insert(0, {root!r})
import ingest.embed
from tests.fakes import FakeEncoder

class Slow(FakeEncoder):
    def encode(self, texts, **kw):
        time.sleep(0.03)
        return super().encode(texts, **kw)

ingest.embed.load_encoder = lambda name: Slow()
from citeqa.cli import app
sys.argv = ["citeqa", "ingest", *{sources!r}, "--index", {index!r}, "--model", "fake-hashing"]
app()
"""


def start_ingest(sources: list[Path], index: Path) -> subprocess.Popen:
    script = CLI_WITH_SLOW_FAKE_ENCODER.format(root=str(ROOT), sources=[str(s) for s in sources], index=str(index))
    # its own session: the terminal's Ctrl-C reaches the whole group, and the group names what must be gone
    return subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def survivors(session: int) -> list[psutil.Process]:
    """Live processes (zombies hold nothing) of a killed ingest's session, after a grace period."""
    deadline = time.monotonic() + 10
    while True:
        alive = []
        for process in psutil.process_iter(["status"]):
            try:
                if os.getsid(process.pid) == session and process.info["status"] != psutil.STATUS_ZOMBIE:
                    alive.append(process)
            except (ProcessLookupError, psutil.Error):
                continue
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.1)


def lock_is_free(index: Path) -> bool:
    with (index / ".lock").open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(handle, fcntl.LOCK_UN)
        return True


def staging_folders(index: Path) -> list[Path]:
    return [p for p in (index / "builds").iterdir() if p.name.startswith(".tmp-")]


def interrupt(child: subprocess.Popen, signum: int) -> int:
    if signum == signal.SIGINT:
        os.killpg(child.pid, signum)  # as the terminal delivers Ctrl-C
    else:
        os.kill(child.pid, signum)
    return child.wait(timeout=60)  # promptly: a hang fails here


def check_after_kill(index: Path, child: subprocess.Popen) -> None:
    left = survivors(child.pid)
    assert not left, f"processes of the killed ingest remain: {[p.cmdline() for p in left]}"
    assert lock_is_free(index), "the index lock is still held"
    read_index(index)  # verifies every file's checksum
    result = Answerer.load(index, encoder=FakeEncoder()).ask("What did Canada commit to under the Declaration?")
    assert result.passages or result.related


def test_random_kills_leave_no_process_no_lock_and_a_serving_index(tmp_path):
    extra = tmp_path / "changes"
    extra.mkdir()
    sources = [CORPUS, PRIMARY, PDF_SAMPLES, extra]
    index = tmp_path / "index"
    assert start_ingest(sources, index).wait(timeout=900) == 0
    # every round is a re-ingest (one new file): its duration is the window the kills fall in
    (extra / "warm-up.txt").write_text("A first change to the corpus about labor pathways.")
    started = time.monotonic()
    assert start_ingest(sources, index).wait(timeout=600) == 0
    full_run = time.monotonic() - started
    rng = random.Random(11)
    plan = [signum for signum, count in KILLS.items() for _ in range(count)]
    rng.shuffle(plan)
    outcomes = []
    for round_, signum in enumerate(plan):
        # every round changes the corpus, so an ingest that completes makes a new build
        (extra / f"round-{round_}.txt").write_text(" ".join(f"Round {round_} sentence {i} on pathways for migrants." for i in range(200)))
        child = start_ingest(sources, index)
        time.sleep(rng.uniform(0.2, full_run))
        code = interrupt(child, signum)
        assert code in (EXIT_CODES[signum], 0), f"{signal.Signals(signum).name}: exit code {code}"
        outcomes.append((signal.Signals(signum).name, code))
        check_after_kill(index, child)
        if signum != signal.SIGKILL:
            assert not staging_folders(index), "an interrupted ingest left its staging folder"
    last = start_ingest(sources, index)
    assert last.wait(timeout=600) == 0
    assert not staging_folders(index)
    print(f"full ingest {full_run:.1f} s; {len(plan)} kills: {outcomes}")


def test_the_readme_way_serves_after_the_kills(tmp_path):
    """A killed ingest on the README's index folder, then `citeqa ingest corpus` and
    `citeqa serve`: the server comes up and answers."""
    index = tmp_path / "index"
    child = start_ingest([CORPUS, PRIMARY, PDF_SAMPLES], index)
    time.sleep(3.0)
    interrupt(child, signal.SIGKILL)
    assert not survivors(child.pid)
    citeqa = str(Path(sys.executable).with_name("citeqa"))
    subprocess.run([citeqa, "ingest", "corpus", "--index", str(index)], cwd=ROOT, check=True, timeout=600, capture_output=True)
    port = free_port()
    server = subprocess.Popen([citeqa, "serve", "--index", str(index), "--port", str(port)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert wait_ready(port), "the server did not become ready"
        reply = httpx.get(f"http://127.0.0.1:{port}/api/ask", params={"q": "How many Haitians arrived in Del Rio?"}, timeout=60)
        assert reply.status_code == 200 and reply.json()["passages"]
    finally:
        server.terminate()
        server.wait(timeout=30)


def wait_ready(port: int) -> bool:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=5).status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    return False
