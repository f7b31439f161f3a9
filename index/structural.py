"""The structural ranking: the passages of the governance-map cells a question names, or the
recommendations it asks for.

An actor and a dimension together ("RSCs" + "accountable") pick out one cell. Neither alone is
used: a dimension matches every actor's cell of that name, and an actor's name already draws its
sections through the words and the meaning. A passage scores 2 for being in a named cell, 1 for
a named actor and 1 for a recommendation when recommendations are asked for; equal scores go to
the order the other rankings gave, then to document order.

The tags are held as arrays, with the rows of each cell and of the recommendations, so a
question's ranking is a few array operations over the rows it can pick rather than a Python
loop over them (at 100 times the corpus, the recommendations alone are 500 passages).
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
        # The rows each cell (actor, dimension) and the recommendations hold: a question's
        # ranking reads only the rows it can pick, so its cost does not grow with the rest.
        cells: dict[tuple[int, int], list[int]] = {}
        for row, (actor, dimension) in enumerate(zip(self._actors, self._dimensions, strict=True)):
            if actor and dimension:
                cells.setdefault((int(actor), int(dimension)), []).append(row)
        self._cells = {cell: np.array(rows, dtype=np.int64) for cell, rows in cells.items()}
        self._recommendation_rows = np.flatnonzero(self._recommendations)

    def rank(
        self, preference: Preference, tie_break: Sequence[str], filters: Filters, k: int
    ) -> list[str]:
        """The ids of the `k` passages the question's structure points at, best first."""
        if not (preference.actors and preference.dimensions) and not preference.recommendation:
            return []
        actors = _codes(preference.actors, self._actor_codes)
        dimensions = _codes(preference.dimensions, self._dimension_codes)
        parts = [self._cells.get((a, d), _NONE) for a in actors for d in dimensions]
        if preference.recommendation:
            parts.append(self._recommendation_rows)
        rows = parts[0] if len(parts) == 1 else _union(parts, len(self._ids))
        if not filters.empty:
            rows = rows[[filters.allows(self._chunks[row]) for row in rows]].astype(np.int64)
        if not len(rows):
            return []
        actor = _any_of(self._actors[rows], actors)
        cell = actor & _any_of(self._dimensions[rows], dimensions)
        recommendation = self._recommendations[rows] & preference.recommendation
        matches = 2 * cell + actor + recommendation
        best = np.lexsort((rows, self._places(rows, tie_break), -matches))[:k]
        return [self._ids[row] for row in rows[best]]

    def _places(self, rows: np.ndarray, tie_break: Sequence[str]) -> np.ndarray:
        """Each row's place among the other rankings' results (`tie_break`, its last mention
        counting); rows it does not name come after them all."""
        place = {chunk_id: i for i, chunk_id in enumerate(tie_break)}
        named = {self._rows[c]: i for c, i in place.items() if c in self._rows}
        places = np.full(len(rows), len(place), dtype=np.int64)
        if named:
            named_rows = np.array(sorted(named), dtype=np.int64)
            at = np.minimum(np.searchsorted(named_rows, rows), len(named_rows) - 1)
            found = named_rows[at] == rows
            places[found] = [named[int(row)] for row in rows[found]]
        return places


_NONE = np.zeros(0, dtype=np.int64)


def _union(parts: Sequence[np.ndarray], size: int) -> np.ndarray:
    """The rows of any of `parts`, each once, in order (rows are below `size`)."""
    marked = np.zeros(size, dtype=bool)
    for part in parts:
        marked[part] = True
    return np.flatnonzero(marked)


def _any_of(codes: np.ndarray, wanted: Sequence[int]) -> np.ndarray:
    """Whether each code is one of the few `wanted` (np.isin costs more for so few)."""
    found = np.zeros(len(codes), dtype=bool)
    for code in wanted:
        found |= codes == code
    return found


def _coded(tags: Sequence[str | None], codes: dict[str, int]) -> np.ndarray:
    """Each tag's code (1, 2, ... in order of first sight; 0 for none), adding new ones."""
    return np.array([codes.setdefault(t, len(codes) + 1) if t else 0 for t in tags], np.int64)


def _codes(names: Sequence[str], codes: dict[str, int]) -> list[int]:
    """The codes of the names the library has (a name it lacks matches nothing)."""
    return [codes[name] for name in names if name in codes]
