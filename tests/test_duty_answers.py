"""Fast unit tests: "What must X do (about Y)?" answered from the duties register, each duty
quoted and cited; other questions, and actors the register does not know, answered as before."""

from __future__ import annotations

from pathlib import Path

from conftest import FakeEmbedder, fake_assistant

from engine.assistant import AbstentionPolicy
from engine.duty_answers import read_duty_question

DOC = """\
# Trust handbook

## Finance

The governing board must approve the annual budget before the start of the financial year.
The governing board should review the risk register every term.
Local authorities must publish their schemes for financing schools.

## Safeguarding

The governing board must appoint a designated safeguarding lead.
Staff may attend training in their own time.
"""


def test_the_actor_and_topic_of_a_duties_question() -> None:
    asked = read_duty_question("What must the governing board do about the budget?")
    assert asked is not None
    assert (asked.actor_words, asked.topic) == ("governing board", "the budget")
    asked = read_duty_question("what are the duties of our trustees regarding safeguarding")
    assert asked is not None
    assert (asked.actor_words, asked.topic) == ("trustees", "safeguarding")
    asked = read_duty_question("What responsibilities does the headteacher have?")
    assert asked is not None
    assert (asked.actor_words, asked.topic) == ("headteacher", "")
    asked = read_duty_question("What can Ofsted actually do if we break a rule?")
    assert asked is not None
    assert (asked.actor_words, asked.topic) == ("Ofsted", "if we break a rule")
    assert read_duty_question("Who inspects schools?") is None
    assert read_duty_question("What is the budget?") is None


def _assistant(tmp_path: Path) -> object:
    policy = AbstentionPolicy(min_dense=0.2, max_unknown_weight=0.9, min_evidence=0.2)
    return fake_assistant(tmp_path, DOC, FakeEmbedder(), policy=policy, max_citations=3)


def test_a_duties_question_lists_the_actors_duties_each_cited(tmp_path: Path) -> None:
    assistant = _assistant(tmp_path)
    answer = assistant.answer("What must the governing board do?")  # type: ignore[attr-defined]
    assert answer.answerer == "duties" and not answer.abstained
    # Every duty of the board, a "must" first (neighbouring sentences of one passage share a
    # citation, so a "should" may follow its neighbour); none of another actor's.
    text = answer.text
    assert text.startswith("The governing board must approve the annual budget")
    assert "appoint a designated safeguarding lead" in text
    assert "review the risk register" in text
    assert "Local authorities" not in text and "Staff may" not in text
    assert len(answer.citations) == 2
    source = (tmp_path / "docs" / "d.md").read_text(encoding="utf-8")
    for citation in answer.citations:
        assert source[citation.start : citation.end] == citation.quote


def test_a_topic_narrows_the_duties(tmp_path: Path) -> None:
    assistant = _assistant(tmp_path)
    answer = assistant.answer(  # type: ignore[attr-defined]
        "What must the governing board do about the annual budget?"
    )
    assert answer.answerer == "duties"
    assert answer.text.startswith("The governing board must approve the annual budget")
    assert "safeguarding" not in answer.text


def test_an_actor_the_register_does_not_know_is_answered_as_before(tmp_path: Path) -> None:
    assistant = _assistant(tmp_path)
    answer = assistant.answer("What must the Martians do?")  # type: ignore[attr-defined]
    assert answer.answerer == "extractive"


def test_a_duties_question_later_in_a_conversation_uses_the_register(tmp_path: Path) -> None:
    assistant = _assistant(tmp_path)
    history = ["What must the governing board do about the annual budget?"]
    answer = assistant.answer("What must local authorities do?", history)  # type: ignore[attr-defined]
    assert answer.answerer == "duties"
    assert answer.text.startswith("Local authorities must publish their schemes")
    # A topic that points back to the conversation is a follow-up, answered as one.
    again = assistant.answer("What should the governing board do about it?", history)  # type: ignore[attr-defined]
    assert again.answerer != "duties"
