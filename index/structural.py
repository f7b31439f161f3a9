"""The structural ranking: the passages of the governance-map cells a question names, or the
recommendations it asks for.

An actor and a dimension together ("RSCs" + "accountable") pick out one cell. Neither alone is
used: a dimension matches every actor's cell of that name, and an actor's name already draws its
sections through the words and the meaning. A passage scores 2 for being in a named cell, 1 for
a named actor and 1 for a recommendation when recommendations are asked for; equal scores go to
the order the other rankings gave, then to document order.

The tags are held as arrays, so a question's ranking is a few array operations over the whole
library rather than a Python loop over every matching passage (at 100 times the corpus, the
recommendations alone are 1,500 passages).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from index.types import Filters, Preference
from ingest.types import Chunk


class StructureTable:
    """Each chunk's actor, dimension and recommendation flag, in the order given."""

    def __init__(self, chunks: Sequence[Chunk]) -> None:
        self._chunks = list(chunks)
        self._ids = [chunk.id for chunk in self._chunks]
        self._rows = {chunk_id: row for row, chunk_id in enumerate(self._ids)}
        # Tags as small integers (0: none), so matching them is an integer comparison.
        self._actor_codes: dict[str, int] = {}
        self._dimension_codes: dict[str, int] = {}
        self._actors = _coded([c.tags.actor for c in self._chunks], self._actor_codes)
        self._dimensions = _coded([c.tags.dimension for c in self._chunks], self._dimension_codes)
        self._recommendations = np.array([bool(c.tags.recommendation) for c in self._chunks])

    def rank(
        self, preference: Preference, tie_break: Sequence[str], filters: Filters, k: int
    ) -> list[str]:
        """The ids of the `k` passages the question's structure points at, best first."""
        if not (preference.actors and preference.dimensions) and not preference.recommendation:
            return []
        actors = _codes(preference.actors, self._actor_codes)
        dimensions = _codes(preference.dimensions, self._dimension_codes)
        actor = np.isin(self._actors, actors)
        cell = actor & np.isin(self._dimensions, dimensions)
        recommendation = self._recommendations & preference.recommendation
        rows = np.flatnonzero(cell | recommendation)
        if not filters.empty:
            rows = rows[[filters.allows(self._chunks[row]) for row in rows]].astype(np.int64)
        if not len(rows):
            return []
        matches = 2 * cell[rows] + actor[rows] + recommendation[rows]
        # A passage's place among the other rankings' results; the rest come after them all.
        place = {chunk_id: i for i, chunk_id in enumerate(tie_break)}
        position = np.full(len(self._ids), len(place), dtype=np.int64)
        for chunk_id, i in place.items():
            if (row := self._rows.get(chunk_id)) is not None:
                position[row] = i
        best = np.lexsort((rows, position[rows], -matches))[:k]
        return [self._ids[row] for row in rows[best]]


def _coded(tags: Sequence[str | None], codes: dict[str, int]) -> np.ndarray:
    """Each tag's code (1, 2, ... in order of first sight; 0 for none), adding new ones."""
    return np.array([codes.setdefault(t, len(codes) + 1) if t else 0 for t in tags], np.int64)


def _codes(names: Sequence[str], codes: dict[str, int]) -> list[int]:
    """The codes of the names the library has (a name it lacks matches nothing)."""
    return [codes[name] for name in names if name in codes]
