"""The real Streamlit script in AppTest, over the real index."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

pytestmark = pytest.mark.integration
APP = str(Path(__file__).resolve().parent.parent / "app" / "streamlit_app.py")


@pytest.fixture
def app(real_index_dir: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("GOVASSIST_DATA_DIR", str(real_index_dir))
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception
    return at


def _assistant_texts(at: AppTest) -> list[str]:
    return [
        " ".join(m.value for m in message.markdown)
        for message in at.chat_message
        if message.name == "assistant"
    ]


def test_question_gives_answer_with_citations(app: AppTest) -> None:
    app.chat_input[0].set_value("Who holds the power to inspect schools?").run()
    assert not app.exception
    (answer,) = _assistant_texts(app)
    assert "Ofsted" in answer and "\\[1\\]" in answer
    labels = [e.label for e in app.expander]
    assert any("Ofsted > Authority" in label for label in labels), labels
    passage = " ".join(m.value for m in app.expander[0].markdown)
    assert ":orange-background[" in passage  # the supporting quote is highlighted


def test_followup_uses_the_conversation(app: AppTest) -> None:
    app.chat_input[0].set_value("What powers do regional schools commissioners have?").run()
    app.chat_input[0].set_value("And who are they accountable to?").run()
    assert not app.exception
    texts = _assistant_texts(app)
    assert len(texts) == 2
    assert "Secretary of State" in texts[1]


def test_starter_question_button(app: AppTest) -> None:
    app.button[1].click().run()  # button 0 is "Clear the conversation"
    assert not app.exception
    assert len(_assistant_texts(app)) == 1
