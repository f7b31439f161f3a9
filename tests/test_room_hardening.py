"""Limits and escaping found by trying to misuse a shared training server: a pasted book as an
answer is not marked whole, conversation ids admit no line break, the session export renders
as text, and the browser tab's icon is drawn locally (a Material icon is fetched from Google)."""

from __future__ import annotations

import json
import time
from pathlib import Path

from app.conversations import ConversationStore, new_id, valid_id
from app.quiz import MAX_ANSWER_CHARS, QuizItem, mark
from app.room_scores import learner_name
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
    assert "&lt;img src=x onerror=alert(1)> \\!\\[b\\](http" in text


def test_the_tab_icon_is_an_image_drawn_here() -> None:
    icon = page_icon()
    assert icon.size == (64, 64)


def test_look_alike_and_formula_names_are_one_plain_name() -> None:
    assert learner_name("Ali\u200bce") == "Alice"  # a zero-width space
    assert learner_name("\u202eAlice") == "Alice"  # a right-to-left override
    assert learner_name("Ａｌｉｃｅ") == "Alice"  # full-width letters
    assert learner_name('=HYPERLINK("http://x")') == 'HYPERLINK("http://x")'
    assert learner_name("  Sam   Jones ") == "Sam Jones"


def test_a_conversation_file_of_the_wrong_shape_is_left_out(tmp_path: Path) -> None:
    store = ConversationStore(tmp_path)
    browser, conversation = new_id(), new_id()
    folder = tmp_path / browser
    folder.mkdir(parents=True)
    for text in (
        "[" * 100_000 + "]" * 100_000,  # nested past the parser's recursion limit
        json.dumps({"updated": "x", "turns": [{"question": 7, "answer": {"text": 1}}]}),
    ):
        (folder / f"{conversation}.json").write_text(text, encoding="utf-8")
        assert store.load(browser, conversation) is None
        assert store.summaries(browser) == []
