"""What a sync has to do, decided before anything is written.

Two steps. `look` reads the disk: the files under the paths (the excluded ones set apart), each
file's hash, and which files the manifest lists are gone. `plan_sync` then compares that with
the live manifest and touches nothing: which files are unchanged, which must be read again,
which could not even be hashed, and which manifest entries leave the index. `index.build`
applies the plan: it reads the changed files, embeds what is new and switches versions.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from index.manifest import FileEntry
from ingest.pipeline import FileProblem, file_sha256
from ingest.sources import discover


@dataclass(frozen=True)
class FoundFile:
    """A file found under the paths to sync, with its hash (or why it could not be hashed)."""

    path: Path  # as found
    name: str  # the resolved path: the file's key in the manifest
    sha256: str = ""
    unreadable: str = ""  # the reason, when its bytes could not be read


@dataclass(frozen=True)
class FilesFound:
    """What is on disk, as far as a sync needs to know."""

    files: tuple[FoundFile, ...]  # to index, in the order found
    skipped: tuple[FileProblem, ...]  # found, but not a file to read (unsupported, missing)
    excluded: tuple[Path, ...]  # found, but excluded in the library
    scanned: tuple[Path, ...]  # the paths that are folders, resolved
    targets: tuple[Path, ...]  # every path, resolved
    missing: frozenset[str]  # files the manifest lists that no longer exist


def look(paths: Sequence[Path], excluded: Collection[str], listed: Iterable[str]) -> FilesFound:
    """Find the files under `paths` (those in `excluded`, resolved paths, set apart), hash each
    one, and note which of the `listed` files (the manifest's) are gone from the disk."""
    files, skipped = discover(paths)
    kept = [p for p in files if str(p.resolve()) not in excluded]
    return FilesFound(
        files=tuple(_hashed(path) for path in kept),
        skipped=tuple(FileProblem(path, reason) for path, reason in skipped),
        excluded=tuple(p for p in files if str(p.resolve()) in excluded),
        scanned=tuple(p.resolve() for p in paths if p.is_dir()),
        targets=tuple(p.resolve() for p in paths),
        missing=frozenset(name for name in listed if not Path(name).exists()),
    )


def _hashed(path: Path) -> FoundFile:
    name = str(path.resolve())
    try:
        return FoundFile(path, name, sha256=file_sha256(path))
    except OSError as error:
        return FoundFile(path, name, unreadable=f"could not be read ({error.strerror})")


class Action(Enum):
    """What a sync does with one file found."""

    KEEP = "keep"  # indexed as it is: its passages stay, nothing is read
    READ = "read"  # new or changed (or recorded before the library's details were): read it
    UNREADABLE = "unreadable"  # its bytes could not be read: reported, its old passages stay


@dataclass(frozen=True)
class FileStep:
    number: int  # of the files found, from 1: what progress reports
    file: FoundFile
    action: Action
    kept_chunks: int = 0  # the passages of a file kept as it is


@dataclass(frozen=True)
class SyncPlan:
    """Every file found with what to do with it, and the manifest entries that leave."""

    steps: tuple[FileStep, ...]
    removed: tuple[str, ...]  # manifest entries of files gone or excluded, in manifest order
    skipped: tuple[FileProblem, ...]
    excluded: tuple[Path, ...]

    def with_action(self, action: Action) -> list[FileStep]:
        return [step for step in self.steps if step.action is action]

    @property
    def changes_nothing(self) -> bool:
        """No file to read and no entry to remove: the live version can stay as it is (a
        file to read may still turn out unreadable, which changes nothing either)."""
        return not self.with_action(Action.READ) and not self.removed


def plan_sync(
    found: FilesFound, listed: Mapping[str, FileEntry], excluded: Collection[str]
) -> SyncPlan:
    """What to do, from what is on disk and the live manifest's `listed` files. No I/O."""
    present = {file.name for file in found.files}
    return SyncPlan(
        steps=tuple(
            _step(number, file, listed.get(file.name))
            for number, file in enumerate(found.files, start=1)
        ),
        removed=tuple(name for name in listed if _leaves(name, present, found, excluded)),
        skipped=found.skipped,
        excluded=found.excluded,
    )


def _step(number: int, file: FoundFile, entry: FileEntry | None) -> FileStep:
    if file.unreadable:
        return FileStep(number, file, Action.UNREADABLE)
    # An entry without a format was written before the library's details were recorded.
    if entry and entry.sha256 == file.sha256 and entry.format:
        return FileStep(number, file, Action.KEEP, kept_chunks=entry.chunks)
    return FileStep(number, file, Action.READ)


def _leaves(name: str, present: set[str], found: FilesFound, excluded: Collection[str]) -> bool:
    """Whether the manifest's file `name` leaves the index: it is excluded, or it is gone from
    a folder (or a file) this sync looked at. A file elsewhere that is gone stays listed: this
    sync did not look there."""
    if name in excluded:
        return True
    if name in present or name not in found.missing:
        return False
    path = Path(name)
    return any(path.is_relative_to(folder) for folder in found.scanned) or path in found.targets
