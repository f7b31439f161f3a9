"""Feedback when the disk is full or the data directory is read-only: a plain message in the app
and the command line, never a traceback, and a rating that was not saved is kept and saved
once the disk can be written again."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from streamlit.runtime.caching import cache_resource
from streamlit.testing.v1 import AppTest

from app.feedback import FeedbackStore
from engine.answers import Answer

if TYPE_CHECKING:
    from _typeshed import StrOrBytesPath

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app" / "streamlit_app.py")
REAL_CONNECT = sqlite3.connect


@pytest.fixture
def full_disk(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, bool]]:
    """SQLite's own "database or disk is full" on the feedback file while `state["full"]`: each
    connection may not grow the file past its current pages."""
    state = {"full": True}

    def connect(database: StrOrBytesPath, *args: Any, **kwargs: Any) -> sqlite3.Connection:
        connection = REAL_CONNECT(database, *args, **kwargs)
        if state["full"] and str(database).endswith("feedback.sqlite3"):
            pages = connection.execute("PRAGMA page_count").fetchone()[0]
            connection.execute(f"PRAGMA max_page_count = {max(pages, 1)}")
        return connection

    monkeypatch.setattr(sqlite3, "connect", connect)
    yield state


def _answer() -> Answer:
    # A real answer's citations run to a few kilobytes: the row needs new pages.
    return Answer(question="Who inspects schools?", text="Ofsted. " * 800, abstained=False)


def test_a_full_disk_is_a_plain_error_and_writes_nothing(
    tmp_path: Path, full_disk: dict[str, bool]
) -> None:
    from app.feedback import FeedbackUnavailable

    path = tmp_path / "feedback.sqlite3"
    full_disk["full"] = False
    store = FeedbackStore(path)
    full_disk["full"] = True
    with pytest.raises(FeedbackUnavailable, match=r"could not be saved in .*: the disk is full$"):
        store.record(_answer(), -1, [])
    full_disk["full"] = False
    assert store.entries() == []
    assert store.record(_answer(), -1, []) == 1


def test_feedback_export_from_a_read_only_data_directory_is_a_plain_error(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    FeedbackStore(data / "feedback.sqlite3").record(_answer(), -1, ["earlier"])
    command = [sys.executable, "-m", "app.cli", "feedback", "export", "--out", "/dev/null"]
    if os.geteuid() == 0:  # root writes anywhere: run the command as nobody instead
        for folder in (tmp_path, *tmp_path.parents):
            if folder.stat().st_mode & 0o005 != 0o005:
                folder.chmod(folder.stat().st_mode | 0o005)
        command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *command]
    data.chmod(0o555)
    try:
        result = subprocess.run(
            command, cwd=ROOT, capture_output=True, text=True, timeout=60,
            env={**os.environ, "GOVASSIST_DATA_DIR": str(data)},
        )  # fmt: skip
    finally:
        data.chmod(0o755)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.strip() == (
        f"Error: feedback could not be opened in {data / 'feedback.sqlite3'}: "
        "the data directory is read-only"
    )


@pytest.fixture
def app(real_index_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    """The app over a copy of the shared index, with this test's own feedback file; one earlier
    rating fills its first page, so the next one needs room on the disk."""
    data = tmp_path / "data"
    shutil.copytree(real_index_dir, data, ignore=shutil.ignore_patterns("feedback.sqlite3*"))
    filler = Answer(question="An earlier question?", text="x" * 3700, abstained=False)
    FeedbackStore(data / "feedback.sqlite3").record(filler, 1, [])
    monkeypatch.setenv("GOVASSIST_DATA_DIR", str(data))
    cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    yield at
    cache_resource.clear()


@pytest.mark.integration
def test_a_thumbs_down_on_a_full_disk_is_kept_and_saved_later(
    app: AppTest, tmp_path: Path, full_disk: dict[str, bool]
) -> None:
    app.chat_input[0].set_value("Who holds the power to inspect schools?").run()
    assert not app.exception, app.exception
    app.feedback[0].set_value(0).run()  # thumbs down, with the disk full
    assert not app.exception, app.exception
    (warning,) = [w.value for w in app.warning if "not saved" in w.value]
    assert "the disk is full" in warning and "saved on your next click" in warning
    assert app.feedback[0].value == 0  # the rating stays chosen

    full_disk["full"] = False  # space freed; the next interaction saves it
    app.run()
    assert not app.exception, app.exception
    assert not [w for w in app.warning if "not saved" in w.value]
    (_, entry) = FeedbackStore(tmp_path / "data" / "feedback.sqlite3").entries()
    assert entry.rating == -1 and entry.question == "Who holds the power to inspect schools?"
