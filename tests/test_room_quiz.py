"""Quiz marking that accepts other wordings: a key fact given in other words is "close" (by
embedding similarity) and earns its share, as every key fact found does."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from streamlit.runtime.caching import cache_resource
from streamlit.testing.v1 import AppTest

from app.quiz import CLOSE_SIMILARITY, Marking, QuizItem, mark, phrases

APP = str(Path(__file__).resolve().parent.parent / "app" / "streamlit_app.py")
ITEM = QuizItem(
    "q", "Who are RSCs accountable to?", "accountability", ("intervention",), "To the SoS.",
    (("Secretary of State",), ("National Schools Commissioner",), ("2014",)),
)  # fmt: skip


class TopicEmbedder:
    """Two topics: texts naming a secretary (or "1999") point one way, all others the other."""

    def embed(self, texts: list[str]) -> np.ndarray:
        def topic(text: str) -> bool:
            return "secretary" in text.lower() or "1999" in text

        return np.array([[1.0, 0.0] if topic(t) else [0.0, 1.0] for t in texts])


def test_phrases_stay_within_a_clause() -> None:
    found = phrases("To the Education Secretary, and the Commissioner", 2)
    assert "Education Secretary" in found and "the Education Secretary" in found
    assert "Secretary and" not in found and "Secretary the" not in found


def test_a_key_fact_in_other_words_is_close_and_earns_its_share() -> None:
    marking = mark("To the Education Secretary, through the National Schools Commissioner.",
                   ITEM, TopicEmbedder())  # fmt: skip
    assert marking == Marking(
        found=("National Schools Commissioner",), missed=("2014",), close=("Secretary of State",)
    )
    assert marking.score == pytest.approx(2 / 3)


def test_numbers_are_never_close_and_without_an_embedder_nothing_is() -> None:
    item = QuizItem("y", "When?", "history", (), "2014.", (("2014",),))
    assert mark("In 1999", item, TopicEmbedder()).close == ()  # same "topic", another year
    assert mark("To the Education Secretary.", ITEM).close == ()
    assert mark("To the Education Secretary.", ITEM).score == 0.0


@pytest.mark.integration
def test_the_real_model_hears_the_education_secretary_but_not_another_actor(
    real_assistant,
) -> None:
    embedder = real_assistant.index.embedder
    close = mark("To the Education Secretary.", ITEM, embedder)
    assert close.close == ("Secretary of State",) and close.score == pytest.approx(1 / 3)
    other = mark("To the local authority and to Ofsted.", ITEM, embedder)
    assert other.close == () and other.found == () and other.score == 0.0
    assert CLOSE_SIMILARITY == 0.70


@pytest.mark.integration
def test_a_quiz_round_gives_partial_credit_for_close_facts(
    real_index_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOVASSIST_DATA_DIR", str(real_index_dir))
    cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("ui/training_page.py").run()
    at.session_state["quiz"] = {"items": [ITEM], "position": 0, "results": [], "checked": False}
    at.run()
    at.text_area[0].set_value("They answer to the Education Secretary.")
    next(b for b in at.button if b.label == "Check my answer").click().run()
    assert not at.exception, at.exception
    assert [i.value for i in at.info] == ["Close, in other words: Secretary of State"]
    assert [w.value for w in at.warning] == [
        "Key facts to look for: National Schools Commissioner, 2014"
    ]
    assert not at.success  # no key fact in the gold's own words
    assert any(c.value.startswith("Key-fact score: 33%") for c in at.caption)
    next(b for b in at.button if b.label.startswith("Next question")).click().run()
    assert not at.exception, at.exception
    assert at.metric[0].value == "0.33 / 1"
    # The trainer's export names each source's document, author and year, not just a section.
    from app.ui.training_page import export

    lines = export(at.session_state["quiz"]["results"]).splitlines()
    sources = [line for line in lines if line.startswith("- Source [")]
    assert sources and all(
        ("Leora Cruddas · 2018" in line or "Sue Williamson · 2018" in line) for line in sources
    ), sources
