import pytest

from engine.answer_type import (
    REQUIRED,
    AnswerType,
    counted_words,
    expected_type,
    quantities,
    satisfies,
    years,
)


def test_expected_type_from_the_question_opening() -> None:
    assert expected_type("How many teaching schools are there?") is AnswerType.QUANTITY
    assert expected_type("How much money do opportunity areas have?") is AnswerType.MONEY
    assert expected_type("What share of secondary schools are academies?") is AnswerType.QUANTITY
    assert expected_type("When were RSCs introduced?") is AnswerType.TIME
    assert expected_type("How long does a trust have to respond?") is AnswerType.TIME
    # "When does X intervene?" asks for conditions, not a date.
    assert expected_type("When does the ESFA intervene?") is None
    assert expected_type("Who inspects schools?") is None


def test_quantities_are_numbers_but_not_years() -> None:
    assert satisfies("over 800 teaching schools", AnswerType.QUANTITY)
    assert satisfies("a share of £72 million", AnswerType.QUANTITY)
    assert satisfies("more than two thirds of schools", AnswerType.QUANTITY)
    assert satisfies("a board of fifteen trustees", AnswerType.QUANTITY)
    assert satisfies("at least seventy members", AnswerType.QUANTITY)
    assert not satisfies("set up by the Education (Schools) Act 1992", AnswerType.QUANTITY)
    assert not satisfies("RSCs draw authority from the Secretary of State", AnswerType.QUANTITY)


def test_the_numbers_of_a_cross_reference_count_nothing() -> None:
    assert quantities("Subject to paragraph (7), if a question arises") == frozenset()
    assert quantities("as in paragraphs 3.13 to 3.16, and article 14(3)") == frozenset()
    assert quantities("Regulations 2012 S.I. 2012/10.") == frozenset()
    assert quantities("under section 27, for three- and four-year-olds") == {"three", "four"}
    assert not satisfies(
        "Subject to paragraph (7), a question about a director is referred to the chairman.",
        AnswerType.QUANTITY,
        counted=(frozenset({"director"}),),
    )


def test_a_number_the_question_gives_is_not_the_number_it_asks_for() -> None:
    question = "How many adults (staff) do we need for a room of two-year-olds?"
    given, counted = quantities(question), counted_words(question)
    assert given == {"two"} and counted == ({"adult"}, {"staff"})
    quantity = AnswerType.QUANTITY
    # The question's own "two", and a number of something else, answer nothing.
    assert not satisfies("A room for under two-year-olds needs a lead.", quantity, given, counted)
    assert not satisfies("Two-year-olds: 2.5m2 per child.", quantity, given, counted)
    assert satisfies("one member of staff for every five children", quantity, given, counted)
    # Without those, any number still does.
    assert satisfies("Two-year-olds: 2.5m2 per child.", quantity)


def test_what_a_how_many_question_counts() -> None:
    assert counted_words("As a new trustee, how many members must a trust have?") == ({"member"},)
    assert counted_words("How many directors have to be there for a meeting?") == ({"director"},)
    # "How many of the rest ..." does not say what it counts, so no word is required.
    assert counted_words("How many of the rest of the team need a level 2?") == ()
    assert counted_words("What share of schools are academies?") == ()
    # "the maximum number of X" counts X, and a plain term the reading added to a later word
    # ("a chair (chairman)") is not counted with it.
    assert counted_words("What's the maximum number of terms a chair (chairman) can serve?") == (
        {"term"},
    )
    # Every word that narrows what is counted must be named; "different" does not narrow.
    key_children = counted_words("How many key children can one key person have at most?")
    assert key_children == ({"key", "children"},)
    ratio = "For children aged three and over, one member of staff for every 13 children."
    assert not satisfies(ratio, AnswerType.QUANTITY, counted=key_children)
    areas = counted_words("How many different areas will Ofsted grade us on?")
    assert satisfies("Schools are graded in five areas.", AnswerType.QUANTITY, counted=areas)


def test_times_are_years_months_or_durations() -> None:
    assert satisfies("2014 saw the introduction of RSCs", AnswerType.TIME)
    assert satisfies("published in October", AnswerType.TIME)
    assert satisfies("within 30 days", AnswerType.TIME)
    # Any unit, in figures or in words: a chair late by ten minutes, a quorum within half an hour.
    for text in (
        "If the chairman is not participating within ten minutes of the time it was to start",
        "within half an hour of the time at which the meeting was due to start",
        "not less than 48 hours before the meeting",
        "at least 7 clear days' notice",
        "the records are kept for a fortnight",
        "within three months of starting",
    ):
        assert satisfies(text, AnswerType.TIME), text
    assert not satisfies("RSCs are accountable to the Secretary of State", AnswerType.TIME)
    assert not satisfies("one member of staff for every five children", AnswerType.TIME)
    assert satisfies("anything at all", None)


def test_years() -> None:
    assert years("What changed in 2022 and 1999, not 12345?") == {"2022", "1999"}


def test_why_questions_prefer_sentences_that_give_a_reason() -> None:
    assert expected_type("Why is good system governance important?") is AnswerType.REASON
    assert expected_type("what is the purpose of the agreement") is AnswerType.REASON
    assert satisfies("Good governance is essential as a response to failure.", AnswerType.REASON)
    assert satisfies("We did it in order to support recruitment.", AnswerType.REASON)
    assert not satisfies("The board meets each term.", AnswerType.REASON)


def test_who_decides_prefers_a_sentence_whose_subject_acts() -> None:
    for question in (
        "Who decides whether a particular reception pupil sits the baseline assessment?",
        "who gets the final say on whether a child sits the assessment",
        "Which body appoints the chief inspector?",
        "As a new trustee: who is responsible for the budget?",
    ):
        assert expected_type(question) is AnswerType.ACTOR, question
    # Whom a rule applies to, or a name, is not who acts.
    assert expected_type("Who needs an enhanced DBS check?") is None
    assert expected_type("Who is the chair of the Teaching Schools Council?") is None
    assert expected_type("Who inspects schools?") is None
    acts = "Headteachers must make the final decision about whether a pupil takes part."
    assert satisfies(acts, AnswerType.ACTOR)
    assert not satisfies("The RBA is a short assessment taken in reception.", AnswerType.ACTOR)
    # A lead-in whose list names who acts: "(a) the chairman of the meeting; (b) the directors".
    assert satisfies("A poll may be demanded by—", AnswerType.ACTOR)
    assert satisfies("A director may be appointed by:", AnswerType.ACTOR)
    assert not satisfies("A poll on a resolution may be demanded—", AnswerType.ACTOR)
    assert not satisfies("The meeting is chaired by the chairman.", AnswerType.ACTOR)
    assert AnswerType.ACTOR not in REQUIRED  # a preference, never a reason to refuse


def test_only_a_missing_number_or_date_makes_a_question_unanswerable() -> None:
    assert AnswerType.QUANTITY in REQUIRED and AnswerType.TIME in REQUIRED
    assert AnswerType.REASON not in REQUIRED


def test_how_often_needs_a_frequency_and_a_salary_needs_a_sum() -> None:
    assert expected_type("How often must a governing board meet each year?") is (
        AnswerType.FREQUENCY
    )
    assert satisfies("The board must meet at least three times a year.", AnswerType.FREQUENCY)
    assert satisfies("Directors meet termly.", AnswerType.FREQUENCY)
    assert not satisfies("The board meets to set the budget.", AnswerType.FREQUENCY)
    assert expected_type("What salary does a regional schools commissioner earn?") is (
        AnswerType.MONEY
    )
    assert not satisfies("There are eight RSCs.", AnswerType.MONEY)
    # A budget or a cost asked about another way is a sum of money too, not any number.
    for question in (
        "How much should we budget per person for a first aid course?",
        "What does an enhanced DBS check cost?",
        "What's the fine if we're late telling Ofsted about a serious accident?",
        "What fine can Ofsted give a nursery that breaks the ratios?",
    ):
        assert expected_type(question) is AnswerType.MONEY
    assert not satisfies("The course must last at least 12 hours.", AnswerType.MONEY)
    # "commits an offence" says there is a penalty, not what it costs.
    assert not satisfies("A provider who does not meet this commits an offence.", AnswerType.MONEY)
    assert expected_type("Is that fine with Ofsted?") is not AnswerType.MONEY


def test_a_temperature_asked_for_is_a_figure_that_says_it_is_one() -> None:
    question = "What temperature should our baby sleep room be kept at?"
    assert expected_type(question) is AnswerType.QUANTITY
    counted = counted_words(question)
    assert satisfies("Rooms should be kept at a temperature of 16 to 20°C.", AnswerType.QUANTITY,
                     counted=counted)  # fmt: skip
    assert satisfies("Keep sleep rooms at 16 to 20 degrees.", AnswerType.QUANTITY, counted=counted)
    # Numbers about something else do not say how warm the room must be.
    assert not satisfies("Under twos need 3.5m2 each in the baby room.", AnswerType.QUANTITY,
                         counted=counted)  # fmt: skip


def test_by_when_asks_for_a_date() -> None:
    assert expected_type("By when does the EYFS Profile have to be finished?") is AnswerType.TIME
    assert expected_type("What is the deadline for the return?") is AnswerType.TIME


def test_a_maximum_or_minimum_asks_for_a_number() -> None:
    assert expected_type("What's the minimum outdoor space per child?") is AnswerType.QUANTITY
    assert expected_type("What is the maximum number of children per adult?") is (
        AnswerType.QUANTITY
    )
    assert expected_type("is there a maximum number of babies in one room? I heard 12") is (
        AnswerType.QUANTITY
    )
    assert expected_type("Is there a limit on how many terms a director serves?") is (
        AnswerType.QUANTITY
    )
    assert expected_type("Is there a role for the local authority?") is AnswerType.YES_NO
    assert expected_type("whats the max number of trustees on a board?") is AnswerType.QUANTITY


@pytest.mark.parametrize(
    "question",
    [
        "What hourly rate does the council pay for funded places?",
        "what attendance % does a school have to fall below to be flagged",
        "What's the adult to child ratio for outings?",
        "What is the staff:child ratio for the over-threes?",
        "What percentage of staff must hold a level 2 qualification?",
    ],
)
def test_a_rate_a_ratio_or_a_percentage_is_a_figure(question: str) -> None:
    assert expected_type(question) is AnswerType.QUANTITY


def test_asking_about_a_ratio_is_not_asking_for_one() -> None:
    assert expected_type("What does the ratio mean for a childminder?") is None
    assert expected_type("What does Ofsted rate schools on?") is None
