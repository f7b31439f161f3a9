"""The types the index stage produces: search filters, hits and a question's weighed words."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

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


@dataclass(frozen=True)
class Terms:
    """A question's words as the indexed documents weigh them: what scoring sentences and
    weighing the evidence need, so neither reads the lexical index itself."""

    # Each distinct word of the question with its IDF over the passages, in question order.
    weights: dict[str, float]
    # The words no passage holds at all (a city, an unknown Act, a year never mentioned).
    unknown: frozenset[str]

    @cached_property
    def total(self) -> float:
        """The question's whole word weight (read once per sentence scored: computed once)."""
        return sum(self.weights.values())

    @property
    def unknown_share(self) -> float:
        """The share of the question's word weight that no passage holds (0 without words)."""
        return sum(self.weights[t] for t in self.unknown) / self.total if self.total else 0.0

    def coverage(self, words: set[str]) -> float:
        """The share of the question's word weight that `words` hold."""
        if self.total == 0:
            return 0.0
        return sum(w for t, w in self.weights.items() if t in words) / self.total
