"""The documents' own vocabulary: abbreviations they define, spellings they use."""

from __future__ import annotations

from index.lexical import tokenize
from index.vocabulary import Vocabulary, learn_abbreviations

TEXTS = [
    "Schools change. The rests between terms are short.",
    "2014 saw the introduction of regional schools commissioners (RSCs) to oversee academies.",
    "The Education and Skills Funding Agency (ESFA) is the financial regulator of academies.",
    "Her Majesty's Chief Inspector (HMCI) is appointed by an Order-in-Council.",
    "The Department for Education (DfE) sets policy. RSCs are accountable to ministers.",
    "Local authorities maintain schools. Local authorities draw their authority from "
    "councillors. Many local authorities have boards. The inspectorate reports to Parliament.",
    "Schools may join a trust (see below). The word (IT) is not defined here.",
]


def test_abbreviations_are_learnt_from_brackets_after_their_long_form() -> None:
    assert learn_abbreviations(TEXTS) == {
        "RSC": "regional schools commissioners",
        "ESFA": "Education and Skills Funding Agency",
        "HMCI": "Her Majesty's Chief Inspector",
        "DfE": "Department for Education",
    }


def test_a_question_abbreviation_gets_its_long_form_and_a_spelt_out_name_does_not_repeat() -> None:
    vocabulary = Vocabulary.learn(TEXTS)
    assert vocabulary.expand("Who do RSCs answer to?") == (
        "Who do RSCs answer to? (regional schools commissioners)"
    )
    assert vocabulary.expand("who do rscs answer to") == (
        "who do rscs answer to (regional schools commissioners)"
    )
    spelt = "Who regulates the Education and Skills Funding Agency?"
    assert vocabulary.expand(spelt) == spelt


def test_an_abbreviation_the_documents_also_write_as_a_word_is_read_so_in_lower_case() -> None:
    texts = [
        "Children with special educational needs and disabilities (SEND) must be supported.",
        "If a child moves setting, the original setting must send their assessment on.",
        "The National Cyber Security Centre (NCSC) has guidance: https://www.ncsc.gov.uk/guidance",
    ]
    vocabulary = Vocabulary.learn(texts)
    assert vocabulary.also_words == frozenset({"SEND"})  # "ncsc" only inside an address
    plain = "do we have to send out notice again?"
    assert vocabulary.expand(plain) == plain
    assert vocabulary.expand("Who leads on SEND?") == (
        "Who leads on SEND? (special educational needs and disabilities)"
    )
    assert vocabulary.expand("what does the ncsc say") == (
        "what does the ncsc say (National Cyber Security Centre)"
    )
    # So in a sentence: the verb brings no "special educational needs" to its words.
    verb = "The setting must send their assessment on."
    assert vocabulary.with_aliases(set(tokenize(verb)), verb) == set(tokenize(verb))
    named = "Settings must support children with SEND."
    assert "disabl" in vocabulary.with_aliases(set(tokenize(named)), named)


def test_sentence_words_count_for_either_name() -> None:
    vocabulary = Vocabulary.learn(TEXTS)
    short = vocabulary.with_aliases(set(tokenize("RSCs are accountable")), "RSCs are accountable")
    assert set(tokenize("regional schools commissioners")) <= short
    agency = "the Education and Skills Funding Agency"
    long = vocabulary.with_aliases(set(tokenize(agency)), agency)
    assert "esfa" in long
    plain = set(tokenize("schools are accountable"))
    assert vocabulary.with_aliases(plain, "schools are accountable") == plain


def test_a_long_form_answers_to_its_abbreviation_and_its_plural() -> None:
    """A document defines "Local Authority (LA)" and writes "local authorities" after it: a
    sentence with the long form answers "Who are LAs accountable to?" as well as "the LA"."""
    vocabulary = Vocabulary.learn(
        ["There are no routine Local Authority (LA) monitoring arrangements.",
         "Local authorities are accountable ultimately to the local electorate."]
    )  # fmt: skip
    text = "Local authorities are accountable"
    sentence = vocabulary.with_aliases(set(tokenize(text)), text)
    assert set(tokenize("LA")) <= sentence and set(tokenize("LAs")) <= sentence


def test_an_abbreviation_the_documents_never_use_is_spelt_out_from_their_phrases() -> None:
    vocabulary = Vocabulary.learn(TEXTS)
    assert vocabulary.spell_out_unknown("Who are LAs accountable to?") == (
        "Who are local authorities accountable to?"
    )
    # No phrase with these initials occurs three times: left as asked.
    assert vocabulary.spell_out_unknown("What does the QZ do?") == "What does the QZ do?"


def test_two_capitals_are_an_abbreviation_and_each_letter_a_word_that_counts() -> None:
    vocabulary = Vocabulary.learn(
        [
            "A teaching assistant may help. The teaching assistant knows the child. Ask a "
            "teaching assistant. Notice that any member may attend at general meetings, and "
            "that any other member at general meetings, and that any proxy at general meetings."
        ]
    )
    # "TA" is also a word ("thanks"), but in capitals it is the documents' teaching assistant.
    assert vocabulary.spell_out_unknown("Can our TA do it?") == (
        "Can our teaching assistant do it?"
    )
    # "at general meetings" and "that any" are frequent, but "at" and "that" are stop words: no
    # letter of an abbreviation stands for one.
    assert vocabulary.spell_out_unknown("When is the AGM?") == "When is the AGM?"


def test_a_short_abbreviation_typed_in_lower_case_is_spelt_out_too() -> None:
    vocabulary = Vocabulary.learn(TEXTS)
    assert vocabulary.spell_out_unknown("who do las answer to") == (
        "who do local authorities answer to"
    )
    assert vocabulary.spell_out_unknown("what does the la do") == (
        "what does the local authorities do"
    )
    # Words the documents use, stop words and words without such a phrase are left alone.
    for question in ("who are the rscs", "is it so", "who pays the fee"):
        assert vocabulary.spell_out_unknown(question) == question


def test_slips_of_the_keyboard_are_read_as_the_documents_words() -> None:
    vocabulary = Vocabulary.learn(TEXTS)
    assert vocabulary.correct("Who do the comissioners report to?") == (
        "Who do the commissioners report to?"
    )
    assert vocabulary.correct("Who appoints the Cheif Inspector") == (
        "Who appoints the Chief Inspector"
    )  # two neighbouring letters swapped: one edit
    assert vocabulary.correct("What is the inspectorat for") == "What is the inspectorate for"


def test_a_slip_is_read_as_the_word_it_nearly_spells_before_a_commoner_word_of_its_stem() -> None:
    # "athorities" is one letter from "authorities" as written, and only as stemmed from
    # "authority", which these documents use more often.
    vocabulary = Vocabulary.learn(
        ["The authority decides. Its authority is clear. Our authority acts. Local authorities."]
    )
    assert vocabulary.correct("And local athorities?") == "And local authorities?"


def test_a_slip_of_two_swapped_letters_is_read_before_a_commoner_word_one_letter_off() -> None:
    # "worht" is one edit from "worth" (two keys swapped) and from "worst" (one key wrong).
    vocabulary = Vocabulary.learn(["The worst case. The worst year. The worst. It is worth it."])
    assert vocabulary.correct("How much is the fund worht?") == "How much is the fund worth?"


def test_an_english_word_misspelt_is_read_when_the_documents_use_its_stem_in_another_form() -> None:
    # The documents write "different", never "difference": no word of theirs is one letter
    # from "diffrence", but the English word it misspells shares their stem.
    vocabulary = Vocabulary.learn(["The powers are different. Parents decide when members are."])
    assert vocabulary.correct("What is the diffrence?") == "What is the difference?"
    # "arent" is likeliest "aren't", though "parent" is one letter away and in the documents.
    assert vocabulary.correct("members arent quorate") == "members arent quorate"


def test_words_far_from_any_document_word_are_left_alone() -> None:
    vocabulary = Vocabulary.learn(TEXTS)
    for question in (
        "What grade did Oakfield Primary get?",  # a name the documents never mention
        "What is their pay?",  # too short to correct safely
        "Who regulates academies?",  # known words
        "How do I reset my password?",  # English words, though one letter from "rests"
        "How much does Ofsted charge?",  # ... and from "change"
    ):
        assert vocabulary.correct(question) == question


def test_british_spellings_are_english_words_and_left_alone() -> None:
    """The word list spells the American way; "metre" is not a slip for the documents' "mere",
    nor "colour" for "colder"."""
    vocabulary = Vocabulary.learn(
        ["It is a mere formality.", "Colder rooms need care.", "The centred approach."]
    )
    for question in (
        "Do we have to meet the indoor sq metre per child rules?",
        "What colour is the form?",
        "Is there a centre nearby?",
    ):
        assert vocabulary.correct(question) == question
    assert vocabulary.correct("Is it a mere formalty?") == "Is it a mere formality?"


def test_a_question_in_capitals_keeps_its_words() -> None:
    vocabulary = Vocabulary.learn(TEXTS)
    assert vocabulary.spell_out_unknown("WHO ARE LAs ACCOUNTABLE TO") == (
        "WHO ARE local authorities ACCOUNTABLE TO"
    )
    assert vocabulary.spell_out_unknown("WHAT IS THE SALARY") == "WHAT IS THE SALARY"


def test_a_follow_up_names_the_actor_its_lower_case_abbreviation_stands_for() -> None:
    from engine.query import read_query

    query = read_query("and the las?", ["Who are RSCs accountable to?"], Vocabulary.learn(TEXTS))
    assert query.resolved.actors == ("Local authorities",)
    assert "local authorities" in query.resolved.text


def test_a_number_typed_in_the_plural_is_read_as_the_documents_write_it() -> None:
    vocabulary = Vocabulary.learn(["Staff must have experience of working with under twos."])
    assert vocabulary.read("whats the ratio for under 2s?") == "whats the ratio for under twos?"
    assert vocabulary.read("and the 3's?") == "and the 3's?"  # the documents never say "threes"
    sixes = Vocabulary.learn(["Classes of sixes and sevens."])
    assert sixes.read("groups of 6s or 7s") == "groups of sixes or sevens"


def test_the_english_word_list_can_be_loaded_before_the_first_question() -> None:
    from ingest.words import english, load_english_in_background

    english.cache_clear()
    load_english_in_background().join(timeout=30)
    assert english.cache_info().currsize == 1
    assert english().known(["difference"])
