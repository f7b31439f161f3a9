"""Sentence vectors computed at ingest and stored beside each index version.

Choosing an answer's sentences needs a vector per sentence of the passages read. Computed on a
question's first sight of its passages, they cost 150-550 ms on a library of 900 passages; here
they are computed once, at ingest, from the same text (`Chunk.sentence_embedding_text`) by the
same embedder, so answers do not change and a question never seen before needs none computed.

One file per index version, `<data dir>/sentence-vectors/<collection>.npz`, keyed by chunk id
and the sentence's start in its chunk. It is written (to a temporary name, then renamed) before
the manifest switches to its version, so a version the manifest names has its file complete or
none at all; an index built before these files existed has none, and its sentences are then
embedded on first use as before.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from index.top_k import best_first
from index.version_files import remove_other_versions
from ingest.types import Chunk

FOLDER = "sentence-vectors"
Key = tuple[str, int]  # (chunk id, sentence start in the chunk)


def vectors_path(data_dir: Path, collection: str) -> Path:
    """Where the sentence vectors of the index version `collection` are kept."""
    return data_dir / FOLDER / f"{collection}.npz"


def sentence_items(chunks: Iterable[Chunk]) -> list[tuple[Key, str]]:
    """Every sentence of `chunks` as (key, the text that is embedded for it)."""
    return [
        ((chunk.id, sentence.chunk_start), chunk.sentence_embedding_text(sentence))
        for chunk in chunks
        for sentence in chunk.sentences
    ]


@dataclass(frozen=True)
class SentenceVectors:
    """Stored sentence vectors: a key's vector is `vectors[rows[key]]`."""

    rows: dict[Key, int]
    vectors: np.ndarray
    # Each chunk's rows in sentence order, and each row's key: built on first use (the nearest
    # sentences of a few passages are then found without a Python loop over their sentences).
    _index_built: tuple[dict[str, np.ndarray], list[Key]] | None = field(
        default=None, compare=False, repr=False
    )

    def __len__(self) -> int:
        return len(self.rows)

    def lookup(self, keys: Sequence[Key]) -> np.ndarray:
        """Each key's row in `vectors`, or -1 where none is stored."""
        rows = self.rows
        return np.fromiter((rows.get(k, -1) for k in keys), np.int64, len(keys))

    def nearest(
        self, vector: np.ndarray, k: int, chunk_ids: Sequence[str]
    ) -> list[tuple[Key, float]]:
        """The `k` stored sentences of these chunks closest to `vector` (cosine, best first,
        ties in the order of the chunks and their sentences)."""
        by_chunk, keys = self._index()
        parts = [by_chunk[c] for c in dict.fromkeys(chunk_ids) if c in by_chunk]
        if k <= 0 or not parts:
            return []
        rows = np.concatenate(parts)
        similarity = self.vectors[rows] @ vector
        order = best_first(similarity, k)
        return [(keys[rows[i]], float(similarity[i])) for i in order]

    def _index(self) -> tuple[dict[str, np.ndarray], list[Key]]:
        if self._index_built is None:
            keys: list[Key] = [("", 0)] * len(self.vectors)
            found: dict[str, list[tuple[int, int]]] = {}
            for key, row in self.rows.items():
                keys[row] = key
                found.setdefault(key[0], []).append((key[1], row))
            by_chunk = {
                chunk: np.array([row for _, row in sorted(rows)], dtype=np.int64)
                for chunk, rows in found.items()
            }
            # One assignment: two threads building it at once build the same thing.
            object.__setattr__(self, "_index_built", (by_chunk, keys))
        assert self._index_built is not None
        return self._index_built

    @classmethod
    def empty(cls) -> SentenceVectors:
        return cls({}, np.zeros((0, 0), dtype=np.float32))

    def subset(self, keys: Iterable[Key]) -> tuple[list[Key], np.ndarray]:
        """The stored keys among `keys`, and their vectors (to carry into a new version)."""
        found = [k for k in keys if k in self.rows]
        if not found:
            return [], np.zeros((0, self.vectors.shape[1] if self.vectors.size else 0), np.float32)
        return found, self.vectors[[self.rows[k] for k in found]]

    def save(self, path: Path) -> None:
        """Write atomically: a crash leaves no file or the whole file, never half of one."""
        path.parent.mkdir(parents=True, exist_ok=True)
        keys = list(self.rows)
        tmp = path.with_name(f".{path.name}.tmp")
        with tmp.open("wb") as handle:
            np.savez(
                handle,
                chunk_ids=np.array([k[0] for k in keys], dtype=str),
                starts=np.array([k[1] for k in keys], dtype=np.int64),
                rows=np.array([self.rows[k] for k in keys], dtype=np.int64),
                vectors=self.vectors.astype(np.float32, copy=False),
            )
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path) -> SentenceVectors | None:
        """The stored vectors, or None when there is no readable file (an index built before
        they were stored, or a damaged file: its sentences are then embedded on first use)."""
        try:
            with np.load(path, allow_pickle=False) as data:
                ids, starts, rows = data["chunk_ids"], data["starts"], data["rows"]
                vectors = np.ascontiguousarray(data["vectors"], dtype=np.float32)
        except (OSError, ValueError, KeyError, zipfile.BadZipFile):
            return None
        if not (len(ids) == len(starts) == len(rows)) or (len(rows) and rows.max() >= len(vectors)):
            return None
        keys = zip(ids.tolist(), starts.tolist(), strict=True)
        return cls(dict(zip(keys, rows.tolist(), strict=True)), vectors)


def merge(parts: Sequence[tuple[Sequence[Key], np.ndarray]]) -> SentenceVectors:
    """One set of stored vectors from (keys, one vector per key) parts; a later part's key wins."""
    rows: dict[Key, int] = {}
    stacked = [v for _, v in parts if len(v)]
    for offset, keys in zip(_offsets(parts), (k for k, _ in parts), strict=True):
        for i, key in enumerate(keys):
            rows[key] = offset + i
    if not stacked:
        return SentenceVectors.empty()
    return SentenceVectors(rows, np.concatenate(stacked).astype(np.float32, copy=False))


def _offsets(parts: Sequence[tuple[Sequence[Key], np.ndarray]]) -> list[int]:
    offsets, total = [], 0
    for keys, _ in parts:
        offsets.append(total)
        total += len(keys)
    return offsets


def remove_unused(data_dir: Path, keep: Iterable[str]) -> None:
    """Delete the vector files (and leftovers of a crash) of versions other than `keep`."""
    remove_other_versions(data_dir / FOLDER, ".npz", keep)
