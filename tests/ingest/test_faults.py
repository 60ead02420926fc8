"""SIGKILL an ingest at random points: the previous index must still load and answer."""

import os
import random
import signal
import subprocess
import sys
import time

from ingest.build import ingest
from ingest.store import read_index
from answers import Answerer
from tests.conftest import CORPUS, ROOT
from tests.fakes import FakeEncoder

SLOW_INGEST = """
import sys, time
sys.path.insert(0, {root!r})
from pathlib import Path
from tests.fakes import FakeEncoder
from ingest.build import ingest

class Slow(FakeEncoder):
    def encode(self, texts, **kw):
        time.sleep(0.05)
        return super().encode(texts, **kw)

print("started", flush=True)
ingest([Path({src!r})], Path({index!r}), model="fake-hashing", encoder_factory=Slow)
print("finished", flush=True)
"""


def indexed_corpus(tmp_path):
    """A one-document source folder and its index."""
    source = tmp_path / "src"
    source.mkdir()
    (source / "002.txt").write_text((CORPUS / "002_76273a1899057d0f.txt").read_text())
    index = tmp_path / "index"
    ingest([source], index, model="fake-hashing", encoder_factory=FakeEncoder)
    return source, index


def test_random_sigkills_never_break_the_served_index(tmp_path):
    source, index = indexed_corpus(tmp_path)
    rng = random.Random(7)
    finished = 0
    for round_ in range(8):
        # every round changes the corpus, so a completed ingest is a different index
        (source / f"round-{round_}.txt").write_text(" ".join(f"Round {round_} sentence {i} on migration pathways." for i in range(300)))
        before = read_index(index).manifest["corpus_hash"]
        script = SLOW_INGEST.format(root=str(ROOT), src=str(source), index=str(index))
        child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
        assert child.stdout.readline().strip() == "started"
        time.sleep(rng.uniform(0.0, 4.0))
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        data = read_index(index)  # verifies every file's checksum
        finished += data.manifest["corpus_hash"] != before
        result = Answerer.load(index, encoder=FakeEncoder()).ask("What are the pillars of the declaration?")
        assert result.passages or result.related
    leftovers = [p for p in (index / "builds").iterdir() if p.name.startswith(".tmp-")]
    ingest([source], index, model="fake-hashing", encoder_factory=FakeEncoder)  # the next ingest cleans up
    assert not [p for p in (index / "builds").iterdir() if p.name.startswith(".tmp-")]
    print(f"{finished} of 8 killed ingests had already switched the index; {len(leftovers)} staging folders left behind")


HALF_WRITTEN = """
import sys, time
sys.path.insert(0, {root!r})
from pathlib import Path
from tests.fakes import FakeEncoder
from ingest import store
from ingest.build import ingest

original = store.write_jsonl
def write_then_hang(path, records):
    original(path, records)
    if path.name == "passages.jsonl":
        print("half-written", flush=True)
        time.sleep(60)
store.write_jsonl = write_then_hang
ingest([Path({src!r})], Path({index!r}), model="fake-hashing", encoder_factory=FakeEncoder)
"""


def test_kill_in_the_middle_of_writing_leaves_the_old_index_and_a_cleanable_staging_folder(tmp_path):
    source, index = indexed_corpus(tmp_path)
    before = read_index(index)
    (source / "new.txt").write_text("A new document about the Darien Gap and the pact. " * 20)
    child = subprocess.Popen([sys.executable, "-c", HALF_WRITTEN.format(root=str(ROOT), src=str(source), index=str(index))], stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "half-written"
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert [p for p in (index / "builds").iterdir() if p.name.startswith(".tmp-")], "the staging folder should exist"
    after = read_index(index)
    assert after.manifest == before.manifest and "new" not in after.documents
    ingest([source], index, model="fake-hashing", encoder_factory=FakeEncoder)
    assert "new" in read_index(index).documents
    assert not [p for p in (index / "builds").iterdir() if p.name.startswith(".tmp-")]
