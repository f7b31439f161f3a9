"""Fast unit tests: plain words in a question joined by the documents' own names for them, and
questions about money that only a sum of money answers."""

from __future__ import annotations

from engine.answer_type import AnswerType, expected_type, satisfies
from index.plain_terms import PlainTerms, term_groups
from index.vocabulary import Vocabulary

DOCS = [
    # "Local authorities" comes first: on a tie, the first the documents use.
    "Local authorities are accountable ultimately to the local electorate.",
    "The local authority must keep a register. The Teaching Schools Council advises.",
    "Providers must obtain an enhanced criminal records check for every person aged 16 and over.",
]


def test_a_plain_word_gains_the_phrase_the_documents_use_most() -> None:
    terms = PlainTerms.learn(DOCS)
    assert terms.add_document_terms("who are councils accountable to") == (
        "who are councils (local authorities) accountable to"
    )
    assert terms.add_document_terms("Who needs a DBS check here?") == (
        "Who needs a DBS check (criminal records check) here?"
    )
    # Nothing to add when the question already says it the documents' way.
    assert terms.add_document_terms("Who is the local authority accountable to?") == (
        "Who is the local authority accountable to?"
    )


def test_names_askers_and_unused_phrases_are_left_alone() -> None:
    terms = PlainTerms.learn(DOCS)
    # A word of a capitalised name is not the plain word.
    assert terms.add_document_terms("What does the Teaching Schools Council do?") == (
        "What does the Teaching Schools Council do?"
    )
    # Nor in lower case, when the documents write the name only in capitals.
    assert terms.add_document_terms("is the teaching schools council self appointed") == (
        "is the teaching schools council self appointed"
    )
    # Who is asking is not what is asked about.
    assert terms.add_document_terms("Useful for councils. And who inspects?") == (
        "Useful for councils. And who inspects?"
    )
    assert terms.add_document_terms("As councils, what must we publish?") == (
        "As councils, what must we publish?"
    )
    # A group the documents never use adds nothing: "medicines" is not in DOCS.
    assert terms.add_document_terms("Can staff give medication?") == "Can staff give medication?"


def test_the_documents_decide_which_phrase_and_a_large_library_is_sampled() -> None:
    group = ("headteacher", "head teacher", "heads")
    spaced = PlainTerms.learn(["The head teacher decides."] * 3, [group])
    joined = PlainTerms.learn(["The headteacher decides."] * 3, [group])
    assert spaced.add_document_terms("who appoints heads") == "who appoints heads (head teacher)"
    assert joined.add_document_terms("who appoints heads") == "who appoints heads (headteacher)"
    big = PlainTerms.learn(["The headteacher decides. " * 400] * 1000, [group])
    assert len(big.text) <= 1_100_000


def test_the_vocabulary_reads_a_question_both_ways() -> None:
    vocabulary = Vocabulary.learn([*DOCS, "Regional Schools Commissioners (RSCs) intervene."] * 3)
    assert vocabulary.read("Who do the comissioners report to, and councils?") == (
        "Who do the commissioners report to, and councils (local authorities)?"
    )


def test_every_group_is_a_list_of_distinct_phrases() -> None:
    groups = term_groups()
    assert len(groups) >= 10
    for group in groups:
        assert len(group) >= 2
        assert len({phrase.lower() for phrase in group}) == len(group)


def test_a_question_about_cost_needs_a_sum_of_money() -> None:
    assert expected_type("How much does an enhanced DBS check cost a nursery?") is AnswerType.MONEY
    assert expected_type("What salary does a commissioner earn?") is AnswerType.MONEY
    assert expected_type("How much notice must members be given?") is AnswerType.QUANTITY
    assert not satisfies("A check for every person aged 16 and over.", AnswerType.MONEY)
    assert satisfies("The fee is £38 for each check.", AnswerType.MONEY)
    assert satisfies("Checks for volunteers are free of charge.", AnswerType.MONEY)


def test_a_yes_or_no_question_prefers_the_sentence_that_settles_it() -> None:
    assert expected_type("Can I hand my membership over to my partner?") is AnswerType.YES_NO
    assert expected_type("Our director owns the firm. Can they vote on it?") is AnswerType.YES_NO
    # The asking clause decides: framing first, then the question.
    assert expected_type("As a new trustee, how many directors must there be?") is (
        AnswerType.QUANTITY
    )
    assert expected_type("How many governors, if any, must be parents?") is AnswerType.QUANTITY
    assert expected_type("Who inspects schools?") is None
    assert satisfies("Membership is not transferable.", AnswerType.YES_NO)
    assert satisfies("This guidance is non-statutory.", AnswerType.YES_NO)
    assert not satisfies("Membership opens in September.", AnswerType.YES_NO)


def test_the_shipped_groups_leave_words_of_another_sense_alone() -> None:
    terms = PlainTerms.learn(
        ["The articles of association say so. Pupils and students on placement."] * 3,
        term_groups(),
    )
    # School rules are not a trust's articles; a trust's rules are.
    assert terms.add_document_terms("What do the school rules say on phones?") == (
        "What do the school rules say on phones?"
    )
    assert terms.add_document_terms("Can the trust's rules be changed?") == (
        "Can the trust's rules (articles) be changed?"
    )
    # In early years guidance "students" are trainees on placement, not pupils.
    assert terms.add_document_terms("Can students count in the ratios?") == (
        "Can students count in the ratios?"
    )


def test_a_trusts_trustees_are_its_articles_directors() -> None:
    """An academy trust is a charitable company: its trustees are the directors its articles
    speak of, and a governor asks about "trustees" of articles that never say it."""
    terms = PlainTerms.learn(
        ["The directors may delegate any of their powers. The directors must meet."] * 3,
        term_groups(),
    )
    assert terms.add_document_terms("Can the trustees delegate to a committee?") == (
        "Can the trustees (directors) delegate to a committee?"
    )
