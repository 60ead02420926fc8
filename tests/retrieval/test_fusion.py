import numpy as np
import pytest

from retrieval.fusion import convex_fusion, minmax, reciprocal_rank_fusion


def test_rrf_matches_a_hand_computed_ranking():
    fused = reciprocal_rank_fusion([[1, 2, 3], [3, 1]], k=60)
    assert fused[1] == pytest.approx(1 / 61 + 1 / 62)
    assert fused[2] == pytest.approx(1 / 62)
    assert fused[3] == pytest.approx(1 / 63 + 1 / 61)
    assert sorted(fused, key=lambda i: -fused[i]) == [1, 3, 2]


def test_convex_fusion_hand_computed():
    dense = {1: 0.9, 2: 0.5, 3: 0.7}
    lexical = {1: 2.0, 3: 10.0}
    fused = convex_fusion(dense, lexical, alpha=0.5)
    # dense minmax: 1 -> 1, 2 -> 0, 3 -> 0.5; lexical minmax over {1: 2, 2: 2 (missing -> min), 3: 10}: 0, 0, 1
    assert fused == pytest.approx({1: 0.5, 2: 0.0, 3: 0.75})


def test_fusion_is_deterministic_and_permutation_stable_for_ties():
    a = reciprocal_rank_fusion([[5, 6], [6, 5]])
    b = reciprocal_rank_fusion([[6, 5], [5, 6]])
    assert a == b and a[5] == a[6]


def test_minmax_constant_scores():
    assert minmax(np.array([3.0, 3.0])).tolist() == [0.0, 0.0]


from hypothesis import given
from hypothesis import strategies as st

rankings = st.lists(st.lists(st.integers(0, 30), unique=True, max_size=15), min_size=1, max_size=4)


@given(rankings, st.randoms())
def test_rrf_is_deterministic_and_independent_of_list_order(lists, rng):
    shuffled = list(lists)
    rng.shuffle(shuffled)
    assert reciprocal_rank_fusion(lists) == pytest.approx(reciprocal_rank_fusion(shuffled))


@given(st.dictionaries(st.integers(0, 20), st.floats(0, 1), min_size=1), st.dictionaries(st.integers(0, 20), st.floats(0, 50), min_size=1))
def test_convex_fusion_is_symmetric_in_input_order_and_bounded(dense, lexical):
    fused = convex_fusion(dense, lexical, 0.5)
    again = convex_fusion(dict(reversed(list(dense.items()))), dict(reversed(list(lexical.items()))), 0.5)
    assert fused == pytest.approx(again)
    assert all(-1e-9 <= v <= 1 + 1e-9 for v in fused.values())
