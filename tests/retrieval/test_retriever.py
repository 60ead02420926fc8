import numpy as np
import pytest

from citeqa.errors import BadQuestion, ModelMismatch, UnknownId
from ingest.dedup import shingles
from retrieval import Filters, Retriever


def test_faiss_agrees_with_numpy_brute_force(fake_retriever):
    rng = np.random.default_rng(0)
    for _ in range(5):
        query = rng.normal(size=fake_retriever.encoder.dim).astype(np.float32)
        query /= np.linalg.norm(query)
        got = fake_retriever.first.dense(query, 10, None)
        brute = fake_retriever.data.embeddings @ query
        expected = np.argsort(-brute, kind="stable")[:10]
        assert list(got) == [int(i) for i in expected]
        assert np.allclose([got[int(i)] for i in expected], brute[expected], atol=1e-5)


def test_every_returned_text_is_verbatim(fake_qa):
    result = fake_qa.ask("How many Haitians arrived in Del Rio?", k=5)
    for hit in result.passages + result.related:
        p = hit.passage
        assert fake_qa.document(p.doc_id).text[p.start : p.end] == p.text
        for mark in hit.highlights:
            assert p.start <= mark.start < mark.end <= p.end
    if result.answer:
        text = fake_qa.document(result.answer.doc_id).text
        assert text[result.answer.start : result.answer.end] == result.answer.text
        assert text[result.answer.sentence_start : result.answer.sentence_end] == result.answer.sentence


def test_results_hold_no_near_duplicates_and_list_every_source(fake_qa):
    result = fake_qa.ask("Darien Gap sanctions on maritime boat operators in Colombia", k=10)
    hits = result.passages or result.related
    for i, a in enumerate(hits):
        for b in hits[i + 1 :]:
            own = shingles(b.passage.text)
            assert len(own & shingles(a.passage.text)) < 0.8 * len(own)
    assert any("004_f06a5bf063bcdee2" in h.passage.also_in for h in hits)


@pytest.mark.parametrize(
    "filters, allowed",
    [
        (Filters(doc_ids=("003_b93ff1855f76d041",)), {"003_b93ff1855f76d041"}),
        (Filters(publishers=("Bipartisan Policy Center",)), {"002_76273a1899057d0f"}),
        (Filters(date_from="2024-09-01"), {"001_03a5958c15c3af4f", "004_f06a5bf063bcdee2", "000_73d23fa78cf81193"}),
        (Filters(date_to="2022-12-31"), {"002_76273a1899057d0f"}),
        (Filters(kinds=("analysis",), date_from="2024-05-01", date_to="2024-05-31"), {"003_b93ff1855f76d041"}),
    ],
)
def test_filters(fake_retriever, filters, allowed):
    hits = fake_retriever.search("migration pact cooperation", k=20, filters=filters)
    assert hits
    for hit in hits:
        assert hit.passage.doc_id in allowed or set(hit.passage.also_in) & allowed


def test_filter_that_matches_nothing_returns_nothing(fake_retriever):
    assert fake_retriever.search("migration", k=5, filters=Filters(kinds=("primary",), publishers=("Nobody",))) == []


@pytest.mark.parametrize("question", ["", "   ", "\x00\x01", "x" * 1001])
def test_bad_questions_are_refused(fake_qa, question):
    with pytest.raises(BadQuestion):
        fake_qa.ask(question)


@pytest.mark.parametrize("k", [0, 51, -1, True])
def test_bad_k_is_refused(fake_qa, k):
    with pytest.raises(BadQuestion):
        fake_qa.ask("migration", k=k)


def test_unknown_ids(fake_retriever):
    with pytest.raises(UnknownId):
        fake_retriever.document("../../etc/passwd")
    with pytest.raises(UnknownId):
        fake_retriever.passage("nope")


def test_index_built_with_another_model_is_refused(fake_index):
    with pytest.raises(ModelMismatch, match="built with model 'fake-hashing'"):
        Retriever.load(fake_index, model="all-MiniLM-L6-v2")


def test_top_k_is_the_full_sort_head():
    import numpy as np

    from retrieval.first_stage import top_k

    rng = np.random.default_rng(3)
    for size, k in [(1000, 50), (10, 50), (500, 500), (64, 1)]:
        scores = rng.integers(0, 20, size).astype(float)  # many ties
        expected = np.argsort(-scores, kind="stable")[:k]
        assert [scores[i] for i in top_k(scores, k)] == [scores[i] for i in expected]
        assert list(top_k(scores, k)) == sorted(top_k(scores, k), key=lambda i: (-scores[i], i))
