"""The parts of the meaning check: numbers, negation, names learned from the documents, links
and contacts, the reason a sentence is dropped, and the stream that cuts sentences as they
arrive. Fake embedder; no model."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import fake_assistant
from hypothesis import given, settings
from hypothesis import strategies as st
from test_citation_meaning import CONTRADICTED, DOC, RSCS, check_one

from engine.assistant import AbstentionPolicy, Assistant
from engine.citation_check import SentenceStream, split_answer
from engine.claim_meaning import Names, contacts, negated, numbers, polarity_conflict


@pytest.fixture
def assistant(tmp_path: Path, fake_embedder) -> Assistant:
    policy = AbstentionPolicy(min_dense=0.2, max_unknown_weight=0.9, min_evidence=0.2)
    return fake_assistant(tmp_path, DOC, fake_embedder, top_k=5, policy=policy)


def test_each_problem_is_named(assistant: Assistant) -> None:
    problems = [check_one(assistant, s).problem for s in CONTRADICTED[:4]]
    assert "negated" in problems[0]
    assert "names regional school commissioner" in problems[1]
    assert "states 1872" in problems[2]
    assert "adds https://ofsted-verify.example/login" in problems[3]
    inspects = check_one(assistant, "RSCs inspect.", (RSCS, "Accountability"))
    assert inspects.support is None and "negated" in inspects.problem


def test_numbers_are_compared_normalised() -> None:
    assert numbers("More than 1,000 schools in 2014") == {"1000", "2014"}
    assert numbers("1000 schools; 45% of them; the 1990s; twelve trusts") == {
        "1000", "45", "1990", "12"
    }  # fmt: skip
    assert numbers("one of the trusts, see www.example.org/2019") == frozenset()


def test_negation_cues() -> None:
    for text in [
        "RSCs do not inspect.",
        "They don't inspect.",
        "It never inspects.",
        "No body inspects.",
        "Neither RSCs nor councils inspect.",
        "It acts without powers.",
        "None of them inspect.",
        "It cannot inspect.",
    ]:
        assert negated(text), text
    assert not negated("Ofsted holds the power to inspect schools.")


def test_negation_is_compared_clause_by_clause() -> None:
    span = [
        "There is no requirement on local authorities to have school improvement services, "
        "but they do still have the duty to promote high standards."
    ]
    assert (
        polarity_conflict("Local authorities have the duty to promote high standards.", span) == ""
    )
    assert polarity_conflict("Local authorities must have school improvement services.", span)


def test_negations_are_counted_and_carried_to_their_clause() -> None:
    # Mutations of gold sentences that a yes/no reading of negation let through.
    assert polarity_conflict(
        "The inspectorate has not no executive powers.",
        ["The inspectorate has no executive powers."],
    )
    assert polarity_conflict("We must not however get it right.", ["We must however get it right."])
    assert not polarity_conflict(
        "Neither RSCs nor councils inspect.", ["Neither RSCs nor councils inspect schools."]
    )


def test_contacts_are_found_whole() -> None:
    assert contacts(
        "See https://ofsted-verify.example/login. Or www.cst-uk.org.uk, ask@x.example, "
        "ofsted-verify.example/login or +44 (0)20 7946 0958."
    ) == (
        "https://ofsted-verify.example/login",
        "www.cst-uk.org.uk",
        "ask@x.example",
        "ofsted-verify.example/login",
        "+44 (0)20 7946 0958",
    )
    assert contacts("e.g. the U.K. in 2014, 1,000 schools") == ()


def test_names_are_learned_from_the_text_not_a_list() -> None:
    names = Names.learn(
        [
            "The Widget Inspectorate (WI) checks widgets. It reports to the Board of Trade.",
            "Later the Widget Inspectorate and Zorbal were merged.",
        ]
    )
    assert names.mentioned("The widget inspectorate checks gadgets.") == (
        ("widget", "inspectorate"),
    )
    assert names.mentioned("Zorbal checks widgets for the Board of Trade.") == (
        ("zorbal",),
        ("board", "of", "trade"),
    )
    assert names.missing("WI checks widgets.", "The Widget Inspectorate checks widgets.") == ()
    assert names.missing("Zorbal checks widgets.", "The Widget Inspectorate checks.") == ("zorbal",)
    # An acronym the documents use without defining it matches the name its initials spell.
    assert names.missing("The Board of Trade decides.", "The BoT decides.") == ()
    assert names.missing("The BoT decides.", "The Board of Trade decides.") == ()
    assert names.missing("The BoT decides.", "The Board decides.") == ("bot",)
    # A sentence's opening word is not a name unless the documents use it as one.
    assert names.mentioned("Later it checked widgets.") == ()


@settings(max_examples=200, deadline=None)
@given(
    sentences=st.lists(
        st.tuples(
            st.sampled_from(["Ofsted inspects", "RSCs intervene", "It is 1992", "e.g. this"]),
            st.sampled_from([".", "!", "?"]),
            st.sampled_from(["", " [1]", " [2][3]", " [12]"]),
            st.booleans(),
        ),
        min_size=1,
        max_size=5,
    ),
    cuts=st.lists(st.integers(min_value=0, max_value=200), max_size=12),
)
def test_streamed_sentences_are_those_of_the_whole_text(sentences, cuts) -> None:
    """However the text arrives in pieces, the stream cuts the same sentences, with the same
    markers, as the whole text: so no sentence is shown before its markers are known."""
    text = " ".join(
        f"{words}{mark}{end}" if before else f"{words}{end}{mark}"
        for words, end, mark, before in sentences
    )
    points = sorted({min(c, len(text)) for c in cuts})
    pieces = [text[a:b] for a, b in zip([0, *points], [*points, len(text)], strict=True)]
    stream = SentenceStream()
    got = [s for piece in pieces for s in stream.feed(piece)] + stream.close()
    assert got == split_answer(text)


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=1000, max_value=10**9))
def test_grouped_and_plain_digits_are_one_number(value: int) -> None:
    assert numbers(f"{value:,} schools") == numbers(f"{value} schools") == {str(value)}


@settings(max_examples=60, deadline=None)
@given(
    subject=st.sampled_from(["Ofsted", "RSCs", "Local authorities", "The board"]),
    verb=st.sampled_from(["inspect schools", "hold the power", "approve conversions"]),
    negation=st.sampled_from(["do not", "never", "don't", "cannot"]),
)
def test_a_denial_never_agrees_with_the_affirmation(subject: str, verb: str, negation: str):
    assert polarity_conflict(f"{subject} {negation} {verb}.", [f"{subject} {verb}."])
    assert polarity_conflict(f"{subject} {verb}.", [f"{subject} {negation} {verb}."])
    assert not polarity_conflict(f"{subject} {verb}.", [f"{subject} {verb}."])
