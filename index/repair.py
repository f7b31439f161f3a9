"""Writing the index safely: one writer at a time, a damaged index set aside and rebuilt from
its documents, a library change made with its sync and undone if either fails.

`update_index` is what `govassist ingest`, the admin page and the library commands end in
(`app.resources` wires the settings to it). It takes the writer lock, then looks for damage
under it (so no other writer's half-done work can look like damage): a damaged index is put
out of the way and rebuilt from every document it held, and the report says why. A failure to
write (a full disk, a read-only folder) leaves the live version answering and is reported as
IndexWriteError.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from index import versions
from index.build import ProgressCallback, SyncReport, sync
from index.embedder import Embedder
from index.health import index_problem, looks_damaged, not_damage_reason, not_writable, set_aside
from index.library import LibraryChange, LibraryError, excluded_paths, record_skipped
from index.lock import writer_lock
from index.manifest import Manifest
from index.store import Database, StoreUnavailableError, is_store_error
from ingest.chunking import ChunkingConfig
from ingest.errors import GovassistError
from ingest.sandbox import ParseLimits


class IndexWriteError(GovassistError):
    """The index could not be written (a read-only or full data directory, say); the version
    that was live before keeps answering."""


@dataclass(frozen=True)
class IndexHome:
    """Where an index lives and how to open its store."""

    data_dir: Path
    manifest_path: Path
    uploads_dir: Path  # read again, with the targets, when a damaged index is rebuilt
    open_database: Callable[[], Database]
    # The embedded store's folder, moved aside when damaged; None for a Chroma server, whose
    # files are not ours to move (its versions are dropped instead).
    chroma_path: Path | None


@dataclass(frozen=True)
class IngestOptions:
    """How files are read into the index, and how long a writer waits for another."""

    chunking: ChunkingConfig
    max_bytes: int
    file_time_limit_s: float
    parse_limits: ParseLimits
    wait_s: float


def update_index(
    home: IndexHome,
    options: IngestOptions,
    targets: Sequence[Path],
    embedder: Embedder,
    writer: str,
    on_wait: Callable[[str], None] | None = None,
    change: LibraryChange | None = None,
    on_progress: ProgressCallback | None = None,
    on_read: ProgressCallback | None = None,
) -> SyncReport:
    """Sync `targets` into the index, or make the library `change` and sync as it says.

    One writer at a time: one that holds the index is waited for (up to `options.wait_s`;
    `on_wait` is told who holds it), then this one builds on what it wrote; IndexBusyError if
    it is still writing by then. `writer` names this one to others. Files excluded in the
    library are never indexed; the problems of an ingest (not of a change) are recorded for
    the library to show."""
    if problem := not_writable(home.data_dir):
        raise IndexWriteError(
            f"could not write the index in {home.data_dir}: {problem}. Nothing in it was changed."
        )
    try:
        with writer_lock(home.data_dir, writer, options.wait_s, on_wait) as waited:
            damage, report = _write(
                home, options, list(targets), embedder, writer, change, on_progress, on_read
            )
    except Exception as error:
        if not (isinstance(error, OSError) or is_store_error(error)):
            raise
        raise IndexWriteError(_write_failure(home, error)) from error
    report.repaired = damage or ""
    report.waited_s = waited
    return report


def _write(
    home: IndexHome,
    options: IngestOptions,
    targets: list[Path],
    embedder: Embedder,
    writer: str,
    change: LibraryChange | None,
    on_progress: ProgressCallback | None,
    on_read: ProgressCallback | None,
) -> tuple[str | None, SyncReport]:
    """Under the writer lock: repair a damaged index, sync, make the change. Returns why the
    index was damaged (None when it was not) and what the sync did."""
    damage = _damage(home)
    if damage:
        targets = _rebuild_targets(home, targets)
        _set_damaged_aside(home)
    if change is None or damage:
        report = _sync(home, options, options.chunking, targets, embedder, on_progress, on_read)
        _record_skipped(home.data_dir, report, writer)
    if change is not None:
        report = _apply_change(home, options, change, embedder, on_progress)
    return damage, report


def _sync(
    home: IndexHome,
    options: IngestOptions,
    chunking: ChunkingConfig,
    targets: Sequence[Path],
    embedder: Embedder,
    on_progress: ProgressCallback | None,
    on_read: ProgressCallback | None = None,
    excluded: frozenset[str] = frozenset(),
) -> SyncReport:
    """`sync` of `targets`, without the files `excluded` or excluded in the library."""
    return sync(
        list(targets), home.open_database(), embedder, home.manifest_path, chunking,
        on_progress, max_bytes=options.max_bytes, file_time_limit_s=options.file_time_limit_s,
        parse_limits=options.parse_limits, excluded=excluded | excluded_paths(home.data_dir),
        on_read=on_read,
    )  # fmt: skip


def _write_failure(home: IndexHome, error: BaseException) -> str:
    reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
    if not looks_damaged(error):
        reason = f"{not_damage_reason(error)} ({reason})"
    return (
        f"could not write the index in {home.data_dir}: {reason}. "
        "The index as it was before is intact and keeps answering."
    )


def _apply_change(
    home: IndexHome,
    options: IngestOptions,
    change: LibraryChange,
    embedder: Embedder,
    on_progress: ProgressCallback | None,
) -> SyncReport:
    """Make a library change and sync the index to it; undo it all if either fails."""
    manifest = Manifest.load(home.manifest_path)
    # The index as it was built (its model and chunking), whatever the settings say now: a
    # removal must never start a fresh index of nothing.
    chunking = ChunkingConfig(**manifest.chunking) if manifest else options.chunking

    def run(targets: Sequence[Path], excluded: set[str]) -> SyncReport:
        return _sync(
            home, options, chunking, targets, embedder, on_progress, excluded=frozenset(excluded)
        )

    try:
        plan = change.apply(manifest)
        report = run(plan.targets, plan.excluded)
    except BaseException:
        change.undo()  # the index did not switch: files and exclusions go back, that is all
        raise
    try:
        change.commit(Manifest.load(home.manifest_path))
    except LibraryError as error:
        run(change.undo(), set())  # the index switched without the document: put it back
        reasons = "; ".join(f"{p.path.name}: {p.reason}" for p in report.problems)
        raise LibraryError(
            f"{error}{f' ({reasons})' if reasons else ''}. Nothing was changed."
        ) from error
    return report


def _record_skipped(data_dir: Path, report: SyncReport, writer: str) -> None:
    """Keep the ingest's skipped files for the library to show."""
    # A full disk, say: the index is written; the library shows an older list until the next.
    with contextlib.suppress(OSError):
        record_skipped(data_dir, [(p.path, p.reason) for p in report.problems], writer)


def _damage(home: IndexHome) -> str | None:
    """Why the live index is damaged, or None (also when there is none yet)."""
    manifest = Manifest.load(home.manifest_path)
    if manifest is None or not manifest.collection:
        return None
    try:
        database = home.open_database()
    except StoreUnavailableError:
        raise
    except Exception as error:  # the store's files cannot even be opened
        if not looks_damaged(error):
            raise
        return f"the store cannot be opened: {type(error).__name__}: {str(error)[:160]}"
    return index_problem(database, manifest)


def _rebuild_targets(home: IndexHome, targets: list[Path]) -> list[Path]:
    """What a rebuild reads: the targets, the uploads, and any other file the old manifest
    lists that still exists (each file once)."""
    manifest = Manifest.load(home.manifest_path)
    folders = [*targets, *([home.uploads_dir] if home.uploads_dir.is_dir() else [])]
    covered = [f.resolve() for f in folders]
    listed = [Path(name) for name in manifest.files] if manifest else []
    others = [p for p in listed if p.exists() and not any(p.is_relative_to(f) for f in covered)]
    return [*folders, *others]


def _set_damaged_aside(home: IndexHome) -> None:
    """Put a damaged index out of the way before it is rebuilt."""
    if home.chroma_path is None:  # a server's files are not ours to move: drop our versions
        versions.drop_every_version(home.open_database())
        home.manifest_path.unlink(missing_ok=True)
    else:
        set_aside(home.chroma_path, home.manifest_path)
