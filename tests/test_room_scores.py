"""A training room's scores (app/room_scores.py) and the trainer's view of them (AppTest)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.room_scores import RoomScores, ScoresUnavailable, learner_name, session_code


def test_codes_and_names_are_read_as_typed_within_limits() -> None:
    assert session_code(" Room-12 ") == "room-12"
    assert session_code("ab") is None and session_code("room 12") is None
    assert session_code("x" * 33) is None
    assert learner_name("  Ada \n Lovelace ") == "Ada Lovelace"
    assert len(learner_name("y" * 100)) == 40


def test_the_room_totals_each_learner_and_finds_the_hardest_question(tmp_path: Path) -> None:
    scores = RoomScores(tmp_path / "training.sqlite3")
    assert scores.learners("room-1") == []  # nothing recorded yet: no file, no error
    scores.record("room-1", "Ada", "Who inspects schools?", 1.0)
    scores.record("room-1", "Ada", "Who funds academies?", 0.5)
    scores.record("room-1", "Ben", "Who inspects schools?", 1 / 3)
    scores.record("room-2", "Cy", "Who inspects schools?", 1.0)  # another room
    scores.record("room-1", "Ben", "Who funds academies?", 7.0)  # credit is capped at 1
    learners = scores.learners("room-1")
    assert [(s.learner, s.answered, s.points) for s in learners] == [
        ("Ada", 2, 1.5),
        ("Ben", 2, 1.33),
    ]
    questions = scores.questions("room-1")
    assert [(q.question, q.answered, q.mean_credit) for q in questions] == [
        ("Who inspects schools?", 2, 0.67),
        ("Who funds academies?", 2, 0.75),
    ]


def test_an_unwritable_place_is_a_plain_error(tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    with pytest.raises(ScoresUnavailable, match="cannot be opened"):
        RoomScores(blocked / "training.sqlite3").record("room-1", "Ada", "Q?", 1.0)


@pytest.mark.integration
def test_a_learner_who_joins_a_room_is_counted_in_the_trainers_view(
    real_index_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import shutil

    from streamlit.runtime.caching import cache_resource
    from streamlit.testing.v1 import AppTest

    data = tmp_path / "data"
    # Without the shared index's training scores: other tests' rooms are not this one's.
    shutil.copytree(real_index_dir, data, ignore=shutil.ignore_patterns("training.sqlite3*"))
    monkeypatch.setenv("GOVASSIST_DATA_DIR", str(data))
    cache_resource.clear()
    app_file = str(Path(__file__).resolve().parent.parent / "app" / "streamlit_app.py")
    learner = AppTest.from_file(app_file, default_timeout=120)
    learner.run()
    learner.switch_page("ui/training_page.py").run()
    learner.text_input(key="room-code").set_value("Room-7").run()
    learner.text_input(key="room-name").set_value("Ada").run()
    said_back = [caption.value.replace("\\", "") for caption in learner.caption]  # unescaped
    assert any("In room room-7 as Ada" in text for text in said_back), said_back
    next(b for b in learner.button if b.label == "Start a new quiz").click().run()
    learner.text_area[0].set_value("Ofsted").run()
    next(b for b in learner.button if b.label == "Check my answer").click().run()
    next(b for b in learner.button if b.label == "Count it as right").click().run()
    assert not learner.exception, learner.exception
    # A duties round counts in the same room: a library without quiz questions still has one.
    next(b for b in learner.form_submit_button if b.label == "Start a duties round").click().run()
    learner.radio(key="duty-choice-1-0").set_value("should").run()
    next(b for b in learner.button if b.label == "Check my choice").click().run()
    assert not learner.exception, learner.exception
    right = any(s.value.startswith("Right") for s in learner.success)

    trainer = AppTest.from_file(app_file, default_timeout=120)
    trainer.run()
    trainer.switch_page("ui/training_page.py").run()
    trainer.text_input(key="trainer-code").set_value("room-7").run()
    assert not trainer.exception, trainer.exception
    (learners, questions) = trainer.dataframe
    assert learners.value.to_dict("records") == [
        {"Learner": "Ada", "Answered": 2, "Points": 1.0 + right}
    ]
    assert questions.value["Answers"].tolist() == [1, 1]
    assert any(q.startswith("Must or should? ") for q in questions.value["Question"])


def test_a_follow_up_is_listed_with_the_question_it_follows() -> None:
    from app.ui.training_page import room_label

    assert room_label("What about the ESFA?", ("Where does Ofsted draw its authority from?",)) == (
        "What about the ESFA? (after: Where does Ofsted draw its authority from?)"
    )
    assert room_label("Who inspects schools?", ()) == "Who inspects schools?"
