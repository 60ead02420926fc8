"""The query encoder's cache of recent vectors (fake encoder underneath)."""

import numpy as np
import pytest

from retrieval.query_encoder import CachingEncoder
from tests.fakes import FakeEncoder


def test_a_text_asked_again_is_not_encoded_again():
    inner = FakeEncoder()
    encoder = CachingEncoder(inner, size=8)
    first = encoder.encode(["How many Haitians arrived?"])
    again = encoder.encode(["How many Haitians arrived?"])
    assert inner.encoded == 1
    assert np.array_equal(first, again) and np.array_equal(first, inner.encode(["How many Haitians arrived?"]))


def test_a_batch_keeps_its_order_and_encodes_each_new_text_once():
    inner = FakeEncoder()
    encoder = CachingEncoder(inner, size=8)
    encoder.encode(["b"])
    vectors = encoder.encode(["a", "b", "a", "c"])
    assert inner.encoded == 3  # b earlier, then a and c once each
    assert np.array_equal(vectors, FakeEncoder().encode(["a", "b", "a", "c"]))
    assert encoder.encode([]).shape == (0, inner.dim)


def test_the_least_recently_used_vectors_go_first():
    inner = FakeEncoder()
    encoder = CachingEncoder(inner, size=2)
    for text in ["one", "two", "one", "three"]:
        encoder.encode([text])
    assert list(encoder.vectors) == [("passage", "one"), ("passage", "three")]
    encoder.encode(["two"])
    assert inner.encoded == 4


def test_a_question_and_a_passage_of_the_same_text_are_kept_apart():
    class Marked(FakeEncoder):  # as E5 marks "query: " and "passage: "
        def encode_query(self, text):
            return -super().encode_query(text)

    inner = Marked()
    encoder = CachingEncoder(inner, size=8)
    passage = encoder.encode(["Del Rio"])[0]
    query = encoder.encode_query("Del Rio")
    assert np.array_equal(query, -passage) and np.array_equal(encoder.encode_query("Del Rio"), query)
    assert inner.calls == 2  # the second question came from the cache


@pytest.mark.slow
def test_the_int8_query_encoder_agrees_with_the_fp32_one():
    """Oracle: the shipped int8 model against sentence-transformers in fp32 (the passages' encoder)."""
    from ingest.embed import load_encoder
    from retrieval.query_encoder import OnnxEncoder, uncached_query_encoder

    questions = ["How many Haitians arrived in Del Rio?", "Who hosted the summit in Los Angeles?", "migration pact pillars 2022"]
    int8 = uncached_query_encoder("all-MiniLM-L6-v2")
    assert isinstance(int8, OnnxEncoder)
    cosines = (int8.encode(questions) * load_encoder("all-MiniLM-L6-v2").encode(questions)).sum(axis=1)
    assert cosines.min() > 0.98
