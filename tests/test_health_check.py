"""The live index's self-check on its vectors, against a store whose search is approximate."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import numpy as np

from index.health import index_problem
from index.manifest import FileEntry, Manifest
from index.store import Store


@dataclass
class _Chunk:
    id: str


@dataclass
class _Store:
    neighbours: list[tuple[str, float]]

    def count(self) -> int:
        return 2

    def export(self):
        yield [_Chunk("a")], np.ones((1, 4))

    def search(self, vector, k, filters):
        return self.neighbours[:k]


@dataclass
class _Database:
    store: _Store

    def names(self) -> list[str]:
        return ["v1"]

    def collection(self, name: str) -> Store:
        # A partial store: the health check only counts, exports and searches.
        return cast(Store, self.store)

    def drop(self, name: str) -> None:
        raise AssertionError("the health check drops nothing")

    def remove_unused_files(self) -> int:
        raise AssertionError("the health check removes nothing")


MANIFEST = Manifest("f", "m", {}, "v1", {"d.md": FileEntry("s", "d", "D", 2)})


def test_a_passage_ranked_below_its_near_copy_is_a_whole_index() -> None:
    # A long document of repeated wording: a twin first, the passage itself further down.
    twin_first = _Store([("b", 0.995), ("c", 0.99), ("a", 0.99)])
    assert index_problem(_Database(twin_first), MANIFEST) is None
    near_copy_only = _Store([("b", 0.99)])
    assert index_problem(_Database(near_copy_only), MANIFEST) is None


def test_vectors_that_find_nothing_like_themselves_are_damage() -> None:
    lost = _Store([("b", 0.41), ("c", 0.40)])
    assert index_problem(_Database(lost), MANIFEST) == (
        "its vectors no longer find their own passages"
    )
