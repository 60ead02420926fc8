import json
import os
import signal
import subprocess
import sys
import time

import pytest
from typer.testing import CliRunner

from citeqa.errors import CorpusError, IndexCorrupt, IndexNotFound
from ingest.build import ingest
from ingest.store import read_index
from tests.conftest import ROOT, small_corpus
from tests.fakes import FakeEncoder


def build(sources, index_dir, encoder=None):
    encoder = encoder or FakeEncoder()
    return ingest(sources, index_dir, model="fake", encoder_factory=lambda: encoder), encoder


def test_index_round_trip_and_manifest(tmp_path):
    report, _ = build([small_corpus(tmp_path / "src")], tmp_path / "index")
    data = read_index(tmp_path / "index")
    manifest = data.manifest
    assert manifest["model"] == "fake" and manifest["dimension"] == 128 and manifest["format_version"] == 1
    assert manifest["passages"] == report.passages == len(data.passages) == data.faiss_index.ntotal
    assert len(manifest["corpus_hash"]) == 64 and manifest["built_at"]
    for p in data.passages:
        assert data.documents[p.doc_id].text[p.start : p.end] == p.text


def test_reingest_is_incremental_and_removed_files_drop_out(tmp_path):
    src = small_corpus(tmp_path / "src")
    first, _ = build([src], tmp_path / "index")
    again, encoder = build([src], tmp_path / "index")
    assert again.embedded == 0 and again.reused_embeddings == first.passages and encoder.calls == 0
    (src / "003_b93ff1855f76d041.txt").unlink()
    (src / "new.md").write_text("# New\n\nA brand new paragraph about the Darien Gap and the pact.\n")
    third, _ = build([src], tmp_path / "index")
    data = read_index(tmp_path / "index")
    assert set(data.documents) == {"002_76273a1899057d0f", "new"}
    assert third.embedded == 1


def test_missing_index_and_empty_sources_are_clear_errors(tmp_path):
    with pytest.raises(IndexNotFound, match="citeqa ingest"):
        read_index(tmp_path / "nothing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(CorpusError, match="nothing usable"):
        build([tmp_path / "empty"], tmp_path / "index")


@pytest.mark.parametrize("victim", ["passages.jsonl", "embeddings.npy", "dense.faiss", "documents.jsonl", "bm25/vocab.index.json"])
def test_corrupt_index_file_is_named(tmp_path, victim):
    build([small_corpus(tmp_path / "src")], tmp_path / "index")
    path = (tmp_path / "index" / "current").resolve() / victim
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(IndexCorrupt, match=victim.split("/")[-1]):
        read_index(tmp_path / "index")


SLOW_INGEST = """
import sys, time
sys.path.insert(0, {root!r})
from pathlib import Path
from tests.fakes import FakeEncoder
from ingest.build import ingest

class Slow(FakeEncoder):
    def encode(self, texts, **kw):
        print("encoding", flush=True)
        time.sleep(5)
        return super().encode(texts, **kw)

ingest([Path({src!r})], Path({index!r}), model="fake", encoder_factory=Slow)
"""


def test_killed_ingest_leaves_previous_index_serving(tmp_path):
    src = small_corpus(tmp_path / "src")
    index = tmp_path / "index"
    first, _ = build([src], index)
    (src / "extra.txt").write_text(" ".join(f"Sentence number {i} about migration pathways." for i in range(400)))
    (src / "002_76273a1899057d0f.txt").write_text(" ".join(f"Changed sentence {i} must be embedded again." for i in range(300)))
    script = SLOW_INGEST.format(root=str(ROOT), src=str(src), index=str(index))
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "encoding"
    time.sleep(0.2)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    data = read_index(index)
    assert len(data.passages) == first.passages
    assert "extra" not in data.documents


def test_cli_ingest_json_report(tmp_path, monkeypatch):
    import ingest.embed
    from citeqa.cli import app

    monkeypatch.setattr(ingest.embed, "load_encoder", lambda name: FakeEncoder())
    src = small_corpus(tmp_path / "src")
    (src / "broken.pdf").write_bytes(b"%PDF-1.4\n%%EOF")
    result = CliRunner().invoke(app, ["ingest", str(src), "--index", str(tmp_path / "index"), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert set(report) >= {"documents", "passages", "ingested", "skipped", "seconds"}
    assert report["documents"] == 2
    assert {"path", "doc_id", "passages", "pages"} <= set(report["ingested"][0])
    assert report["skipped"][0]["path"].endswith("broken.pdf") and report["skipped"][0]["reason"]
    strict = CliRunner().invoke(app, ["ingest", str(src), "--index", str(tmp_path / "index"), "--strict"])
    assert strict.exit_code == 1


def test_cli_ingest_nothing_usable_exits_non_zero(tmp_path):
    from citeqa.cli import app

    (tmp_path / "bad.txt").write_text("")
    result = CliRunner().invoke(app, ["ingest", str(tmp_path), "--index", str(tmp_path / "index")])
    assert result.exit_code == 1 and "nothing usable" in result.output


def corrupt_embeddings(index_dir):
    path = read_index(index_dir).path / "embeddings.npy"
    path.write_bytes(path.read_bytes()[:-100])
    return path


def test_a_corrupt_index_is_rebuilt_from_its_recorded_sources(tmp_path):
    from ingest.build import rebuild

    report, _ = build([small_corpus(tmp_path / "src")], tmp_path / "index")
    assert read_index(tmp_path / "index").manifest["sources"] == [str((tmp_path / "src").resolve())]
    corrupt_embeddings(tmp_path / "index")
    with pytest.raises(IndexCorrupt):
        read_index(tmp_path / "index")
    rebuilt = rebuild(tmp_path / "index", encoder_factory=lambda model: FakeEncoder())
    assert rebuilt.embedded == report.passages  # nothing of the corrupt build is reused
    data = read_index(tmp_path / "index")
    assert data.manifest["model"] == "fake" and len(data.passages) == report.passages


def test_serve_refuses_a_corrupt_index_unless_asked_to_rebuild_it(tmp_path, monkeypatch, capsys):
    import typer

    import ingest.embed
    from citeqa.cli import check_index

    build([small_corpus(tmp_path / "src")], tmp_path / "index")
    bad = corrupt_embeddings(tmp_path / "index")
    with pytest.raises(typer.Exit) as refused:
        check_index(tmp_path / "index", rebuild=False)
    assert refused.value.exit_code == 1
    assert "embeddings.npy" in capsys.readouterr().err
    monkeypatch.setattr(ingest.embed, "load_encoder", lambda model: FakeEncoder())
    check_index(tmp_path / "index", rebuild=True)
    assert read_index(tmp_path / "index").path != bad.parent


def test_rebuild_needs_recorded_sources_that_still_exist(tmp_path):
    import shutil

    from ingest.build import rebuild

    build([small_corpus(tmp_path / "src")], tmp_path / "index")
    corrupt_embeddings(tmp_path / "index")
    shutil.rmtree(tmp_path / "src")
    with pytest.raises(CorpusError, match="sources are gone"):
        rebuild(tmp_path / "index", encoder_factory=lambda model: FakeEncoder())
    with pytest.raises(IndexNotFound):
        rebuild(tmp_path / "empty", encoder_factory=lambda model: FakeEncoder())


def test_sentences_are_parsed_at_ingest_checksummed_and_reused(tmp_path):
    from ingest.parse import SentenceParse

    src = small_corpus(tmp_path / "src")
    first, _ = build([src], tmp_path / "index")
    data = read_index(tmp_path / "index")
    assert first.parsed + first.reused_parses == len(data.parse_records) > 0
    assert "parses.jsonl" in data.manifest["files"] and data.manifest["parser"].startswith("en_core_web_sm")
    record = next(r for r in data.parse_records if r["n"])
    parse = SentenceParse.from_record(record)
    sentence = data.documents[record["doc_id"]].text[record["start"] : record["end"]]
    for start, end, label in parse.entities:  # offsets are relative to the sentence
        assert sentence[start:end].strip() and label.isupper()
    for token in parse.tokens:
        assert 0 <= token.head < len(parse.tokens) and sentence[token.start : token.end]
    again, _ = build([src], tmp_path / "index")
    assert again.parsed == 0 and again.reused_parses == len(data.parse_records)


def test_a_sentence_repeated_elsewhere_keeps_its_own_place_when_its_parse_is_reused(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    text = "# Title\n\nFirst paragraph about pathways.\n\n2.\n\nSecond paragraph about labor.\n\n2.\n\nThird paragraph."
    (src / "a.md").write_text(text)
    for _ in range(2):  # the second build reuses the first one's parses
        build([src], tmp_path / "index")
        data = read_index(tmp_path / "index")
        places = [(r["doc_id"], r["start"], r["end"]) for r in data.parse_records]
        assert len(places) == len(set(places))
        for r in data.parse_records:
            assert data.documents[r["doc_id"]].text[r["start"] : r["end"]].strip()


def test_auto_index_kind_follows_the_threshold(monkeypatch):
    import numpy as np

    from ingest import store

    monkeypatch.setattr(store, "HNSW_THRESHOLD", 40)
    vectors = np.random.default_rng(0).standard_normal((40, 8)).astype(np.float32)
    assert store.build_faiss_index(vectors[:39], "auto")[1] == "flat"
    assert store.build_faiss_index(vectors, "auto")[1] == "hnsw"


def test_hnsw_index_keeps_its_search_breadth_on_disk(tmp_path):
    import faiss
    import numpy as np

    from ingest.store import HNSW_EF_SEARCH, build_faiss_index

    index, kind = build_faiss_index(np.random.default_rng(0).standard_normal((50, 8)).astype(np.float32), "hnsw")
    faiss.write_index(index, str(tmp_path / "dense.faiss"))
    assert kind == "hnsw" and faiss.read_index(str(tmp_path / "dense.faiss")).hnsw.efSearch == HNSW_EF_SEARCH == 128
