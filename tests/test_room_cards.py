"""Source cards as the page draws them: the quote marked in every paragraph it runs over, text
escaped, no character offsets; and the answer's [n] made links to the cards."""

from __future__ import annotations

import re

from app.ui.common import card_html, escape, linked_markers, source_anchor
from engine.answers import Citation

TWO_PARAGRAPHS = "Ofsted inspects schools. It reports.\n\nIt holds the power to inspect. It is old."


def _citation(text: str, highlight: tuple[int, int], **fields: object) -> Citation:
    values: dict = {
        "n": 2, "doc_id": "d", "title": "A <b>guide</b>",
        "section": "The inspection space > Ofsted", "page": None, "text": text,
        "quote": text[highlight[0] : highlight[1]],
        "start": 13755, "end": 13965, "highlight": highlight, "author": "Ann Author", "year": 2018,
    }  # fmt: skip
    values.update(fields)
    return Citation(**values)


def _marked(card: str) -> list[str]:
    return re.findall(r'<mark class="govassist-quote">(.*?)</mark>', card, flags=re.S)


def test_a_quote_over_two_paragraphs_is_marked_in_both_without_brackets() -> None:
    start = TWO_PARAGRAPHS.index("It reports.")
    end = TWO_PARAGRAPHS.index(" It is old.")
    card = card_html(_citation(TWO_PARAGRAPHS, (start, end)), "answer-0-source-2")
    assert _marked(card) == ["It reports.", "It holds the power to inspect."]
    paragraphs = re.findall(r"<p>(.*?)</p>", card, flags=re.S)
    assert paragraphs == [
        'Ofsted inspects schools. <mark class="govassist-quote">It reports.</mark>',
        '<mark class="govassist-quote">It holds the power to inspect.</mark> It is old.',
    ]
    assert "[" not in card.replace("[2]", "") and "]" not in card.replace("[2]", "")


def test_a_quote_ending_at_a_paragraph_break_leaves_no_empty_mark() -> None:
    end = TWO_PARAGRAPHS.index("\n\n") + 2  # the sentence's span took the break with it
    card = card_html(_citation(TWO_PARAGRAPHS, (0, end)), "a")
    assert _marked(card) == ["Ofsted inspects schools. It reports."]


def test_the_card_names_its_source_escaped_and_shows_no_offsets() -> None:
    hostile = '<img src=x onerror="alert(1)"> Ofsted inspects.'
    card = card_html(_citation(hostile, (0, len(hostile)), page=7), source_anchor(3, 2))
    assert card.startswith('<div class="govassist-card" id="answer-3-source-2">')
    assert "[2] A &lt;b&gt;guide&lt;/b&gt; · Ann Author · 2018" in card
    assert "The inspection space &gt; Ofsted · page 7" in card
    assert "<img" not in card and "&lt;img src=x" in card
    assert "13755" not in card and "13965" not in card and "characters" not in card


def test_cited_markers_become_links_to_their_cards() -> None:
    text = escape("Ofsted inspects [1]. Parliament set it up [2]. A stray [7] stays.")
    linked = linked_markers(text, {1, 2}, 4)
    assert "[\\[1\\]](#answer-4-source-1)" in linked
    assert "[\\[2\\]](#answer-4-source-2)" in linked
    assert "stray \\[7\\] stays" in linked


def test_two_runs_of_one_passage_share_one_card_with_both_marked() -> None:
    first = _citation(TWO_PARAGRAPHS, (0, len("Ofsted inspects schools.")), n=1)
    start = TWO_PARAGRAPHS.index("It is old.")
    third = _citation(TWO_PARAGRAPHS, (start, len(TWO_PARAGRAPHS)), n=3)
    card = card_html(first, source_anchor(0, 1), [third], [source_anchor(0, 3)])
    assert _marked(card) == ["Ofsted inspects schools.", "It is old."]
    assert "[1] [3] A &lt;b&gt;guide&lt;/b&gt;" in card
    # Both answers' [n] links land on this card.
    assert 'id="answer-0-source-1"' in card and 'id="answer-0-source-3"' in card
    assert card.count("<p>") == 2  # the passage once
