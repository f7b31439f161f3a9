"""The real Streamlit app in AppTest, over the real index."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from streamlit.runtime.caching import cache_resource
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from app.cli import cli
from app.duty_quiz import draw
from app.duty_register import citation, load_register
from app.feedback import FeedbackStore
from app.settings import Settings
from app.ui.common import escape, settings

pytestmark = pytest.mark.integration
APP = str(Path(__file__).resolve().parent.parent / "app" / "streamlit_app.py")


@pytest.fixture
def app(real_index_dir: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("GOVASSIST_DATA_DIR", str(real_index_dir))
    # Streamlit's resource cache is per process: settings and the feedback store another test
    # module cached (with its own data directory) must not answer for this one.
    cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    return at


def _assistant_texts(at: AppTest) -> list[str]:
    return [
        " ".join(m.value for m in message.markdown)
        for message in at.chat_message
        if message.name == "assistant"
    ]


def _ask(at: AppTest, question: str) -> None:
    at.chat_input[0].set_value(question).run()
    assert not at.exception, at.exception


def test_question_gives_answer_with_source_cards(app: AppTest) -> None:
    _ask(app, "Who holds the power to inspect schools?")
    (answer,) = _assistant_texts(app)
    assert "Ofsted" in answer and "[\\[1\\]](#answer-0-source-1)" in answer  # a link to card 1
    cards = [h.value for h in app.html if 'class="govassist-card" id="answer-' in h.value]
    (card,) = [c for c in cards if 'id="answer-0-source-1"' in c]
    # The section path is document text, so its HTML characters arrive escaped.
    assert "The inspection space &gt; Ofsted &gt; Authority" in card
    assert '<mark class="govassist-quote">' in card  # quote highlighted
    assert "Leora Cruddas" in card and "2018" in card
    assert "characters" not in card  # offsets are for the JSON and exports, not for people


def test_two_runs_of_one_passage_are_shown_on_one_card(app: AppTest) -> None:
    _ask(app, "Do sub-regional improvement boards make decisions?")
    (answer,) = _assistant_texts(app)
    assert "(#answer-0-source-1)" in answer and "(#answer-0-source-2)" in answer
    cards = [h.value for h in app.html if 'class="govassist-card" id="answer-' in h.value]
    # Both sentences come from one passage: one card, both marked, both [n] landing on it.
    (card,) = cards
    assert "[1] [2]" in card and card.count('<mark class="govassist-quote">') >= 2
    assert 'id="answer-0-source-2"' in card


def test_a_refusal_opens_the_passages_it_points_to(app: AppTest) -> None:
    _ask(app, "What grade did Ofsted give Oakfield Primary School?")
    (answer,) = _assistant_texts(app)
    assert "don't cover this" in answer
    shown = answer.replace("\\", "")  # Markdown escapes
    assert shown.endswith("Nearby, they cover:") and "Ofsted" not in shown  # named once, below
    assert not [h for h in app.html if 'id="answer-' in h.value]  # nothing is cited
    # Labels are document text, escaped (a heading may hold a link or an image).
    nearby = [e for e in app.expander if e.label.replace("\\", "").startswith("Nearby: ")]
    assert nearby
    assert nearby[0].label.replace("\\", "").startswith("Nearby: The inspection space > Ofsted")
    (passage,) = [h.value for h in nearby[0].html]
    assert "Ofsted" in passage and "<mark" not in passage  # shown, not quoted as an answer


def test_followup_uses_the_conversation(app: AppTest) -> None:
    _ask(app, "What powers do regional schools commissioners have?")
    _ask(app, "And who are they accountable to?")
    texts = _assistant_texts(app)
    assert len(texts) == 2
    assert "Secretary of State" in texts[1]
    # How the follow-up was read is on screen, and only under the follow-up: a new question
    # wrongly taken as one can be seen for what happened and asked again in full.
    readings = [c.value.replace("\\", "") for c in app.caption if "Read as" in c.value]
    assert readings == ["Read as: “And who are regional schools commissioners accountable to?”"]


def test_a_followup_asks_about_whom_the_last_answer_was_about(app: AppTest) -> None:
    # The first question names nobody; its answer names Ofsted, and "they" is Ofsted.
    _ask(app, "Who inspects our school?")
    _ask(app, "and who are they accountable to?")
    texts = _assistant_texts(app)
    assert "Ofsted" in texts[0]
    assert "Ofsted is ultimately accountable" in texts[1]


def test_document_filter_restricts_citations(app: AppTest) -> None:
    ssat = "ssat-2018-the-school-led-system-refocusing-governance"
    app.sidebar.multiselect[0].set_value([ssat]).run()
    # A question both documents touch; only the SSAT report's passages may be cited. (The SSAT
    # report never says whom RSCs are accountable to: asked that, it rightly abstains.)
    _ask(app, "What challenges does the school-led system face?")
    cards = [h.value for h in app.html if 'class="govassist-card" id="answer-' in h.value]
    assert cards, "the answer should cite something"
    assert all('govassist-where">The intervention space' not in c for c in cards)
    assert all("SSAT on the School" in c for c in cards)
    assert not any("Where next for the self" in c for c in cards)


def test_feedback_is_stored_and_exported_as_gold_candidates(
    app: AppTest, real_index_dir: Path, tmp_path: Path
) -> None:
    store = FeedbackStore(real_index_dir / "feedback.sqlite3")
    before = len(store.entries())
    _ask(app, "How can parents appeal against an Ofsted judgement?")
    app.feedback[0].set_value(0).run()  # thumbs down
    assert not app.exception, app.exception
    reason = next(t for t in app.text_input if t.label == "What was wrong? (optional)")
    reason.set_value("It should say the documents do not cover appeals")
    next(b for b in app.form_submit_button if b.label == "Send").click().run()
    entries = store.entries()
    assert len(entries) == before + 1
    latest = entries[-1]
    assert latest.rating == -1 and latest.question.startswith("How can parents appeal")
    assert latest.reason == "It should say the documents do not cover appeals"
    out = tmp_path / "candidates.yaml"
    result = CliRunner().invoke(
        cli, ["feedback", "export", "--out", str(out)],
        env={"GOVASSIST_DATA_DIR": str(real_index_dir)},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    items = yaml.safe_load(out.read_text(encoding="utf-8"))
    mine = [i for i in items if i["question"].startswith("How can parents appeal")]
    assert mine and mine[-1]["reference"] == latest.reason
    assert set(mine[-1]) >= {"id", "question", "category", "history", "answerable",
                             "must_include", "sources", "reference"}  # fmt: skip


def test_map_shows_a_cited_cell_for_ofsteds_authority(app: AppTest) -> None:
    app.switch_page("ui/map_page.py").run()
    assert not app.exception, app.exception
    markdown = [m.value for m in app.markdown]
    assert any("It holds the power to inspect schools" in m for m in markdown)
    assert any(
        c.value.startswith("The inspection space \\> Ofsted \\> Authority") for c in app.caption
    )
    recommendation_cards = [m for m in markdown if m.startswith("**Recommendation ")]
    assert len(recommendation_cards) == 5


def test_a_quiz_round_is_scored(app: AppTest) -> None:
    app.switch_page("ui/training_page.py").run()
    assert not app.exception, app.exception
    # Categories are named as a trainer would say them, not as the gold set spells them.
    assert "Where authority comes from" in app.multiselect[0].options
    assert "legitimacy" not in app.multiselect[0].options
    app.multiselect[0].set_value(["legitimacy"])
    app.number_input[0].set_value(1)
    next(b for b in app.form_submit_button if b.label == "Start a new quiz").click().run()
    question = next(m.value for m in app.markdown if m.value.startswith("### "))
    assert question.startswith("### ")
    app.text_area[0].set_value("From Parliament, the Secretary of State, elected councillors, "
                               "the governing board or trust board, and the sector")  # fmt: skip
    next(b for b in app.button if b.label == "Check my answer").click().run()
    assert not app.exception, app.exception
    assert any("Key facts you gave" in s.value for s in app.success)
    next(b for b in app.button if b.label.startswith("Next question")).click().run()
    assert not app.exception, app.exception
    assert app.metric[0].value == "1 / 1"
    assert any("Quiz finished: 1 of 1 right" in s.value for s in app.success)


def test_a_duties_round_is_played_and_scored(app: AppTest, real_index_dir: Path) -> None:
    app.switch_page("ui/training_page.py").run()
    assert not app.exception, app.exception
    assert [t.label for t in app.tabs] == ["Quiz", "Duties round", "Room scores"]
    register = load_register(Settings(data_dir=real_index_dir, _env_file=None))
    expected = draw(register, "strength", 2, seed=4)  # the round the page must draw
    app.number_input(key="duty-round-length").set_value(2)
    app.number_input(key="duty-round-seed").set_value(4)
    next(b for b in app.form_submit_button if b.label == "Start a duties round").click().run()
    assert not app.exception, app.exception

    def play(position: int, choice: str) -> None:
        app.radio(key=f"duty-choice-1-{position}").set_value(choice).run()
        next(b for b in app.button if b.label == "Check my choice").click().run()
        assert not app.exception, app.exception

    for position, question in enumerate(expected):
        assert f"Sentence {position + 1} of 2" in [h.value for h in app.subheader]
        assert f"### {escape(question.prompt)}" in [m.value for m in app.markdown]
        assert app.radio(key=f"duty-choice-1-{position}").options == list(question.choices)
        if position == 0:
            play(position, question.answer)
            assert f"Right: {question.answer}." in [s.value for s in app.success]
        else:
            wrong = next(c for c in question.choices if c != question.answer)
            play(position, wrong)
            word = escape(question.answer)
            said = f"you chose {escape(wrong)}; the document uses the word {word}."
            assert any(said in e.value for e in app.error), [e.value for e in app.error]
        # The answer key: the sentence as written, its strength word in bold, and its citation.
        written = escape(question.duty.text)
        key = next(m.value for m in app.markdown if m.value.replace("**", "") == written)
        assert f"**{escape(question.answer)}**" in key
        assert escape(citation(question.duty)) in [c.value for c in app.caption]
        next(b for b in app.button if b.label == "Next sentence").click().run()
    assert any("Round finished: 1 of 2 right." in s.value for s in app.success)
    assert [m.value for m in app.metric] == ["1 / 2"]

    app.radio(key="duty-round-kind").set_value("actor")
    next(b for b in app.form_submit_button if b.label == "Start a duties round").click().run()
    actor_round = draw(register, "actor", 2, seed=4)
    assert app.radio(key="duty-choice-2-0").options == list(actor_round[0].choices)
    assert f"### {escape(actor_round[0].prompt)}" in [m.value for m in app.markdown]


@pytest.fixture
def fresh_settings() -> Iterator[None]:
    """Settings are read once per server process; these tests start differently set ones."""
    settings.clear()
    yield
    settings.clear()


def _admin(real_index_dir: Path, monkeypatch: pytest.MonkeyPatch, token: str) -> AppTest:
    monkeypatch.setenv("GOVASSIST_DATA_DIR", str(real_index_dir))
    monkeypatch.setenv("GOVASSIST_ADMIN_TOKEN", token)
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("ui/admin_page.py").run()
    assert not at.exception, at.exception
    return at


def _uploaders(at: AppTest) -> list[object]:
    return [e for e in at.get("file_uploader")]


@pytest.mark.usefixtures("fresh_settings")
def test_admin_needs_a_configured_token(
    real_index_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _admin(real_index_dir, monkeypatch, "")
    assert any("switched off" in i.value for i in at.info)
    assert not at.text_input and not at.button and not _uploaders(at)


@pytest.mark.usefixtures("fresh_settings")
def test_admin_needs_the_right_token(real_index_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _admin(real_index_dir, monkeypatch, "correct horse battery staple")
    assert not _uploaders(at) and not at.button
    at.text_input[0].set_value("correct horse").run()
    assert any("not right" in e.value for e in at.error)
    assert not _uploaders(at) and not at.button
    at.text_input[0].set_value("correct horse battery staple").run()
    assert _uploaders(at)
    assert any(b.label == "Rebuild the index" for b in at.button)


@pytest.mark.usefixtures("fresh_settings")
def test_the_admin_token_is_remembered_across_pages_until_signing_out(
    real_index_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _admin(real_index_dir, monkeypatch, "correct horse battery staple")
    at.text_input[0].set_value("correct horse battery staple").run()
    assert _uploaders(at)
    at.switch_page("ui/library_page.py").run()
    assert not at.exception, at.exception
    assert not [t for t in at.text_input if t.label == "Admin token"]  # not asked again
    at.switch_page("ui/admin_page.py").run()
    assert _uploaders(at) and not [t for t in at.text_input if t.label == "Admin token"]
    next(b for b in at.button if b.label == "Sign out").click().run()
    assert not _uploaders(at)
    assert [t for t in at.text_input if t.label == "Admin token"]


def test_a_conversation_is_kept_and_reopened_from_the_sidebar(app: AppTest) -> None:
    _ask(app, "Who holds the power to inspect schools?")
    first = app.session_state["conversation_id"]
    assert app.query_params["c"] in (first, [first])  # a reload of this address reopens it
    next(b for b in app.sidebar.button if b.label == "New conversation").click().run()
    assert not app.chat_message and "c" not in app.query_params
    _ask(app, "Who are regional schools commissioners accountable to?")
    earlier = [b for b in app.sidebar.button if b.label.startswith("Who holds the power")]
    assert len(earlier) == 1
    earlier[0].click().run()
    assert not app.exception, app.exception
    assert app.session_state["conversation_id"] == first
    (answer,) = _assistant_texts(app)
    assert "Ofsted" in answer
    others = [b for b in app.sidebar.button if b.label.startswith("Who are regional")]
    assert len(others) == 1  # the other conversation, now in the list


def test_the_map_has_rows_for_actors_named_only_in_the_text(app: AppTest) -> None:
    app.switch_page("ui/map_page.py").run()
    assert not app.exception, app.exception
    subheaders = [s.value for s in app.subheader]
    assert "Multi-academy trusts (MATs)" in subheaders and "Governing boards" in subheaders
    markdown = [m.value for m in app.markdown]
    # Governing boards' accountability, quoted from a sentence whose subject they are.
    assert any(
        m.startswith("Governing boards") and "trust boards for academies" in m for m in markdown
    )
    # The comparison names the actor above each column.
    compare = app.selectbox(key="compare-right")
    compare.set_value("Governing boards").run()
    assert not app.exception, app.exception
    assert "**Governing boards**" in [m.value for m in app.markdown]
