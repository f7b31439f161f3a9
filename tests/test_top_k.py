"""best_first gives exactly what a stable sort of every score gives."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from index.top_k import best_first


@given(
    st.lists(st.sampled_from([0.0, 0.1, 0.25, 0.5, 0.9, -0.3]), max_size=60),
    st.integers(min_value=-1, max_value=70),
)
def test_same_as_a_stable_sort_of_every_score_ties_included(values: list[float], k: int) -> None:
    scores = np.array(values, dtype=np.float32)
    expected = np.argsort(-scores, kind="stable")[: max(k, 0)]
    assert best_first(scores, k).tolist() == expected.tolist()


def test_many_scores() -> None:
    scores = np.random.default_rng(3).random(10_000).astype(np.float32)
    assert best_first(scores, 30).tolist() == np.argsort(-scores, kind="stable")[:30].tolist()
