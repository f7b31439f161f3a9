from ingest.sentences import split_sentences
from ingest.text import INLINE_MARKUP, clean, join


def test_clean_strips_markup_and_keeps_offsets() -> None:
    original = "a **bold** word<sup>1</sup> and [a link](http://x.y) *here*."
    result = clean(original)
    assert result.text == "a bold word and a link here."
    for i, ch in enumerate(result.text):
        if ch != " ":
            assert original[result.offsets[i]] == ch
    start, end = result.original_span(2, 6)
    assert original[start:end] == "bold"


def test_clean_collapses_whitespace_and_bullets() -> None:
    original = "- first  line  \n  continues\there"
    result = clean(original)
    assert result.text == "first line continues here"
    assert result.offsets[0] == 2


def test_clean_leaves_snake_case_and_arithmetic_alone() -> None:
    assert clean("snake_case and 2*3*4").text == "snake_case and 2*3*4"


def test_clean_of_a_slice_reports_file_offsets() -> None:
    original = "xxxx **Ofsted** draws"
    result = clean(original, 5, len(original))
    assert result.text == "Ofsted draws"
    assert result.offsets[0] == 7


def test_a_soft_hyphen_is_not_read_but_its_word_keeps_its_offsets() -> None:
    original = "The head\u00adteacher decides."
    result = clean(original)
    assert result.text == "The headteacher decides."
    start, end = result.original_span(4, 15)
    assert original[start:end] == "head\u00adteacher"


def test_text_that_is_not_markdown_keeps_its_brackets_and_asterisks() -> None:
    """A Word document's or a web page's placeholders and asterisks are words; only the item
    marker its loader wrote at a line's start is markup."""
    original = "- Raise it with <name of governor>; Mr J Smith* and [Annex B](page 12)."
    token = INLINE_MARKUP.set(False)
    try:
        result = clean(original)
    finally:
        INLINE_MARKUP.reset(token)
    assert result.text == original[2:]
    assert clean(original).text == "Raise it with ; Mr J Smith and Annex B."


def test_markdown_escapes_show_their_punctuation() -> None:
    assert clean("Board \\| spring term").text == "Board | spring term"
    assert clean("a \\*starred\\* word, *emphasis*").text == "a *starred* word, emphasis"
    assert clean("C:\\temp\\minutes").text == "C:\\temp\\minutes"  # no punctuation after it


def test_join_maps_separator_to_next_piece() -> None:
    joined = join([clean("ab"), clean("zzcd", 2, 4)], "\n\n")
    assert joined.text == "ab\n\ncd"
    assert joined.offsets == (0, 1, 2, 2, 2, 3)


def test_split_sentences_respects_abbreviations_and_initials() -> None:
    text = "Cruddas, L. (2018) wrote it. See e.g. the Act. It holds the power! Does it? Yes."
    spans = split_sentences(text)
    assert [text[s:e] for s, e in spans] == [
        "Cruddas, L. (2018) wrote it.",
        "See e.g. the Act.",
        "It holds the power!",
        "Does it?",
        "Yes.",
    ]


def test_dotted_letters_before_a_number_do_not_end_a_sentence() -> None:
    text = "Under the Regulations 2012 S.I. 2012/10. It moved to the U.K. The end."
    assert [text[s:e] for s, e in split_sentences(text)] == [
        "Under the Regulations 2012 S.I. 2012/10.",
        "It moved to the U.K.",  # before a capital, dotted letters may end a sentence
        "The end.",
    ]


def test_split_sentences_after_closing_quote() -> None:
    text = "He said “a new vision.” Increased decentralisation follows."
    assert [text[s:e] for s, e in split_sentences(text)] == [
        "He said “a new vision.”",
        "Increased decentralisation follows.",
    ]


def test_split_sentences_keeps_lowercase_continuation() -> None:
    text = "The figure was approx. ten. Then it rose."
    assert [text[s:e] for s, e in split_sentences(text)] == [
        "The figure was approx. ten.",
        "Then it rose.",
    ]
