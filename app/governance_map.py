"""The map of roles and powers, drawn from the ingested structure (never typed by hand).

Each actor's section on a dimension ("The intervention space > RSCs > Accountability") becomes
one cell, cited by the opening sentences of that section; each RECOMMENDATION paragraph becomes
an entry of the recommendations list.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from engine.answers import Citation
from engine.duty_answers import duty_sentence
from index.duty_registers import Register
from ingest.duties import Duty
from ingest.governance import ACTORS, DIMENSIONS, SPACES, states_dimension, subject_actor
from ingest.types import Chunk, Sentence, introduces_list

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
            if actor is None or actor in skip or not stands_alone(sentence.text):
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


# What a duty says of its holder, read for the map in any governance document's words: "must
# approve the budget" decides, "may appoint a committee" is a power, "must report to the board"
# answers to someone, "appointed by the members" is where the authority comes from.
_ROLE_STATEMENTS = {
    "authority": re.compile(
        r"\b(?:may|can)\b[,\s]+(?:[\w,]+\s+){0,3}?(?:appoint|remove|exercise|delegate|direct|"
        r"establish)\b|\b(?:has|have|holds?) (?:the )?powers?\b|\bresponsible for\b",
        re.I,
    ),
    "decision-making": re.compile(
        r"\b(?:approve|approves|decide|decides|determine|determines|sign off|ratify|ratifies|"
        r"make the final decision|makes? decisions)\b",
        re.I,
    ),
    "legitimacy": re.compile(
        r"\b(?:appointed|elected|nominated)\s+by\b|\bdraws?\b.*\b(?:authority|legitimacy)\b"
        r".*\bfrom\b",
        re.I,
    ),
    "accountability": re.compile(
        r"\b(?:accountable|answerable|report|reports)\s+to\b|\bhold\w*\b.*\bto account\b",
        re.I,
    ),
}
# A sentence that opens with a condition or a time ("If providers have concerns, they must
# ...", "After an inspection ...") or is a lettered clause of a longer one ("(c) is signed by
# ...") may give its duty to its holder, but says of it what holds only then.
_NOT_SAID_OF_THE_HOLDER = re.compile(
    r"^\W*(?:\(|if|when|where|unless|although|though|after|before|throughout|while|whilst|"
    r"once|until|in such cases|as soon as)\b",
    re.I,
)
# How far into a sentence its holder is named, to be its subject ("Subject to the articles,
# the directors are responsible for ...").
HOLDER_WORDS = 8


def stands_alone(text: str) -> bool:
    """Whether a sentence reads whole in a cell: not a list's lead-in ("... by a notice in
    writing (a "proxy notice") which—"), not the end of a quotation opened before it."""
    return not introduces_list(text) and text.count("“") == text.count("”")


def _said_of(duty: Duty, sentence: Sentence) -> bool:
    """Whether the sentence itself says something of the duty's holder, named as its subject."""
    if _NOT_SAID_OF_THE_HOLDER.match(sentence.text) or not duty.actor_text:
        return False
    opening = " ".join(sentence.text.split()[:HOLDER_WORDS]).lower()
    return re.search(rf"\b{re.escape(duty.actor_text.lower())}\b", opening) is not None


def rows_from_duties(
    chunks: dict[str, Chunk], register: Register, known: Iterable[str]
) -> list[ActorRow]:
    """Rows for the people and bodies the documents give duties to (a trust's board of
    trustees, its members, its chief executive ...) that no other row has: each cell is the
    first of the actor's duties, in document order, that names it as its subject and says what
    power it holds, what it decides, by whom it is appointed or to whom it answers. An actor
    with none gets no row."""
    skip = set(known)
    found: dict[str, dict[str, Citation]] = {}
    for duty in sorted(register.duties, key=lambda d: (d.doc_id, d.start)):
        place = duty_sentence(chunks, duty) if duty.actor and duty.actor not in skip else None
        if place is None or not _said_of(duty, place[1]) or not stands_alone(place[1].text):
            continue
        chunk, sentence = place
        cells = found.setdefault(duty.actor, {})
        for dimension, statement in _ROLE_STATEMENTS.items():
            if dimension not in cells and statement.search(sentence.text):
                cells[dimension] = Citation.of(chunk, [sentence], 1)
    return [
        ActorRow(actor, "", {d: cells.get(d) for d in DIMENSIONS}, from_sentences=True)
        for actor, cells in found.items()
        if cells
    ]


def merged(rows: list[ActorRow], more: list[ActorRow]) -> list[ActorRow]:
    """`rows`, each cell the documents left empty filled from a row of `more` for the same
    actor, then the rows of `more` for other actors."""
    extra = {row.actor: row for row in more}
    out = [
        ActorRow(row.actor, row.space, {
            d: row.cells.get(d) or (extra[row.actor].cells.get(d) if row.actor in extra else None)
            for d in DIMENSIONS
        }, row.from_sentences)
        for row in rows
    ]  # fmt: skip
    known = {row.actor for row in rows}
    return out + [row for row in more if row.actor not in known]


def recommendations(chunks: Iterable[Chunk]) -> list[Citation]:
    """Every recommendation paragraph, whole, in document order."""
    found = [c for c in chunks if c.tags.recommendation and c.sentences]
    found.sort(key=lambda c: (c.doc_id, c.start))
    return [Citation.of(chunk, list(chunk.sentences), n) for n, chunk in enumerate(found, start=1)]


def no_recommendations_notice(should: int) -> str:
    """Why the tab is empty. Statutory guidance advises with "should" rather than in a section
    of recommendations: "the documents contain none" was wrong for it, so say where those are."""
    notice = "No section of these documents is headed as recommendations."
    if should:
        times = "once" if should == 1 else f"{should:,} times"
        notice += (
            f" They say {times} what someone should do: the Duties page lists those "
            "(strength “should”)."
        )
    return notice
