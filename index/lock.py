"""One writer at a time: an inter-process lock around every change to the index.

Two ingests (or two admin rebuilds, or one of each) that run together would each build a next
version from the same live one and switch the manifest in turn: the second switch drops the
first's documents without a word. The lock makes the second wait for the first, then build on
what the first wrote. Readers never take it: they follow the manifest, which is switched
atomically.
"""

from __future__ import annotations

import json
import os
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from filelock import FileLock, Timeout

from ingest.errors import GovassistError

LOCK_NAME = "index.lock"
# Who holds the lock, for the message a waiting writer shows. A file of its own: the lock file
# is opened (and may be truncated or replaced) by every process that asks for the lock.
HOLDER_NAME = "index.lock.holder.json"


class IndexBusyError(GovassistError):
    """Another ingest or rebuild kept the index for longer than this one would wait."""


@dataclass(frozen=True)
class Holder:
    """The writer holding the lock: what it is, its process, since when."""

    what: str
    pid: int
    host: str
    since: str

    def describe(self) -> str:
        """`govassist ingest (process 123 on host, since 18:55:02 UTC)`."""
        return f"{self.what} (process {self.pid} on {self.host}, since {self.since})"


def current_holder(data_dir: Path) -> Holder | None:
    """Who holds the writer lock of `data_dir` as it recorded itself, or None when unknown."""
    try:
        return Holder(**json.loads((data_dir / HOLDER_NAME).read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


# A writer records itself just after it takes the lock: a waiter that arrives in between gives
# it this long to do so before it falls back to not naming it.
HOLDER_SETTLE_S = 2.0


def _describe_holder(data_dir: Path) -> str:
    deadline = time.monotonic() + HOLDER_SETTLE_S
    while (holder := current_holder(data_dir)) is None and time.monotonic() < deadline:
        time.sleep(0.05)
    return holder.describe() if holder else "another ingest or rebuild"


def _record_holder(data_dir: Path, what: str) -> None:
    since = datetime.now(UTC).strftime("%H:%M:%S UTC")
    holder = Holder(what=what, pid=os.getpid(), host=socket.gethostname(), since=since)
    path = data_dir / HOLDER_NAME
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(json.dumps(asdict(holder)), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:  # a full disk, say: the lock still holds, a waiter just cannot name us
        tmp.unlink(missing_ok=True)
        path.unlink(missing_ok=True)  # never name a writer that has gone


@contextmanager
def writer_lock(
    data_dir: Path,
    what: str,
    wait_s: float,
    on_wait: Callable[[str], None] | None = None,
) -> Iterator[float]:
    """Hold the index's writer lock for the block; yield the seconds spent waiting for it.

    Args:
        data_dir: the data directory (the lock lives beside the manifest).
        what: who is writing, as another writer's message should name it.
        wait_s: how long to wait for a writer that holds it before giving up.
        on_wait: told once, with the holder's description, when this writer has to wait.

    Raises:
        IndexBusyError: the lock was still held after `wait_s`; nothing was changed.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    # A fresh lock object each time: two threads of one app (two admin sessions) then hold
    # two descriptors, and the OS lock keeps them apart just as it does two processes.
    lock = FileLock(data_dir / LOCK_NAME, thread_local=False)
    started = time.monotonic()
    try:
        lock.acquire(timeout=0)
    except Timeout:
        if on_wait:
            on_wait(_describe_holder(data_dir))
        try:
            lock.acquire(timeout=wait_s)
        except Timeout:
            raise IndexBusyError(
                f"the index in {data_dir} is being written by {_describe_holder(data_dir)}; "
                f"waited {wait_s:g} s for it to finish. Nothing was changed: try again once it "
                "has finished."
            ) from None
    waited = time.monotonic() - started
    try:
        _record_holder(data_dir, what)
        yield waited
    finally:
        (data_dir / HOLDER_NAME).unlink(missing_ok=True)
        lock.release()
