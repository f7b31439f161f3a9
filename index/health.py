"""Is the live index whole? A damaged store (a malformed SQLite file, a collection that lost
passages, vectors that no longer find their own passage) is caught before it serves a wrong
answer; `govassist ingest` then sets it aside and rebuilds it from the documents."""

from __future__ import annotations

import time
from pathlib import Path

from index.manifest import Manifest
from index.store import Database, StoreUnavailableError, forget_open_store, is_connection_error
from index.types import Filters

# How many neighbours of a stored vector are looked at for its own passage, and how
# close a neighbour must be to count as the passage itself (a near-copy).
SELF_CHECK_NEIGHBOURS = 10
SELF_CHECK_SIMILARITY = 0.98


def index_problem(database: Database, manifest: Manifest) -> str | None:
    """Why the index version the manifest names cannot be trusted, or None when it is whole.

    Three checks, a few milliseconds in all: the store answers, it holds as many passages as
    the manifest recorded, and one stored vector finds its own passage first."""
    try:
        if manifest.collection not in database.names():
            return f"the index version {manifest.collection} is missing from the store"
        store = database.collection(manifest.collection)
        expected = sum(entry.chunks for entry in manifest.files.values())
        found = store.count()
        if found != expected:
            return f"it holds {found} passages where {expected} were written"
        first = next(store.export(), None)
        if first is None:
            return None
        chunks, vectors = first
        # Among its nearest neighbours is itself, or a passage of nearly the same text. The
        # store's search is approximate: in a library of many near-copies (a long document of
        # repeated wording) the passage itself can rank below a twin, and the index is whole.
        nearest = store.search(vectors[0], SELF_CHECK_NEIGHBOURS, Filters())
        if not any(i == chunks[0].id or s >= SELF_CHECK_SIMILARITY for i, s in nearest):
            return "its vectors no longer find their own passages"
    except Exception as error:  # whatever the store's library raises on a broken file
        if is_connection_error(error):  # a server that is down is not a damaged index
            raise StoreUnavailableError("the Chroma server is not answering") from error
        if not looks_damaged(error):  # a full disk, say: the caller reports it, nothing moves
            raise
        return f"the store cannot be read: {type(error).__name__}: {str(error)[:160]}"
    return None


# How SQLite and Chroma report a store that is fine but cannot be used just now: a full disk,
# a read-only or locked folder. Setting the index aside then would throw away a good index;
# any other failure to read it (a malformed file, lost logs, a broken vector index) is damage.
NOT_DAMAGE_MARKERS = ("full", "no space", "readonly", "read-only", "permission", "locked", "busy")


def looks_damaged(error: BaseException) -> bool:
    """Whether a failure to read the store means damage, not a full, read-only or busy one."""
    text = f"{type(error).__name__}: {error}".lower()
    return not any(marker in text for marker in NOT_DAMAGE_MARKERS)


def not_damage_reason(error: BaseException) -> str:
    """In plain words, why an intact store cannot be used just now (see NOT_DAMAGE_MARKERS)."""
    text = f"{error}".lower()
    if "full" in text or "no space" in text:
        return "the disk is full"
    if any(marker in text for marker in ("readonly", "read-only", "permission")):
        return "its folder cannot be written"
    return "it is locked by another process"


def set_aside(chroma_path: Path, manifest_path: Path) -> Path:
    """Move a damaged embedded store and its manifest out of the way (kept, for a look later),
    so the next ingest builds a fresh one. Returns where they went."""
    forget_open_store(chroma_path)
    aside = chroma_path.with_name(f"{chroma_path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
    aside.mkdir(parents=True, exist_ok=True)
    if chroma_path.exists():
        chroma_path.rename(aside / chroma_path.name)
    if manifest_path.exists():
        manifest_path.rename(aside / manifest_path.name)
    return aside


def not_writable(folder: Path) -> str | None:
    """Why nothing can be written in `folder` (read-only, no permission), or None."""
    import tempfile

    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as error:
        return error.strerror or str(error)
    return None
