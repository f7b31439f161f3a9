"""The map of roles and powers, drawn from the ingested structure (never typed by hand).

Each actor's section on a dimension ("The intervention space > RSCs > Accountability") becomes
one cell, cited by the opening sentences of that section; each RECOMMENDATION paragraph becomes
an entry of the recommendations list.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from app.answers import Citation
from ingest.governance import DIMENSIONS, SPACES
from ingest.types import Chunk, Sentence

# A cell shows the section's opening sentences up to about this many words.
CELL_WORDS = 60


@dataclass(frozen=True)
class ActorRow:
    actor: str
    space: str
    cells: dict[str, Citation | None] = field(default_factory=dict)  # dimension -> citation


def _opening(chunk: Chunk) -> list[Sentence]:
    """The section's first sentences, about CELL_WORDS words, within its first paragraph."""
    chosen: list[Sentence] = []
    words = 0
    for sentence in chunk.sentences:
        if chosen and (words >= CELL_WORDS or sentence.paragraph != chosen[0].paragraph):
            break
        chosen.append(sentence)
        words += len(sentence.text.split())
    return chosen


def build_map(chunks: Iterable[Chunk]) -> list[ActorRow]:
    """One row per actor that has a section on any dimension, in space then document order."""
    first_cell: dict[tuple[str, str], Chunk] = {}
    spaces: dict[str, str] = {}
    order: list[str] = []
    for chunk in sorted(chunks, key=lambda c: (c.doc_id, c.start)):
        tags = chunk.tags
        if not (tags.actor and tags.dimension) or not chunk.sentences:
            continue
        if tags.actor not in spaces:
            spaces[tags.actor] = tags.space
            order.append(tags.actor)
        first_cell.setdefault((tags.actor, tags.dimension), chunk)
    rows = []
    for actor in order:
        cells: dict[str, Citation | None] = {}
        for dimension in DIMENSIONS:
            cell = first_cell.get((actor, dimension))
            cells[dimension] = Citation.of(cell, _opening(cell), 1) if cell else None
        rows.append(ActorRow(actor, spaces[actor], cells))
    space_rank = {space: i for i, space in enumerate(SPACES)}
    return sorted(rows, key=lambda r: space_rank.get(r.space, len(SPACES)))


def recommendations(chunks: Iterable[Chunk]) -> list[Citation]:
    """Every recommendation paragraph, whole, in document order."""
    found = [c for c in chunks if c.tags.recommendation and c.sentences]
    found.sort(key=lambda c: (c.doc_id, c.start))
    return [Citation.of(chunk, list(chunk.sentences), n) for n, chunk in enumerate(found, start=1)]
