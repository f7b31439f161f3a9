"""Feedback writes are transactions: a process killed while writing leaves a sound database
holding every rating it acknowledged, and no half-written row."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.feedback import FeedbackStore
from engine.answers import Answer

WRITER = """
import sys
from pathlib import Path
from engine.answers import Answer
from app.feedback import FeedbackStore

store = FeedbackStore(Path(sys.argv[1]))
answer = Answer(question="Who inspects schools?", text="Ofsted. " * 200, abstained=False)
number = 0
while True:
    number += 1
    store.record(answer, 1 if number % 2 else -1, ["earlier question"] * 3, f"reason {number}")
    print(number, flush=True)  # acknowledged: committed before it is printed
"""


def test_a_writer_killed_mid_stream_loses_nothing_it_acknowledged(tmp_path: Path) -> None:
    path = tmp_path / "feedback.sqlite3"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )  # fmt: skip
    assert writer.stdout is not None
    acknowledged = 0
    started = time.monotonic()
    while acknowledged < 200 and time.monotonic() - started < 60:
        line = writer.stdout.readline()
        if not line:
            break
        acknowledged = int(line)
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    assert acknowledged >= 200, "the writer did not get going"

    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    entries = FeedbackStore(path).entries()
    assert len(entries) >= acknowledged  # the write in flight may or may not have landed
    assert [e.id for e in entries] == list(range(1, len(entries) + 1))
    for entry in entries:
        assert entry.answer.startswith("Ofsted.") and entry.history == ["earlier question"] * 3
        assert entry.reason == f"reason {entry.id}"


def test_a_failed_write_leaves_no_row(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = FeedbackStore(tmp_path / "feedback.sqlite3")
    answer = Answer(question="q", text="a", abstained=False)
    store.record(answer, 1, [])
    with pytest.raises(ValueError):
        store.record(answer, 0, [])  # not a rating
    # A transaction that fails half-way: its first insert is rolled back with it.
    with pytest.raises(sqlite3.IntegrityError), store._connect() as connection:
        connection.execute(
            "INSERT INTO feedback (created_at, rating, question, history, answer, abstained,"
            " citations) VALUES ('now', 1, 'q2', '[]', 'a', 0, '[]')"
        )
        connection.execute("INSERT INTO feedback (rating) VALUES (5)")
    assert [e.question for e in store.entries()] == ["q"]
    assert json.loads(json.dumps([e.citations for e in store.entries()])) == [[]]
