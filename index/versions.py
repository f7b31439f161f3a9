"""Index versions: how they are named, which one to start from, and when the old ones go.

Every sync that changes something writes a new version beside the live one: a Chroma
collection named `govassist-<fingerprint>-<nanoseconds>`, with its sentence vectors and its
duties register in files named after it. The manifest switches to it once it is complete. The
previous version stays, for processes still answering from it; older ones go, and so do
half-built leftovers of a crashed run. Call the functions that drop versions only as the one
writer (`index.lock.writer_lock`).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from pathlib import Path

from index import duty_registers, sentence_vectors
from index.store import Database

PREFIX = "govassist-"  # every version of every fingerprint; other collections are not ours


def is_version(name: str) -> bool:
    """Whether the collection `name` is an index version (of any settings)."""
    return name.startswith(PREFIX)


def _prefix(key: str) -> str:
    return f"{PREFIX}{key}-"


def new_name(key: str) -> str:
    """A fresh version name for the fingerprint `key`; later names sort after earlier ones."""
    return f"{_prefix(key)}{time.time_ns()}"


def newest_complete(database: Database, names: Iterable[str], key: str) -> str:
    """The newest complete version built with the fingerprint `key` among `names`, or ""."""
    ours = [n for n in names if n.startswith(_prefix(key))]
    complete = [n for n in ours if database.collection(n).complete]
    return max(complete, key=lambda n: int(n.rsplit("-", 1)[1]), default="")


def drop_unfinished(database: Database, names: Iterable[str], live: str) -> int:
    """After a sync that changed nothing: drop the half-built versions of a crashed run (the
    complete ones stay) and the store's folders no collection uses; returns how many folders."""
    for name in names:
        if is_version(name) and name != live and not database.collection(name).complete:
            database.drop(name)
    return database.remove_unused_files()


def drop_unused_registers(database: Database, data_dir: Path) -> None:
    """Delete the duties registers of versions the store no longer holds."""
    duty_registers.remove_unused(data_dir, keep=database.names())


def drop_all_but(database: Database, data_dir: Path, keep: set[str]) -> int:
    """After a switch: drop every version but `keep` (the new one and the one before it), with
    their sentence vectors and registers, then the store's unused folders; returns how many."""
    for name in database.names():
        if is_version(name) and name not in keep:
            database.drop(name)
    sentence_vectors.remove_unused(data_dir, keep=keep)
    duty_registers.remove_unused(data_dir, keep=keep)
    return database.remove_unused_files()


def drop_every_version(database: Database) -> None:
    """Drop every index version in the store (a damaged index on a Chroma server, whose files
    are not ours to move aside)."""
    for name in database.names():
        if is_version(name):
            database.drop(name)
