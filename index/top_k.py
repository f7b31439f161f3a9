"""The k highest scores of an array, in the order a stable sort of all of them would give."""

from __future__ import annotations

import numpy as np


def best_first(scores: np.ndarray, k: int) -> np.ndarray:
    """Positions of the `k` highest `scores`, highest first, equal scores in position order:
    exactly `np.argsort(-scores, kind="stable")[:k]`, without sorting every score (at 100
    times the corpus, sorting 10,000 similarities per question cost more than computing them).
    """
    count = len(scores)
    if k <= 0 or count == 0:
        return np.zeros(0, dtype=np.int64)
    if k >= count:
        return np.argsort(-scores, kind="stable")
    kth_highest = np.partition(scores, count - k)[count - k]
    # Every score tied with the k-th is kept, so the stable sort below settles ties by position.
    contenders = np.flatnonzero(scores >= kth_highest)
    return contenders[np.argsort(-scores[contenders], kind="stable")[:k]]
