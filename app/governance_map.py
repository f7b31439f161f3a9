"""The map of roles and powers, drawn from the ingested structure (never typed by hand).

Each actor's section on a dimension ("The intervention space > RSCs > Accountability") becomes
one cell, cited by the opening sentences of that section; each RECOMMENDATION paragraph becomes
an entry of the recommendations list.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from engine.answers import Citation
from ingest.governance import ACTORS, DIMENSIONS, SPACES, states_dimension, subject_actor
from ingest.types import Chunk, Sentence

# A cell shows the section's opening sentences up to about this many words.
CELL_WORDS = 60


@dataclass(frozen=True)
class ActorRow:
    actor: str
    space: str
    cells: dict[str, Citation | None] = field(default_factory=dict)  # dimension -> citation
    # True when the cells are single sentences about the actor found in the text, because the
    # documents give it no section of its own on the dimensions.
    from_sentences: bool = False


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


def rows_from_sentences(chunks: Iterable[Chunk], known: Iterable[str]) -> list[ActorRow]:
    """Rows for the actors the documents name but give no section of their own (multi-academy
    trusts, governing boards ...): each cell is the first sentence, in document order, that has
    the actor as its subject and itself says who holds power, decides, draws authority from
    where, or answers to whom. An actor with no such sentence gets no row."""
    skip = set(known)
    found: dict[str, dict[str, Citation]] = {}
    for chunk in sorted(chunks, key=lambda c: (c.doc_id, c.start)):
        for sentence in chunk.sentences:
            actor = subject_actor(sentence.text)
            if actor is None or actor in skip:
                continue
            cells = found.setdefault(actor, {})
            for dimension in DIMENSIONS:
                if dimension not in cells and states_dimension(sentence.text, [dimension]):
                    cells[dimension] = Citation.of(chunk, [sentence], 1)
    order = {actor.name: i for i, actor in enumerate(ACTORS)}
    return [
        ActorRow(actor, "", {d: cells.get(d) for d in DIMENSIONS}, from_sentences=True)
        for actor, cells in sorted(found.items(), key=lambda item: order.get(item[0], len(order)))
        if cells
    ]


def recommendations(chunks: Iterable[Chunk]) -> list[Citation]:
    """Every recommendation paragraph, whole, in document order."""
    found = [c for c in chunks if c.tags.recommendation and c.sentences]
    found.sort(key=lambda c: (c.doc_id, c.start))
    return [Citation.of(chunk, list(chunk.sentences), n) for n, chunk in enumerate(found, start=1)]
