"""Limits and escaping found by trying to misuse a shared training server: a pasted book as an
answer is not marked whole, conversation ids admit no line break, the session export renders
as text, and the browser tab's icon is drawn locally (a Material icon is fetched from Google)."""

from __future__ import annotations

import time

from app.conversations import new_id, valid_id
from app.quiz import MAX_ANSWER_CHARS, QuizItem, mark
from app.ui.common import page_icon
from app.ui.training_page import export


def test_only_the_start_of_a_very_long_answer_is_marked() -> None:
    item = QuizItem(
        id="q1", question="Who inspects schools?", category="role", spaces=(),
        reference="Ofsted inspects schools.", key_facts=(("Ofsted",),),
    )  # fmt: skip
    started = time.perf_counter()
    marking = mark("nothing " * 1_000_000 + "Ofsted", item, embedder=None)
    assert not marking.found and time.perf_counter() - started < 2
    assert list(mark("x" * (MAX_ANSWER_CHARS - 7) + " Ofsted", item).found) == ["Ofsted"]


def test_an_id_with_a_line_break_is_not_an_id() -> None:
    made = new_id()
    assert valid_id(made) == made
    assert valid_id(made + "\n") is None and valid_id("A" * 20 + "\n") is None


def test_the_training_export_renders_as_text() -> None:
    hostile = "<img src=x onerror=alert(1)> ![b](http://beacon.example/x.png)"
    text = export(
        [
            {
                "question": hostile, "answer": hostile, "found": [hostile], "close": [],
                "credit": 1.0, "reference": hostile,
                "sources": [{"n": 1, "byline": hostile, "section": hostile, "quote": hostile}],
            }
        ]
    )  # fmt: skip
    assert "<img" not in text and "![b](http" not in text
    assert "&lt;img src=x onerror=alert(1)&gt; \\!\\[b\\](http" in text


def test_the_tab_icon_is_an_image_drawn_here() -> None:
    icon = page_icon()
    assert icon.size == (64, 64)
