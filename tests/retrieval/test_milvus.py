"""The Milvus backend against milvus-lite, checked against the folder index (FAISS +
bm25s) as the oracle: same passages, same scores up to BM25's constant, same filters."""

import numpy as np
import pytest

from citeqa.errors import BackendNotInstalled, IndexCorrupt, IndexNotFound
from ingest.build import ingest
from ingest.index_store import copy_index, open_store
from retrieval import Filters, Retriever
from retrieval.filters import filter_mask
from retrieval.fusion import reciprocal_rank_fusion
from retrieval.milvus_filter import NOTHING, duplicate_holders, filter_expression
from retrieval.query import make_query
from retrieval.retriever import RetrievalConfig
from tests.conftest import requires_milvus, small_corpus
from tests.fakes import FakeEncoder

QUESTIONS = [
    "How many Haitians arrived in Del Rio?", "Darien Gap sanctions on maritime boat operators in Colombia",
    "migration pact cooperation", "What did Canada pledge?", "temporary protected status Venezuela",
    "When was the implementation meeting?", "Bipartisan Policy Center report on the border", "humanitarian parole CHNV",
    "labor pathways H-2 visas", "Who is the author of the Carnegie paper?", "refugee resettlement numbers in the Americas",
    "safe mobility offices", "the the the", "xylophone zebra",
]
FILTERS = [
    Filters(doc_ids=("003_b93ff1855f76d041",)),
    Filters(doc_ids=("004_f06a5bf063bcdee2",)),  # a document that holds collapsed duplicates
    Filters(publishers=("Bipartisan Policy Center",)),
    Filters(publishers=("policy",)),
    Filters(publishers=('a "quoted" \\ name',)),
    Filters(kinds=("ANALYSIS",)),
    Filters(date_from="2024-09-01"),
    Filters(date_to="2022-12-31"),
    Filters(date_from="2024-05", date_to="2024-05-31"),
    Filters(kinds=("analysis",), date_from="2024-05-01", date_to="2024-05-31"),
    Filters(doc_ids=("nothing",)),
    Filters(kinds=("primary",), publishers=("Nobody",)),
]


def test_locations_pick_their_backend(tmp_path):
    from ingest.folder_store import FolderStore
    from ingest.milvus_store import MilvusStore

    assert isinstance(open_store(tmp_path / "index"), FolderStore)
    lite = open_store(tmp_path / "x.db")
    assert isinstance(lite, MilvusStore) and lite.embedded and lite.uri == str(tmp_path / "x.db")
    for uri in ("milvus://user:secret@db.example:19531/corpus_a", "milvus:/user:secret@db.example:19531/corpus_a"):  # as a Path prints it
        server = open_store(uri)
        assert (server.uri, server.name, server.token) == ("http://db.example:19531", "corpus_a", "user:secret")
        assert "secret" not in server.label
    assert open_store("milvus://localhost").uri == "http://localhost:19530" and open_store("milvus://localhost").name == "citeqa"
    with pytest.raises(IndexNotFound, match="letters, digits"):
        open_store("milvus://localhost/bad-name")


def test_missing_client_names_the_install(tmp_path, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "pymilvus", None)
    with pytest.raises(BackendNotInstalled, match=r"\[milvus\]"):
        open_store(tmp_path / "x.db").read()


@pytest.fixture(scope="module")
def milvus_index(fake_index, tmp_path_factory):
    """The fake folder index copied into milvus-lite: the same vectors, passages and parses."""
    target = tmp_path_factory.mktemp("milvus") / "fake.db"
    copy_index(fake_index, target)
    return target


@pytest.fixture(scope="module")
def milvus_retriever(milvus_index):
    return Retriever.load(milvus_index, encoder=FakeEncoder())


@requires_milvus
def test_everything_the_answer_layer_reads_comes_back(milvus_retriever, fake_retriever):
    assert milvus_retriever.passages == fake_retriever.passages
    assert milvus_retriever.documents == fake_retriever.documents
    assert milvus_retriever.parse_records == fake_retriever.parse_records
    assert milvus_retriever.manifest["engine"] == "milvus" and milvus_retriever.manifest["sources"] == fake_retriever.manifest["sources"]


@requires_milvus
def test_dense_agrees_with_faiss(milvus_retriever, fake_retriever):
    rng = np.random.default_rng(0)
    for _ in range(5):
        query = rng.normal(size=fake_retriever.encoder.dim).astype(np.float32)
        query /= np.linalg.norm(query)
        got, expected = milvus_retriever.first.dense(query, 10, None), fake_retriever.first.dense(query, 10, None)
        assert list(got) == list(expected)
        assert np.allclose(list(got.values()), list(expected.values()), atol=1e-5)


@requires_milvus
def test_lite_bm25_is_bm25s_scaled_and_negated(milvus_retriever, fake_retriever):
    """milvus-lite scores the same terms with the same statistics as bm25s, times (k1 + 1)
    (bm25s follows Lucene, which drops it), and returns them negated."""
    for question in QUESTIONS:
        terms = make_query(question).terms
        got, expected = milvus_retriever.first.lexical(terms, 50, None), fake_retriever.first.lexical(terms, 50, None)
        assert set(got) == set(expected)
        assert np.allclose([got[i] for i in expected], [2.2 * s for s in expected.values()], rtol=1e-4)
        if terms and expected:
            raw = milvus_retriever.first.client.search(
                milvus_retriever.first.collection, [" ".join(terms)], anns_field="sparse", limit=3, search_params={"metric_type": "BM25"}
            )
            assert all(h.distance < 0 for h in raw[0])


@requires_milvus
def test_hybrid_ranking_matches_the_folder_index(milvus_retriever, fake_retriever):
    for question in QUESTIONS:
        got = [h.passage.passage_id for h in milvus_retriever.search(question, k=10)]
        assert got == [h.passage.passage_id for h in fake_retriever.search(question, k=10)], question


@requires_milvus
def test_milvus_rrf_is_reciprocal_rank_fusion(milvus_index):
    retriever = Retriever.load(milvus_index, encoder=FakeEncoder(), config=RetrievalConfig(fusion="rrf"))
    first = retriever.first
    for question in QUESTIONS[:6]:
        q = make_query(question)
        vector = first.encoder.encode([q.text])[0]
        dense, lexical = first.dense(vector, 50, None), first.lexical(q.terms, 50, None)
        expected = reciprocal_rank_fusion([list(dense), list(lexical)], 60)
        got = first.hybrid_rrf(vector, q.terms, 50, None)
        assert set(got) == set(expected)
        assert np.allclose([got[i] for i in expected], list(expected.values()), rtol=1e-5)


@requires_milvus
@pytest.mark.parametrize("filters", FILTERS, ids=str)
def test_filter_expression_selects_what_filter_mask_selects(milvus_retriever, filters):
    first = milvus_retriever.first
    mask = filter_mask(milvus_retriever.passages, milvus_retriever.documents, filters)
    expr = filter_expression(filters, milvus_retriever.documents, duplicate_holders(milvus_retriever.passages))
    if expr == NOTHING:
        assert not mask.any()
        return
    rows = first.client.query(first.collection, filter=expr, output_fields=["row"], limit=len(mask))
    assert sorted(r["row"] for r in rows) == np.flatnonzero(mask).tolist()


@requires_milvus
@pytest.mark.parametrize("filters", FILTERS, ids=str)
def test_filtered_search_matches_the_folder_index(milvus_retriever, fake_retriever, filters):
    for question in ("migration pact cooperation", "Del Rio"):
        got = [h.passage.passage_id for h in milvus_retriever.search(question, k=10, filters=filters)]
        assert got == [h.passage.passage_id for h in fake_retriever.search(question, k=10, filters=filters)]


@requires_milvus
def test_answers_are_the_folder_index_answers(milvus_index, fake_qa):
    from answers import Answerer

    qa = Answerer.load(milvus_index, encoder=FakeEncoder())
    for question in QUESTIONS[:6]:
        got, expected = qa.ask(question, k=5), fake_qa.ask(question, k=5)
        assert got.answer == expected.answer and got.answerable == expected.answerable
        assert [h.passage.passage_id for h in got.passages + got.related] == [h.passage.passage_id for h in expected.passages + expected.related]


@requires_milvus
def test_ingest_writes_builds_atomically_and_reuses_vectors(tmp_path):
    src, index = small_corpus(tmp_path / "src"), tmp_path / "small.db"
    with pytest.raises(IndexNotFound, match="citeqa ingest"):
        open_store(index).read()
    encoder = FakeEncoder()
    first = ingest([src], index, model=encoder.name, encoder_factory=lambda: encoder, parse=False)
    calls = encoder.calls
    again = ingest([src], index, model=encoder.name, encoder_factory=lambda: encoder, parse=False)
    assert again.embedded == 0 and again.reused_embeddings == first.passages and encoder.calls == calls
    (src / "new.md").write_text("# New\n\nA brand new paragraph about the Darien Gap and the pact.\n")
    third = ingest([src], index, model=encoder.name, encoder_factory=lambda: encoder, parse=False)
    store = open_store(index)
    data = store.read()
    assert third.embedded == 1 and "new" in data.documents and len(data.passages) == third.passages
    for p in data.passages:
        assert data.documents[p.doc_id].text[p.start : p.end] == p.text
    builds = [c for c in store.client().list_collections() if not c.endswith("_files")]
    assert len(builds) == 2 and data.collection in builds  # the current build and the previous one
    assert store.recorded_build_settings()["sources"] == [str(src.resolve())]


@requires_milvus
def test_altered_file_is_named(tmp_path):
    index = tmp_path / "altered.db"
    encoder = FakeEncoder()
    ingest([small_corpus(tmp_path / "src")], index, model=encoder.name, encoder_factory=lambda: encoder, parse=False)
    store = open_store(index)
    client, build = store.client(), store.read().collection
    client.upsert(build + "_files", [{"key": "documents.jsonl#00000000", "name": "documents.jsonl", "part": 0, "data": "{}", "unused": [0.0, 0.0]}])
    with pytest.raises(IndexCorrupt, match="documents.jsonl"):
        store.read()


@requires_milvus
def test_a_child_forked_after_milvus_opened_still_runs(milvus_retriever):
    """Ingest forks a child per PDF (ingest/isolate.py); gRPC's fork support broke such children."""
    from ingest.isolate import run_isolated

    assert milvus_retriever.search("Del Rio", k=1)  # a channel and lite's server are live in this process
    for _ in range(5):
        assert run_isolated(lambda n: ["page"] * n, 10_000, timeout=20) == ["page"] * 10_000


@requires_milvus
def test_multilingual_sentence_vectors_round_trip_and_rank_as_in_the_folder(tmp_path):
    from answers import Answerer

    english, multilingual = FakeEncoder(), FakeEncoder()
    folder = tmp_path / "index"
    ingest([small_corpus(tmp_path / "corpus")], folder, model=english.name, encoder_factory=lambda: english,
           multilingual=("fake-multilingual", lambda: multilingual))
    target = tmp_path / "ml.db"
    copy_index(folder, target)
    here, there = open_store(folder).read(), open_store(target).read()
    assert there.manifest["multilingual"] == here.manifest["multilingual"]
    assert np.array_equal(there.multilingual.rows, here.multilingual.rows)
    assert np.allclose(there.multilingual.vectors, here.multilingual.vectors)
    question = "¿Qué dijeron Brasil y Colombia sobre la Declaración de Los Ángeles en 2022?"
    answers = [Answerer.load(at, encoder=FakeEncoder(), multilingual_encoder=FakeEncoder()) for at in (folder, target)]
    (q1, r1, c1), (q2, r2, c2) = (qa.read(question) for qa in answers)
    assert r1.translingual and r2.translingual
    assert [(r.index, round(r.score, 5)) for r in r1.ranked[:10]] == [(r.index, round(r.score, 5)) for r in r2.ranked[:10]]
    assert (c1.sentence.start, c1.sentence.end) == (c2.sentence.start, c2.sentence.end)
    filtered = Filters(doc_ids=("003_b93ff1855f76d041",))
    ranked = [qa.retriever.rank(q1.query, k=5, filters=filtered).ranked for qa in answers]
    assert [r.index for r in ranked[0][:5]] == [r.index for r in ranked[1][:5]]
    assert all(answers[0].passages[r.index].doc_id == "003_b93ff1855f76d041" for r in ranked[0][:5])
