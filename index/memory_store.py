"""A vector store held in this process's memory, for fast tests and throwaway indexes.

It keeps the `Store` and `Database` contracts of index/store.py exactly as Chroma does (the
same contract tests run on both): chunks go in and come out through the same metadata record,
searches rank by cosine similarity within the same filters, and a version is complete only
once marked. Nothing is written to disk, so it suits unit tests and a one-off evaluation, not
an index that must outlive the process.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np

from index.store import WRITE_BATCH, chunk_from_record, chunk_metadata
from index.top_k import best_first
from index.types import Filters
from ingest.types import Chunk


@dataclass
class _Collection:
    chunks: dict[str, Chunk] = field(default_factory=dict)
    vectors: dict[str, np.ndarray] = field(default_factory=dict)
    complete: bool = False


def _as_stored(chunk: Chunk) -> Chunk:
    """The chunk as a store gives it back: rebuilt from its metadata record, as Chroma does."""
    return chunk_from_record(chunk.id, chunk.text, chunk_metadata(chunk))


class MemoryStore:
    """One collection in memory: chunks, their unit vectors and the completion mark."""

    def __init__(self, data: _Collection, name: str) -> None:
        self._data = data
        self.collection_name = name

    def count(self) -> int:
        return len(self._data.chunks)

    def mark_complete(self) -> None:
        self._data.complete = True

    @property
    def complete(self) -> bool:
        return self._data.complete

    def ids(self, doc_id: str | None = None) -> set[str]:
        return {i for i, c in self._data.chunks.items() if doc_id is None or c.doc_id == doc_id}

    def add(self, chunks: Sequence[Chunk], vectors: np.ndarray) -> None:
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        unit = (vectors / np.clip(norms, 1e-12, None)).astype(np.float32)
        for chunk, vector in zip(chunks, unit, strict=True):
            self._data.chunks[chunk.id] = _as_stored(chunk)
            self._data.vectors[chunk.id] = vector

    def update(self, chunks: Sequence[Chunk]) -> None:
        """New metadata for chunks already held (an id not held is ignored, as in Chroma)."""
        for chunk in chunks:
            if chunk.id in self._data.chunks:
                text = self._data.chunks[chunk.id].text
                self._data.chunks[chunk.id] = chunk_from_record(
                    chunk.id, text, chunk_metadata(chunk)
                )

    def delete(self, ids: Iterable[str]) -> None:
        for chunk_id in ids:
            self._data.chunks.pop(chunk_id, None)
            self._data.vectors.pop(chunk_id, None)

    def export(self) -> Iterator[tuple[list[Chunk], np.ndarray]]:
        ids = list(self._data.chunks)
        for begin in range(0, len(ids), WRITE_BATCH):
            page = ids[begin : begin + WRITE_BATCH]
            vectors = np.stack([self._data.vectors[i] for i in page])
            yield [self._data.chunks[i] for i in page], vectors

    def all_chunks(self) -> list[Chunk]:
        return list(self._data.chunks.values())

    def search(self, vector: np.ndarray, k: int, filters: Filters) -> list[tuple[str, float]]:
        """The k nearest chunks within `filters` as (id, cosine similarity), best first."""
        allowed = [i for i, c in self._data.chunks.items() if filters.allows(c)]
        if not allowed or k <= 0:
            return []
        query = vector / max(float(np.linalg.norm(vector)), 1e-12)
        similarity = np.stack([self._data.vectors[i] for i in allowed]) @ query
        best = best_first(similarity, k)
        return [(allowed[i], float(similarity[i])) for i in best]


class MemoryDatabase:
    """Named collections in memory; `collection(name)` twice gives the same data."""

    def __init__(self) -> None:
        self._collections: dict[str, _Collection] = {}

    def collection(self, name: str) -> MemoryStore:
        return MemoryStore(self._collections.setdefault(name, _Collection()), name)

    def names(self) -> list[str]:
        return sorted(self._collections)

    def drop(self, name: str) -> None:
        self._collections.pop(name, None)

    def remove_unused_files(self) -> int:
        return 0  # nothing on disk
