"""The types the index stage produces: search filters and hits."""

from __future__ import annotations

from dataclasses import dataclass, field

from ingest.types import Chunk


@dataclass(frozen=True)
class Filters:
    """Restrict a search to some documents, spaces or actors (empty means no restriction)."""

    doc_ids: tuple[str, ...] = ()
    spaces: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()

    def allows(self, chunk: Chunk) -> bool:
        return (
            (not self.doc_ids or chunk.doc_id in self.doc_ids)
            and (not self.spaces or chunk.tags.space in self.spaces)
            and (not self.actors or chunk.tags.actor in self.actors)
        )

    @property
    def empty(self) -> bool:
        return not (self.doc_ids or self.spaces or self.actors)


@dataclass(frozen=True)
class Preference:
    """Structure a question points at: chunks tagged with these rank higher (never exclusively)."""

    actors: tuple[str, ...] = ()
    dimensions: tuple[str, ...] = ()
    recommendation: bool = False

    @property
    def empty(self) -> bool:
        return not (self.actors or self.dimensions or self.recommendation)


@dataclass(frozen=True)
class Hit:
    """One retrieved chunk with its fused score and the rankings that produced it."""

    chunk: Chunk
    score: float
    rank: int
    dense_similarity: float | None = None
    lexical_score: float | None = None
    sources: tuple[str, ...] = field(default=())  # which rankings found it: dense, lexical, ...
