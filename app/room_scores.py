"""A training room's quiz scores: each learner's marked answers under the trainer's session code,
so the trainer sees the whole room's progress on one screen.

Kept in SQLite under the data directory (`training.sqlite3`), one row per marked answer; the
quiz itself stays in each learner's browser session. A learner joins a room by typing its code;
nothing is recorded without one.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ingest.errors import GovassistError

_CODE = re.compile(r"^[A-Za-z0-9-]{3,32}$")
NAME_CHARS = 40
_SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    code TEXT NOT NULL, learner TEXT NOT NULL, question TEXT NOT NULL,
    credit REAL NOT NULL, at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS answers_by_code ON answers (code);
"""


class ScoresUnavailable(GovassistError):
    """The room's scores cannot be read or written now; the message says why."""


def session_code(text: str) -> str | None:
    """A session code as typed ("Room-12"), or None when it is not one (3-32 letters, digits or
    hyphens). Codes are compared as typed, ignoring case."""
    code = text.strip()
    return code.lower() if _CODE.match(code) else None


def learner_name(text: str) -> str:
    """A learner's name as the trainer sees it: one line, at most NAME_CHARS characters, in
    one form (NFKC), with no invisible or direction-changing characters (a look-alike "Alice"
    with a zero-width space would be a second row) and no leading = + - @ (a spreadsheet would
    run the name as a formula when the trainer downloads the table)."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return " ".join(text.split()).lstrip("=+-@ ")[:NAME_CHARS]


@dataclass(frozen=True)
class LearnerScore:
    learner: str
    answered: int
    points: float  # the sum of the credits, each between 0 and 1


@dataclass(frozen=True)
class QuestionScore:
    question: str
    answered: int
    mean_credit: float


class RoomScores:
    """The marked answers of every room, in one SQLite file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _connect(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path, timeout=10)
            connection.executescript(_SCHEMA)
            return connection
        except (OSError, sqlite3.Error) as error:
            raise ScoresUnavailable(f"the room's scores cannot be opened ({error})") from error

    def record(self, code: str, learner: str, question: str, credit: float) -> None:
        at = datetime.now(UTC).isoformat(timespec="seconds")
        connection = self._connect()
        try:
            with connection:
                connection.execute(
                    "INSERT INTO answers VALUES (?, ?, ?, ?, ?)",
                    (code, learner, question, min(max(credit, 0.0), 1.0), at),
                )
        except sqlite3.Error as error:
            raise ScoresUnavailable(f"the answer could not be recorded ({error})") from error
        finally:
            connection.close()

    def learners(self, code: str) -> list[LearnerScore]:
        """Each learner of the room, the most points first."""
        rows = self._query(
            "SELECT learner, COUNT(*), SUM(credit) FROM answers WHERE code = ? "
            "GROUP BY learner ORDER BY SUM(credit) DESC, learner",
            code,
        )
        return [LearnerScore(name, int(n), round(float(points), 2)) for name, n, points in rows]

    def questions(self, code: str) -> list[QuestionScore]:
        """Each question the room answered, the hardest (lowest mean credit) first."""
        rows = self._query(
            "SELECT question, COUNT(*), AVG(credit) FROM answers WHERE code = ? "
            "GROUP BY question ORDER BY AVG(credit), question",
            code,
        )
        return [QuestionScore(q, int(n), round(float(mean), 2)) for q, n, mean in rows]

    def _query(self, sql: str, code: str) -> list[tuple[str, int, float]]:
        if not self.path.is_file():
            return []
        connection = self._connect()
        try:
            return list(connection.execute(sql, (code,)))
        except sqlite3.Error as error:
            raise ScoresUnavailable(f"the room's scores cannot be read ({error})") from error
        finally:
            connection.close()
