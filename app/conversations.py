"""Conversations kept per browser, so a reload or a later visit finds them again.

A browser is known by a random id in a cookie the page sets (never a name or an address); its
conversations are JSON files under `<data dir>/conversations/<browser id>/<id>.json`, each
written whole to a temporary name and renamed after every answer, so a crash leaves the last
complete version. A conversation is only ever read with the browser id it was saved under: a
link to it opened in another browser finds nothing.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from engine.answers import Answer, AnswerSentence, Citation
from ingest.errors import GovassistError

# Ids are made here (secrets.token_urlsafe) and arrive back from a cookie or a URL: anything
# else is refused before it comes near a path.
_ID = re.compile(r"[A-Za-z0-9_-]{16,64}")
# The most conversations kept per browser; older ones go first.
MAX_CONVERSATIONS = 50
TITLE_CHARS = 80


class ConversationUnavailable(GovassistError):
    """Conversations cannot be read or written now; the message says why in plain words."""


def new_id() -> str:
    """A fresh random id for a browser or a conversation."""
    return secrets.token_urlsafe(18)


def valid_id(value: object) -> str | None:
    """`value` if it has the shape of an id made by new_id, else None."""
    return value if isinstance(value, str) and _ID.fullmatch(value) else None


@dataclass(frozen=True)
class Summary:
    """One saved conversation, as the list of earlier conversations shows it."""

    id: str
    title: str  # its first question, shortened
    updated: str  # "2026-11-26 09:14" (UTC)
    turns: int


def answer_record(answer: Answer) -> dict[str, Any]:
    """What showing `answer` again needs (the passages it retrieved are not kept)."""
    return {
        "question": answer.question,
        "text": answer.text,
        "abstained": answer.abstained,
        "citations": [asdict(c) for c in answer.citations],
        "sentences": [asdict(s) for s in answer.sentences],
        "latency_ms": answer.latency_ms,
        "resolved_question": answer.resolved_question,
        "nearby": list(answer.nearby),
        "answerer": answer.answerer,
        "notice": answer.notice,
    }


def answer_from_record(record: dict[str, Any]) -> Answer:
    citations = tuple(
        Citation(**{**c, "highlight": tuple(c["highlight"])}) for c in record["citations"]
    )
    return Answer(
        question=record["question"],
        text=record["text"],
        abstained=record["abstained"],
        citations=citations,
        sentences=tuple(AnswerSentence(**s) for s in record["sentences"]),
        latency_ms=record["latency_ms"],
        resolved_question=record["resolved_question"],
        nearby=tuple(record["nearby"]),
        answerer=record["answerer"],
        notice=record["notice"],
    )


class ConversationStore:
    """The saved conversations of every browser, under one folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _file(self, browser: str, conversation: str) -> Path:
        if not (valid_id(browser) and valid_id(conversation)):
            raise ConversationUnavailable("that conversation id is not one this app made")
        return self.folder / browser / f"{conversation}.json"

    def save(self, browser: str, conversation: str, turns: Sequence[tuple[str, Answer]]) -> None:
        """Write the whole conversation (after each answer), then keep the newest
        MAX_CONVERSATIONS of this browser."""
        path = self._file(browser, conversation)
        record = {
            "updated": datetime.now(UTC).strftime("%Y-%m-%d %H:%M"),
            "turns": [{"question": q, "answer": answer_record(a)} for q, a in turns],
        }
        # Unique per writer: two sessions (threads of one process) saving at once must not
        # write into the same temporary file.
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, path)
        except OSError as error:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
            raise ConversationUnavailable(
                f"the conversation could not be saved ({error.strerror or error})"
            ) from error
        for old in self._files(browser)[MAX_CONVERSATIONS:]:
            old.unlink(missing_ok=True)

    def load(self, browser: str, conversation: str) -> list[tuple[str, Answer]] | None:
        """The conversation's turns, or None when this browser has no such conversation (or
        its file cannot be read)."""
        try:
            path = self._file(browser, conversation)
            record = json.loads(path.read_text(encoding="utf-8"))
            turns = [(t["question"], answer_from_record(t["answer"])) for t in record["turns"]]
        except (ConversationUnavailable, OSError, ValueError, KeyError, TypeError, RecursionError):
            return None
        # A file written by hand or half-written: every shown field must be text.
        if not all(isinstance(q, str) and isinstance(a.text, str) for q, a in turns):
            return None
        return turns

    def summaries(self, browser: str) -> list[Summary]:
        """This browser's conversations, the most recently updated first."""
        summaries = []
        for path in self._files(browser):
            try:
                record = json.loads(path.read_text(encoding="utf-8"))
                first = record["turns"][0]["question"] if record["turns"] else ""
                if not isinstance(first, str):
                    raise TypeError(first)
            except (OSError, ValueError, KeyError, TypeError, IndexError, RecursionError):
                continue  # a damaged file is left out of the list, not shown as an error
            title = first if len(first) <= TITLE_CHARS else first[: TITLE_CHARS - 1] + "…"
            summaries.append(Summary(path.stem, title, record["updated"], len(record["turns"])))
        return summaries

    def delete(self, browser: str, conversation: str) -> None:
        self._file(browser, conversation).unlink(missing_ok=True)

    def _files(self, browser: str) -> list[Path]:
        if not valid_id(browser):
            return []
        folder = self.folder / browser
        files = [p for p in folder.glob("*.json") if valid_id(p.stem)] if folder.is_dir() else []
        return sorted(files, key=_modified, reverse=True)


def _modified(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:  # removed meanwhile (by another session's pruning)
        return 0.0
