"""Sentence vectors for questions in other languages: written with the build, checked when read,
reused on re-ingest, and searched sentence by sentence."""

from __future__ import annotations

import numpy as np
import pytest

from citeqa.errors import IndexCorrupt
from ingest.build import ingest
from ingest.sentences import sentence_spans
from ingest.store import current_build, read_index
from tests.conftest import small_corpus
from tests.fakes import FakeEncoder


class CountingEncoder(FakeEncoder):
    name = "fake-multilingual"


def build(corpus, index_dir, multilingual):
    english = FakeEncoder()
    return ingest([corpus], index_dir, model=english.name, encoder_factory=lambda: english,
                  multilingual=(multilingual.name, lambda: multilingual))


@pytest.fixture
def built(tmp_path):
    corpus = small_corpus(tmp_path / "corpus")
    multilingual = CountingEncoder()
    report = build(corpus, tmp_path / "index", multilingual)
    return corpus, tmp_path / "index", multilingual, report


def test_every_passage_sentence_has_a_vector_at_its_offsets(built):
    _, index_dir, encoder, report = built
    data = read_index(index_dir)
    vectors = data.multilingual
    expected = [(i, s, e) for i, p in enumerate(data.passages) for s, e in sentence_spans(data.documents[p.doc_id].text, p.start, p.end)]
    assert [tuple(map(int, row)) for row in vectors.rows] == expected
    assert vectors.model == encoder.name and vectors.vectors.shape == (len(expected), encoder.dim)
    assert report.multilingual_embedded == len(expected) == encoder.encoded
    first = expected[0]
    text = data.documents[data.passages[first[0]].doc_id].text[first[1] : first[2]]
    assert np.allclose(vectors.vectors[0], encoder.encode([text])[0])
    assert data.manifest["multilingual"] == {"model": encoder.name, "dimension": encoder.dim, "sentences": len(expected)}


def test_a_re_ingest_reuses_every_sentence_vector(built, tmp_path):
    corpus, index_dir, _, report = built
    again = CountingEncoder()
    second = build(corpus, index_dir, again)
    assert second.multilingual_embedded == 0 and second.multilingual_reused == report.multilingual_embedded
    assert again.calls == 0  # the encoder was not even asked


def test_an_altered_vector_file_is_named(built):
    _, index_dir, _, _ = built
    path = current_build(index_dir) / "multilingual.npy"
    path.write_bytes(path.read_bytes()[:-8])
    with pytest.raises(IndexCorrupt, match="multilingual.npy"):
        read_index(index_dir)


def test_a_question_in_another_language_is_ranked_by_sentence(built):
    from answers import Answerer

    _, index_dir, encoder, _ = built
    qa = Answerer.load(index_dir, encoder=FakeEncoder(), multilingual_encoder=encoder)
    # the fake vectors are bags of words: the names and numbers carry the match
    q, ranking, _ = qa.read("¿Qué dijeron Brasil y Colombia sobre la Declaración de Los Ángeles en 2022?")
    assert q.lang == "es" and ranking.translingual
    top = ranking.ranked[0]
    assert top.sentences and all(0.0 <= s.coverage <= 1.0 and s.order == 0.0 for s in top.sentences)
    english = qa.read("What did Brazil and Colombia say about the Los Angeles Declaration in 2022?")[1]
    assert not english.translingual
    assert qa.ask("¿Qué dijeron Brasil y Colombia sobre la Declaración?").lang == "es"
