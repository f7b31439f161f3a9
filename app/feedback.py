"""Thumbs up or down on answers, kept in SQLite under the data directory, and turned into
candidate gold items for a person to review."""

from __future__ import annotations

import errno
import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from engine.answers import Answer
from ingest.errors import GovassistError

SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    rating INTEGER NOT NULL CHECK (rating IN (-1, 1)),
    reason TEXT NOT NULL DEFAULT '',
    question TEXT NOT NULL,
    history TEXT NOT NULL,        -- JSON list of earlier user turns
    answer TEXT NOT NULL,
    abstained INTEGER NOT NULL,
    citations TEXT NOT NULL       -- JSON list of the contract's citation objects
)
"""


@dataclass(frozen=True)
class FeedbackEntry:
    id: int
    created_at: str
    rating: int
    reason: str
    question: str
    history: list[str]
    answer: str
    abstained: bool
    citations: list[dict[str, Any]]


class FeedbackUnavailable(GovassistError):
    """The feedback file cannot be read or written now; the message says why in plain words."""


# SQLite's and the system's names for the faults a person can fix, in their words.
_REASONS: dict[str | int, str] = {
    "SQLITE_FULL": "the disk is full",
    "SQLITE_READONLY": "the data directory is read-only",
    "SQLITE_CANTOPEN": "the data directory cannot be written or the file cannot be opened",
    "SQLITE_BUSY": "another process is holding the file",
    errno.ENOSPC: "the disk is full",
    errno.EROFS: "the data directory is read-only",
    errno.EACCES: "the data directory cannot be written",
}


def _reason(error: sqlite3.Error | OSError) -> str:
    if isinstance(error, OSError):
        return _REASONS.get(error.errno or 0, error.strerror or str(error))
    # Extended codes name the case: SQLITE_READONLY_DIRECTORY is still SQLITE_READONLY.
    name = "_".join(str(getattr(error, "sqlite_errorname", "")).split("_")[:2])
    return _REASONS.get(name, str(error))


class FeedbackStore:
    """One SQLite file; WAL mode and one transaction per write, so a killed process loses at
    most the write in flight and readers never block the writer. Every fault of the disk or
    the file (full, read-only, damaged) is raised as FeedbackUnavailable."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with self._connect("opened") as connection:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute(SCHEMA)

    @contextmanager
    def _connect(self, doing: str = "saved") -> Iterator[sqlite3.Connection]:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path, timeout=10)
            try:
                with connection:  # commits, or rolls back on an exception
                    yield connection
            finally:
                connection.close()
        except (sqlite3.IntegrityError, sqlite3.ProgrammingError):
            raise  # a bad row or statement is a bug here, not a fault of the disk
        except (sqlite3.Error, OSError) as error:
            raise FeedbackUnavailable(
                f"feedback could not be {doing} in {self.path}: {_reason(error)}"
            ) from error

    def record(self, answer: Answer, rating: int, history: list[str], reason: str = "") -> int:
        """Store one rating (+1 or -1) of an answer; returns its id."""
        if rating not in (-1, 1):
            raise ValueError("rating must be +1 (thumbs up) or -1 (thumbs down)")
        with self._connect("saved") as connection:
            cursor = connection.execute(
                "INSERT INTO feedback (created_at, rating, reason, question, history, answer,"
                " abstained, citations) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    datetime.now(UTC).isoformat(timespec="seconds"),
                    rating,
                    reason.strip(),
                    answer.question,
                    json.dumps(history, ensure_ascii=False),
                    answer.text,
                    int(answer.abstained),
                    json.dumps([c.to_json() for c in answer.citations], ensure_ascii=False),
                ),
            )
            return int(cursor.lastrowid or 0)

    def set_reason(self, entry_id: int, reason: str) -> None:
        """Add or replace the reason given for a rating."""
        with self._connect("saved") as connection:
            connection.execute(
                "UPDATE feedback SET reason = ? WHERE id = ?", (reason.strip(), entry_id)
            )

    def entries(self, rating: int | None = None) -> list[FeedbackEntry]:
        query = "SELECT * FROM feedback"
        params: tuple[int, ...] = ()
        if rating is not None:
            query += " WHERE rating = ?"
            params = (rating,)
        with self._connect("read") as connection:
            rows = connection.execute(query + " ORDER BY id", params).fetchall()
        return [
            FeedbackEntry(
                id=row[0],
                created_at=row[1],
                rating=row[2],
                reason=row[3],
                question=row[4],
                history=json.loads(row[5]),
                answer=row[6],
                abstained=bool(row[7]),
                citations=json.loads(row[8]),
            )
            for row in rows
        ]


def candidate_gold(entries: list[FeedbackEntry]) -> list[dict[str, Any]]:
    """Thumbs-down answers as gold items in the contract's form, for a person to complete.

    `must_include` and `sources` start empty and `reference` carries the user's reason: the
    reviewer decides what a right answer contains. The answer given is kept in a comment field.
    """
    items = []
    for entry in entries:
        items.append(
            {
                "id": f"feedback-{entry.id}",
                "question": entry.question,
                "category": "from-feedback",
                "history": entry.history,
                "answerable": True,
                "must_include": [],
                "sources": [],
                "reference": entry.reason or "TODO: the correct answer, by a reviewer",
                "review": {
                    "given_answer": entry.answer,
                    "abstained": entry.abstained,
                    "cited_sections": [c["section"] for c in entry.citations],
                    "rated_at": entry.created_at,
                },
            }
        )
    return items
