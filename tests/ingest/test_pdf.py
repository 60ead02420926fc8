import json

import pytest

from citeqa.errors import SourceSkipped
from ingest.build import IngestReport, load_documents
from ingest.pdf import extract_pdf_pages, looks_like_garbage
from tests.conftest import PDF_SAMPLES, requires_shared

pytestmark = requires_shared


def manifest():
    return json.loads((PDF_SAMPLES / "manifest.json").read_text())["files"]


@pytest.fixture(scope="module")
def pdf_ingest():
    report = IngestReport()
    documents = load_documents([PDF_SAMPLES], {}, 60.0, report, False)
    return {d.metadata.path.split("/")[-1]: d for d in documents}, {s["path"].split("/")[-1]: s["reason"] for s in report.skipped}


@pytest.mark.parametrize("entry", manifest(), ids=lambda e: e["file"])
def test_each_sample_is_handled_as_the_manifest_expects(entry, pdf_ingest):
    ingested, skipped = pdf_ingest
    name = entry["file"]
    if entry["expected"] == "text":
        assert name in ingested, skipped.get(name)
        assert ingested[name].text.strip()
    else:
        assert name in skipped and name not in ingested
        assert skipped[name]  # a one-line reason


def test_passwords_open_encrypted_files():
    report = IngestReport()
    passwords = {"libreoffice-writer-password.pdf": "openpassword", "r6-both-passwords.pdf": "foo"}
    documents = load_documents([PDF_SAMPLES / "libreoffice-writer-password.pdf", PDF_SAMPLES / "r6-both-passwords.pdf"], passwords, 30.0, report, False)
    assert {d.doc_id for d in documents} == {"libreoffice-writer-password", "r6-both-passwords"}


def test_wrong_password_is_a_reason():
    report = IngestReport()
    load_documents([PDF_SAMPLES / "r6-both-passwords.pdf"], {"r6-both-passwords.pdf": "nope"}, 30.0, report, False)
    assert report.skipped[0]["reason"] == "wrong password"


def test_pages_ligatures_and_hyphenation(pdf_ingest):
    ingested, _ = pdf_ingest
    doc = ingested["multicolumn.pdf"]
    assert len(doc.page_starts) == 3 and doc.page_at(0) == 1 and doc.page_at(len(doc.text) - 1) == 3
    assert "\ufb01" not in doc.text
    geo = ingested["GeoTopo-komprimiert.pdf"]
    assert len(geo.page_starts) == 117


def test_per_file_time_limit():
    with pytest.raises(SourceSkipped, match="longer than"):
        extract_pdf_pages(PDF_SAMPLES / "GeoTopo-komprimiert.pdf", timeout=0.2)


def test_garbage_detector():
    assert looks_like_garbage('"7+%-')
    assert not looks_like_garbage("test example")
    assert not looks_like_garbage("حَبيبي habibi حَبيبي")
    assert not looks_like_garbage("Привет, мир 你好世界 こんにちは世界")
