"""The questions the Ask page offers a newcomer, drawn from the library it answers from.

The three written for the documents govassist comes with are offered while their sources are
indexed. A library of other documents gets its own: the questions its headings ask ("Who must
administer the RBA?"), then what the people it gives most duties to must do.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from index.duty_registers import Register
from ingest.types import Chunk

WRITTEN = (
    "Who holds the power to inspect schools?",
    "Who are regional schools commissioners accountable to?",
    "What does the report recommend for the intervention space?",
)
STARTERS = 3
# A heading this long or short is a title or a label, not a question a reader would ask.
QUESTION_WORDS = (3, 14)
# Headings offered at most, so that a question about duties has its place too.
HEADING_STARTERS = 2
# An actor with fewer duties than this is not what a newcomer would ask about first.
MIN_DUTIES = 3


def starter_questions(
    chunks: Iterable[Chunk], register: Register, answerable: Iterable[str]
) -> list[str]:
    """Up to STARTERS questions: the written ones whose gold sources are indexed
    (`answerable`), then the library's own."""
    known = set(answerable)
    chosen = [question for question in WRITTEN if question in known]
    low, high = QUESTION_WORDS
    asked = dict.fromkeys(
        heading.strip()
        for chunk in sorted(chunks, key=lambda c: (c.doc_id, c.start))
        for heading in chunk.section
        if heading.strip().endswith("?")
        and heading.strip() != chunk.title.strip()
        and low <= len(heading.split()) <= high
    )
    chosen += [q for q in asked if q not in chosen][:HEADING_STARTERS]
    duties = Counter(duty.actor for duty in register.duties if duty.actor)
    chosen += [
        f"What must {actor.lower()} do?"
        for actor, count in duties.most_common()
        if count >= MIN_DUTIES
    ]
    return chosen[:STARTERS]
