import os
from pathlib import Path

import pytest

from citeqa.errors import SourceSkipped
from ingest.loaders import decode_bytes, html_to_text, load_document
from ingest.sources import discover, parse_header
from tests.conftest import CORPUS, PRIMARY, requires_shared


def test_bundled_manifest_gives_metadata_and_leaves_unknowns_empty():
    sources, _ = discover([CORPUS])
    by_id = {s.doc_id: s for s in sources}
    assert set(by_id) == {p.stem for p in CORPUS.glob("*.txt")}
    carnegie = by_id["001_03a5958c15c3af4f"].metadata
    assert (carnegie.publisher, carnegie.author, carnegie.date) == ("Carnegie Endowment for International Peace", "Katie Tobin", "2024-09-16")
    fp = by_id["000_73d23fa78cf81193"].metadata
    assert fp.publisher == "Foreign Policy" and fp.author == "" and fp.url == "" and fp.title == ""


@requires_shared
def test_primary_header_block_is_metadata_not_text():
    sources, _ = discover([CORPUS, PRIMARY])
    source = next(s for s in sources if s.doc_id == "la-declaration-2022-06-10")
    document = load_document(source)
    assert document.metadata.title == "Los Angeles Declaration on Migration and Protection"
    assert document.metadata.date == "2022-06-10"
    assert document.metadata.url.startswith("https://www.whitehouse.gov/")
    assert document.metadata.kind == "primary"
    assert "TITLE:" not in document.text and "=====" not in document.text
    assert document.text.startswith("We, the Heads of State and Government")


def test_parse_header_without_header_returns_text():
    assert parse_header("Just text.\nMore text.") == ({}, "Just text.\nMore text.")
    fields, body = parse_header("TITLE: A\nDATE: 2024-05-07; x\n=============\n\nBody.")
    assert fields == {"title": "A", "date": "2024-05-07; x"} and body.strip() == "Body."


def test_bad_text_files_are_skipped_with_reasons(tmp_path: Path):
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "junk.txt").write_bytes(bytes(range(256)) * 8)
    (tmp_path / "latin1.txt").write_bytes("Migración en las Américas: señal de unidad y progreso.".encode("latin-1"))
    (tmp_path / "good.md").write_text("# Heading\n\nSome **real** text about [the pact](http://x).\n")
    (tmp_path / "copy.md").write_text("# Heading\n\nSome **real** text about [the pact](http://x).\n")
    (tmp_path / "notes.docx").write_bytes(b"PK")
    loop = tmp_path / "loop"
    loop.mkdir()
    os.symlink(tmp_path, loop / "back")
    from ingest.build import load_documents, IngestReport

    report = IngestReport()
    documents = load_documents([tmp_path], {}, 10.0, report, False)
    reasons = {Path(s["path"]).name: s["reason"] for s in report.skipped}
    assert reasons["empty.txt"] == "empty file"
    assert reasons["junk.txt"] == "binary file, not text"
    assert "unsupported" in reasons["notes.docx"]
    assert "duplicate of" in reasons["good.md"] or "duplicate of" in reasons["copy.md"]
    assert any("symlink loop" in r for r in reasons.values())
    texts = {d.doc_id: d.text for d in documents}
    assert "Migración en las Américas" in texts["latin1"]
    assert "Some real text about the pact." in next(t for k, t in texts.items() if k in {"good", "copy"})


def test_decode_refuses_undecodable_bytes():
    with pytest.raises(SourceSkipped):
        decode_bytes(b"\x00\x01\x02binary")


def test_html_loader_drops_navigation_and_scripts_and_keeps_headings():
    html = """<html><head><title>Pact page</title><style>p{}</style></head><body>
    <nav><a href='/'>Home</a> Menu</nav><script>alert('x')</script>
    <main><h1>The Pact</h1><p>Twenty countries signed.</p><ul><li>First item</li></ul></main>
    <footer>Copyright</footer></body></html>"""
    title, text = html_to_text(html)
    assert title == "Pact page"
    assert text == "The Pact\n\nTwenty countries signed.\n\n- First item"
