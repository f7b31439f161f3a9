"""Fast unit tests: which actor a sentence is about, for answers that compare two actors."""

from __future__ import annotations

from engine.extractive import is_subject
from ingest.governance import subject_actor
from ingest.types import Chunk, GovernanceTags, Sentence


def _chunk(text: str, actor: str) -> tuple[Chunk, Sentence]:
    sentence = Sentence(text, 0, len(text), 0, len(text))
    tags = GovernanceTags(actor=actor)
    return Chunk("c", "d", "T", ("S",), text, 0, len(text), (sentence,), tags), sentence


def test_the_subject_is_the_actor_the_opening_names() -> None:
    assert subject_actor("Ofsted inspects schools.") == "Ofsted"
    assert subject_actor("In relation to improvement, local authorities have powers.") == (
        "Local authorities"
    )
    # An opening comparison names what the subject is set against.
    assert subject_actor("Unlike Ofsted, they exercise 'executive' power.") is None
    # Named late, an actor is an object or an aside.
    assert (
        subject_actor(
            "The Education and Adoption Act 2016 amended the 2006 Act to provide powers when a "
            "school is judged inadequate by Ofsted."
        )
        is None
    )


def test_a_sentence_naming_no_subject_is_about_its_section() -> None:
    rsc = "Regional Schools Commissioners (RSCs)"
    chunk, sentence = _chunk("Unlike Ofsted, they exercise 'executive' power.", rsc)
    assert is_subject(chunk, sentence, rsc)
    assert not is_subject(chunk, sentence, "Ofsted")
    # It names actors, but not as its subject: about neither them nor its section's actor.
    chunk, sentence = _chunk("There is also some duplication between RSCs and Ofsted.", rsc)
    assert not is_subject(chunk, sentence, "Local authorities")
    assert not is_subject(chunk, sentence, rsc)
