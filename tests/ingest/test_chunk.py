from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.chunk import MAX_WORDS, chunk_document, is_heading
from ingest.clean import clean_text
from ingest.dedup import collapse_duplicates
from ingest.records import Document, Metadata
from ingest.sentences import sentence_spans
from tests.conftest import CORPUS


def document(text: str, doc_id: str = "d") -> Document:
    return Document(doc_id, text, Metadata(), "hash")


word = st.sampled_from("migration pact region border Panama Colombia the of and refugees pathways 2022 $25 U.S. Dr. million".split())
sentence = st.lists(word, min_size=1, max_size=40).map(lambda ws: " ".join(ws).capitalize() + ".")
paragraph = st.lists(sentence, min_size=1, max_size=25).map(" ".join)
heading = st.sampled_from(["Background", "Pillar II: Legal Pathways", "Why now?", "The Way Forward"])
doc_text = st.lists(st.one_of(paragraph, heading), min_size=1, max_size=12).map("\n\n".join)


@settings(max_examples=150, deadline=None)
@given(doc_text)
def test_offsets_reproduce_passage_text_and_cover_the_document(text):
    doc = document(text)
    passages = chunk_document(doc)
    covered = set()
    for p in passages:
        assert doc.text[p.start : p.end] == p.text
        covered.update(range(p.start, p.end))
    # every non-space character belongs to some passage
    assert all(i in covered for i, c in enumerate(text) if not c.isspace())


@settings(max_examples=150, deadline=None)
@given(doc_text)
def test_passages_never_split_a_sentence(text):
    doc = document(text)
    starts = {s for s, _ in sentence_spans(text)}
    ends = {e for _, e in sentence_spans(text)}
    for p in chunk_document(doc):
        assert p.start in starts and p.end in ends


def test_passage_ids_are_stable_across_reingest():
    text = clean_text((CORPUS / "002_76273a1899057d0f.txt").read_text())
    first = [p.passage_id for p in chunk_document(document(text))]
    again = [p.passage_id for p in chunk_document(document(text))]
    assert first == again and len(set(first)) == len(first)


def test_real_passages_stay_within_the_target_and_record_sections():
    passages = []
    for path in sorted(CORPUS.glob("*.txt")):
        passages += chunk_document(document(clean_text(path.read_text()), path.stem))
    lengths = [len(p.text.split()) for p in passages]
    assert max(lengths) <= MAX_WORDS + 30
    assert sorted(lengths)[len(lengths) // 2] >= 60
    sections = {p.section for p in passages if p.doc_id.startswith("002")}
    assert {"Why now?", "What’s in it?", "Building legal pathways"} <= sections


def test_heading_detection():
    assert is_heading("Pillar II: Legal Pathways and Protection")
    assert is_heading("Why now?")
    assert not is_heading("The declaration was met with praise.")
    assert not is_heading("- Belize will implement a program")


def test_seed_004_adds_almost_no_new_passages():
    passages = []
    for path in sorted(CORPUS.glob("*.txt")):
        passages += chunk_document(document(clean_text(path.read_text()), path.stem))
    from_004 = [p for p in passages if p.doc_id.startswith("004")]
    kept, collapsed = collapse_duplicates(passages)
    kept_004 = [p for p in kept if p.doc_id.startswith("004")]
    assert len(from_004) >= 15
    assert len(kept_004) <= 1
    assert collapsed >= len(from_004) - 1
    assert sum("004_f06a5bf063bcdee2" in p.also_in for p in kept) >= 15


def test_passages_fit_the_model_window():
    """all-MiniLM-L6-v2 reads 256 word pieces; a passage past that is embedded only in part."""
    from tokenizers import Tokenizer

    from ingest.build import embedding_text
    from ingest.embed import model_dir_for

    tokenizer = Tokenizer.from_file(str(model_dir_for("all-MiniLM-L6-v2") / "tokenizer.json"))
    tokenizer.no_truncation()
    passages = []
    for path in sorted(CORPUS.glob("*.txt")):
        passages += chunk_document(document(clean_text(path.read_text()), path.stem))
    pieces = [len(tokenizer.encode(embedding_text(p)).ids) for p in passages]
    assert sum(n > 256 for n in pieces) <= 0.01 * len(pieces)
    assert max(pieces) <= 256 * 1.1
