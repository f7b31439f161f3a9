"""Conversations kept per browser (app/conversations.py): saved whole after each answer, read
back exactly, listed newest first, pruned, and never reached with another browser's id or a
made-up path."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from app.conversations import (
    MAX_CONVERSATIONS,
    ConversationStore,
    ConversationUnavailable,
    answer_from_record,
    answer_record,
    new_id,
    valid_id,
)
from engine.answers import Answer, AnswerSentence, Citation


def _answer(question: str) -> Answer:
    citation = Citation(
        n=1, doc_id="cst", title="Where next", section="Ofsted > Authority", page=3,
        text="Ofsted holds the power to inspect schools.", quote="Ofsted holds the power",
        start=10, end=32, highlight=(0, 22), chunk_id="c1", author="L. Cruddas", year=2018,
    )  # fmt: skip
    return Answer(
        question, "Ofsted holds the power to inspect schools. [1]", False, (citation,),
        (AnswerSentence("Ofsted holds the power to inspect schools.", 1),), 12.5,
        resolved_question=question, nearby=("A > B",), notice="",
    )  # fmt: skip


def test_an_answer_comes_back_exactly_as_it_was_shown() -> None:
    answer = _answer("Who inspects schools?")
    assert answer_from_record(answer_record(answer)) == answer


def test_saved_conversations_are_read_back_and_listed_newest_first(tmp_path: Path) -> None:
    store, browser = ConversationStore(tmp_path), new_id()
    first, second = new_id(), new_id()
    store.save(browser, first, [("Who inspects schools?", _answer("Who inspects schools?"))])
    time.sleep(0.01)
    turns = [("Who funds academies?", _answer("Who funds academies?"))] * 2
    store.save(browser, second, turns)
    assert store.load(browser, second) == turns
    listed = store.summaries(browser)
    assert [s.id for s in listed] == [second, first]
    assert listed[0].title == "Who funds academies?" and listed[0].turns == 2


def test_another_browser_or_a_made_up_id_finds_nothing(tmp_path: Path) -> None:
    store, browser, conversation = ConversationStore(tmp_path), new_id(), new_id()
    store.save(browser, conversation, [("Q?", _answer("Q?"))])
    assert store.load(new_id(), conversation) is None
    assert store.load(browser, "../../etc/passwd") is None
    assert store.summaries("../x") == []
    with pytest.raises(ConversationUnavailable):
        store.save("../escape", conversation, [])
    assert valid_id("short") is None and valid_id(new_id())


def test_only_the_newest_conversations_are_kept(tmp_path: Path) -> None:
    store, browser = ConversationStore(tmp_path), new_id()
    ids = [new_id() for _ in range(MAX_CONVERSATIONS + 2)]
    for number, conversation in enumerate(ids):
        store.save(browser, conversation, [(f"Q{number}?", _answer(f"Q{number}?"))])
        os.utime(tmp_path / browser / f"{conversation}.json", (number, number))
    kept = {s.id for s in store.summaries(browser)}
    assert len(kept) == MAX_CONVERSATIONS and ids[-1] in kept and ids[0] not in kept


def test_a_damaged_file_is_left_out_and_a_failed_write_is_a_plain_error(tmp_path: Path) -> None:
    store, browser = ConversationStore(tmp_path), new_id()
    good, bad = new_id(), new_id()
    store.save(browser, good, [("Q?", _answer("Q?"))])
    (tmp_path / browser / f"{bad}.json").write_text("{not json", encoding="utf-8")
    assert [s.id for s in store.summaries(browser)] == [good]
    assert store.load(browser, bad) is None
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")  # as root, a read-only folder is no bar
    with pytest.raises(ConversationUnavailable, match="could not be saved"):
        ConversationStore(blocked).save(browser, new_id(), [("Q?", _answer("Q?"))])
