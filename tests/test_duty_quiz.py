"""Training rounds from the duties register on tiny inline documents: which sentences each round
can ask, what is blanked, the choices, reproducible draws with no sentence twice, and marking."""

from __future__ import annotations

from pathlib import Path

from app.duty_quiz import BLANK, draw, is_right
from index.duty_registers import Register, build_register, combine
from ingest.chunking import chunk_sections
from ingest.duties import STRENGTHS
from ingest.sources import source_info
from ingest.structure import parse_sections

HANDBOOK = """# Governance handbook

## The board

The governing board must publish its instrument of government.
The governing board should meet at least three times a year.
They must not delegate the approval of the budget.
Boards may appoint a finance committee, which may meet in private.
The board should not meet in private.

## Finance

Budgets must be approved before the year starts.
The headteacher must report to the board each term. The headteacher should attend meetings.
"""
NURSERY = """# Nursery guide

## Welfare

Providers must keep children safe. Providers may not charge for the free hours.
Providers should read the annex. We must thank our partners.

## Welfare again

Providers must keep children safe.
"""


def register_of(**documents: str) -> Register:
    parts = []
    for doc_id, text in documents.items():
        source = source_info(Path(f"/nowhere/{doc_id}.md"), text)
        parts.append(build_register(chunk_sections(source, parse_sections(text), text)))
    return combine(parts)


REGISTER = register_of(handbook=HANDBOOK, nursery=NURSERY)


def test_must_or_should_blanks_the_strength_word_the_sentence_holds_once() -> None:
    questions = draw(REGISTER, "strength", 50, seed=1)
    prompts = {q.prompt: q.answer for q in questions}
    assert prompts == {
        f"The governing board {BLANK} publish its instrument of government.": "must",
        f"The governing board {BLANK} meet at least three times a year.": "should",
        f"The board {BLANK} meet in private.": "should not",
        f"Budgets {BLANK} be approved before the year starts.": "must",
        f"The headteacher {BLANK} report to the board each term.": "must",
        f"The headteacher {BLANK} attend meetings.": "should",
        f"Providers {BLANK} keep children safe.": "must",  # written twice, asked once
        f"Providers {BLANK} read the annex.": "should",
        f"We {BLANK} thank our partners.": "must",
    }
    # Not asked: two strength words ("may appoint ..., which may meet"), "may not", which the
    # register reads as "must not", and "They must not delegate ...", which says what it is
    # about only with the sentence before it.
    assert all(q.choices == STRENGTHS for q in questions)


def test_whose_duty_blanks_the_actor_the_sentence_names_as_its_subject() -> None:
    questions = draw(REGISTER, "actor", 50, seed=1)
    prompts = {q.prompt: q.answer for q in questions}
    assert prompts == {
        f"{BLANK} must publish its instrument of government.": "Governing boards",
        f"{BLANK} should meet at least three times a year.": "Governing boards",
        f"{BLANK} may appoint a finance committee, which may meet in private.": "Governing boards",
        f"{BLANK} should not meet in private.": "Governing boards",
        f"{BLANK} must report to the board each term.": "School leaders",
        f"{BLANK} should attend meetings.": "School leaders",
        f"{BLANK} must keep children safe.": "Providers",
        f"{BLANK} may not charge for the free hours.": "Providers",
        f"{BLANK} should read the annex.": "Providers",
    }
    # Not asked: "They must not" (a pronoun), "Budgets must be approved" (a thing, given to
    # no one here) and "We must" (the authors). The choices are the register's actors.
    for question in questions:
        assert question.choices == ("Governing boards", "Providers", "School leaders")


def test_a_round_is_reproducible_with_its_seed_and_asks_no_sentence_twice() -> None:
    for kind in ("strength", "actor"):
        first = draw(REGISTER, kind, 5, seed=7)
        assert first == draw(REGISTER, kind, 5, seed=7)
        assert len(first) == 5 and len({q.duty.text for q in first}) == 5
        assert [q.duty.text for q in draw(REGISTER, kind, 50, seed=8)] != [
            q.duty.text for q in draw(REGISTER, kind, 50, seed=7)
        ]
    # Fewer sentences than asked for: each of them once.
    assert len(draw(REGISTER, "strength", 50, seed=7)) == 9


def test_a_round_draws_from_the_documents_chosen_and_needs_two_actors() -> None:
    questions = draw(REGISTER, "actor", 50, seed=3, doc_ids=["nursery"])
    assert {q.duty.doc_id for q in questions} == {"nursery"}
    # The nursery guide names one actor: the others come from the rest of the register.
    assert all(len(q.choices) == 3 and "Providers" in q.choices for q in questions)
    alone = register_of(nursery=NURSERY)
    assert draw(alone, "actor", 5, seed=3) == []
    assert len(draw(alone, "strength", 5, seed=3)) == 3


def test_marking_and_the_answer_key() -> None:
    question = next(
        q for q in draw(REGISTER, "strength", 50, seed=1) if q.duty.text.startswith("The board")
    )
    assert is_right(question, "should not")
    assert not is_right(question, "should") and not is_right(question, None)
    assert question.parts() == [
        ("The board ", False),
        ("should not", True),
        (" meet in private.", False),
    ]
    assert question.duty.section == ("Governance handbook", "The board")
    actor = next(
        q for q in draw(REGISTER, "actor", 50, seed=1) if q.duty.text.startswith("The board")
    )
    assert is_right(actor, "Governing boards") and not is_right(actor, "Providers")
    assert actor.parts()[0] == ("The board", True)
