"""The library: what the index holds, what the last ingest skipped, and changes to it.

A removal or a replacement is a `LibraryChange`: it moves files (or records an exclusion) under
the index's writer lock, the caller syncs the index, then the change is committed or undone, so
a failure leaves both the files and the index as they were.

Files the application stored (uploads) are its own: removing one deletes it, replacing one
overwrites it. Any other file (the shipped `corpus/`, or a folder ingested from elsewhere) is
never deleted or changed: it is excluded from the index by a recorded exclusion, which every
later ingest honours, until it is included again.
"""

from __future__ import annotations

import math
import os
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal, Protocol

from pydantic import BaseModel, ValidationError

from index.manifest import FileEntry, Manifest
from ingest.errors import GovassistError

EXCLUSIONS_NAME = "exclusions.json"
SKIPPED_NAME = "skipped.json"
WORK_NAME = ".library"  # staging and set-aside files, under the data directory

Origin = Literal["upload", "corpus", "other"]
FORMATS = {"pdf": "PDF", "docx": "Word", "html": "HTML", "htm": "HTML", "md": "Markdown",
           "markdown": "Markdown", "txt": "Text", "text": "Text"}  # fmt: skip


class LibraryError(GovassistError):
    """A library change that cannot be made; nothing was changed. The message says why."""


class UnknownDocumentError(LibraryError):
    """No indexed (or excluded) document has this id."""

    exit_code = 2


@dataclass(frozen=True)
class Folders:
    """Where the library's files live."""

    data_dir: Path
    corpus_dir: Path
    uploads_dir: Path

    @property
    def manifest_path(self) -> Path:
        return self.data_dir / "manifest.json"

    def origin(self, path: Path) -> Origin:
        """Whether a file was uploaded in the app, shipped in the corpus, or is elsewhere."""
        if path.is_relative_to(self.uploads_dir.resolve()):
            return "upload"
        if path.is_relative_to(self.corpus_dir.resolve()):
            return "corpus"
        return "other"


@dataclass(frozen=True)
class Document:
    """One indexed document, as the library lists it."""

    doc_id: str
    title: str
    author: str
    year: int | None
    format: str
    pages: int | None
    passages: int
    size: int
    added: str
    path: str
    origin: Origin


# On-disk records: pydantic, so a hand-edited or damaged file is refused with a reason.
class Exclusion(BaseModel):
    """A file kept out of the index by a removal in the library."""

    path: str
    doc_id: str
    title: str
    excluded_at: str


class _Exclusions(BaseModel):
    files: list[Exclusion] = []


class SkippedFile(BaseModel):
    """A file the last ingest could not read, and why."""

    path: str
    reason: str


class Skipped(BaseModel):
    """What the last ingest skipped: when it ran, who ran it, each file with its reason."""

    at: str = ""
    by: str = ""
    files: list[SkippedFile] = []


@dataclass(frozen=True)
class Library:
    documents: tuple[Document, ...]
    excluded: tuple[Exclusion, ...]
    skipped: Skipped
    built_at: str = ""

    def ids(self) -> list[str]:
        """Every id a change may name: indexed documents, then excluded ones."""
        return [d.doc_id for d in self.documents] + [e.doc_id for e in self.excluded]


def size_label(size: int) -> str:
    """A file's size as the Library page and `govassist library` both show it: whole KB
    rounded up (a 200-byte file is 1 KB, not 0), MB with one decimal from 1 MB."""
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    return f"{math.ceil(size / 1024)} KB" if size else ""


def to_the_minute(timestamp: str) -> str:
    """A recorded ISO time as a reader writes it: "2026-11-27 05:56" (UTC)."""
    return timestamp.replace("T", " ")[:16]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _write_atomically(path: Path, text: str) -> None:
    """A crash leaves the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)  # a full disk leaves no half-written file behind
        raise


def load_exclusions(data_dir: Path) -> list[Exclusion]:
    """The recorded exclusions; LibraryError when the file is damaged (ignoring it would bring
    removed documents back without a word)."""
    path = data_dir / EXCLUSIONS_NAME
    if not path.is_file():
        return []
    try:
        return _Exclusions.model_validate_json(path.read_text(encoding="utf-8")).files
    except (OSError, ValidationError) as error:
        raise LibraryError(
            f"{path} cannot be read ({str(error).splitlines()[0]}): it lists the documents "
            "removed from the index. Fix or delete it, then try again."
        ) from error


def save_exclusions(data_dir: Path, exclusions: Iterable[Exclusion]) -> None:
    """Record the exclusions (atomically)."""
    record = _Exclusions(files=list(exclusions))
    _write_atomically(data_dir / EXCLUSIONS_NAME, record.model_dump_json(indent=2))


def excluded_paths(data_dir: Path) -> set[str]:
    """The excluded files' resolved paths, as `index.build.sync` takes them."""
    return {e.path for e in load_exclusions(data_dir)}


def record_skipped(data_dir: Path, problems: Iterable[tuple[Path, str]], by: str) -> None:
    """Keep the last ingest's unreadable files and reasons where a later process can read them."""
    files = [SkippedFile(path=str(path), reason=reason) for path, reason in problems]
    record = Skipped(at=_now(), by=by, files=files)
    _write_atomically(data_dir / SKIPPED_NAME, record.model_dump_json(indent=2))


def load_skipped(data_dir: Path) -> Skipped:
    """What the last ingest skipped (nothing when it skipped nothing or the record is unreadable:
    it is a report, not a decision, and the next ingest writes it again)."""
    try:
        return Skipped.model_validate_json((data_dir / SKIPPED_NAME).read_text(encoding="utf-8"))
    except (OSError, ValidationError):
        return Skipped()


def _without_deleted_uploads(skipped: Skipped, folders: Folders) -> Skipped:
    """The skipped files, less the uploads that are gone: an upload no ingest could read is
    deleted, not kept (the Admin page says so), so it is no file of the library's any more.
    Any other missing file stays listed: it is someone's to put back or fix."""
    files = [
        f for f in skipped.files
        if folders.origin(Path(f.path).resolve()) != "upload" or Path(f.path).exists()
    ]  # fmt: skip
    return skipped.model_copy(update={"files": files})


def _document(name: str, entry: FileEntry, folders: Folders) -> Document:
    path = Path(name)
    return Document(
        doc_id=entry.doc_id, title=entry.title, author=entry.author, year=entry.year,
        format=FORMATS.get(entry.format, entry.format.upper()), pages=entry.pages,
        passages=entry.chunks, size=entry.size, added=entry.added, path=name,
        origin=folders.origin(path),
    )  # fmt: skip


def read_library(folders: Folders) -> Library:
    """Every indexed document (by title), the exclusions and the last ingest's skipped files."""
    manifest = Manifest.load(folders.manifest_path)
    entries = manifest.files.items() if manifest else []
    documents = sorted(
        (_document(name, entry, folders) for name, entry in entries),
        key=lambda d: (d.title.lower(), d.doc_id),
    )
    return Library(
        documents=tuple(documents),
        excluded=tuple(load_exclusions(folders.data_dir)),
        skipped=_without_deleted_uploads(load_skipped(folders.data_dir), folders),
        built_at=manifest.built_at if manifest else "",
    )


def document_as_json(document: Document) -> dict[str, object]:
    """One document for `govassist library --json`."""
    return asdict(document)


def unknown(doc_id: str, valid: Iterable[str], what: str = "document") -> UnknownDocumentError:
    """The error for an id that names nothing, listing the ids that do."""
    known = sorted(set(valid))
    listed = ", ".join(known) if known else "none (nothing is indexed yet)"
    return UnknownDocumentError(f"no {what} has the id '{doc_id}'. Valid ids: {listed}")


def _find(manifest: Manifest | None, doc_id: str) -> tuple[Path, FileEntry]:
    files = manifest.files if manifest else {}
    for name, entry in files.items():
        if entry.doc_id == doc_id:
            return Path(name), entry
    raise unknown(doc_id, [e.doc_id for e in files.values()])


@dataclass(frozen=True)
class SyncPlan:
    """What the index sync after a change reads: these targets, without these files."""

    targets: list[Path]
    excluded: set[str]


class LibraryChange(Protocol):
    """A change made under the writer lock, then kept (`commit`) or taken back (`undo`)."""

    what: str  # "removing x", for the writer lock's holder record

    def apply(self, manifest: Manifest | None) -> SyncPlan: ...

    def commit(self, manifest: Manifest | None) -> None:
        """Keep the change; LibraryError when the sync did not do what it needed."""

    def undo(self) -> list[Path]:
        """Put files and exclusions back; returns files to index again, if the index already
        switched without them."""


@dataclass
class _Undo:
    """Files set aside and exclusions added by a change, to put back if its sync fails."""

    folders: Folders
    moved: list[tuple[Path, Path]] = field(default_factory=list)  # (set aside, original)
    created: list[Path] = field(default_factory=list)
    exclusions_before: list[Exclusion] | None = None

    def set_aside(self, path: Path) -> None:
        work = self.folders.data_dir / WORK_NAME
        work.mkdir(parents=True, exist_ok=True)
        aside = Path(tempfile.mkdtemp(prefix="removed-", dir=work)) / path.name
        os.replace(path, aside)
        self.moved.append((aside, path))

    def exclude(self, path: Path, entry: FileEntry) -> None:
        current = load_exclusions(self.folders.data_dir)
        if self.exclusions_before is None:
            self.exclusions_before = list(current)
        record = Exclusion(
            path=str(path), doc_id=entry.doc_id, title=entry.title, excluded_at=_now()
        )
        kept = [e for e in current if e.path != str(path)]
        save_exclusions(self.folders.data_dir, [*kept, record])

    def discard(self) -> None:
        """The change is kept: the set-aside files go for good."""
        for aside, _ in self.moved:
            shutil.rmtree(aside.parent, ignore_errors=True)

    def restore(self) -> None:
        """The change failed: every file and exclusion goes back as it was."""
        for path in self.created:
            path.unlink(missing_ok=True)
        for aside, original in reversed(self.moved):
            os.replace(aside, original)
            shutil.rmtree(aside.parent, ignore_errors=True)
        if self.exclusions_before is not None:
            save_exclusions(self.folders.data_dir, self.exclusions_before)


class Removal:
    """Remove one document: an upload is deleted, any other file excluded."""

    def __init__(self, folders: Folders, doc_id: str) -> None:
        self.folders, self.doc_id = folders, doc_id
        self.what = f"removing '{doc_id}' in the library"
        self._undo = _Undo(folders)

    def apply(self, manifest: Manifest | None) -> SyncPlan:
        """Set the upload aside, or record the exclusion; the sync drops its passages."""
        path, entry = _find(manifest, self.doc_id)
        if self.folders.origin(path) != "upload":
            self._undo.exclude(path, entry)
        elif path.exists():
            self._undo.set_aside(path)
        return SyncPlan(targets=[], excluded={str(path)})

    def commit(self, manifest: Manifest | None) -> None:
        self._undo.discard()

    def undo(self) -> list[Path]:
        self._undo.restore()
        return []


class Replacement:
    """Replace one document with a new file under the same id.

    The new file is stored among the uploads named after the old one (its id comes from the
    name), so links, filters and feedback that name the id still find it. An upload it replaces
    is deleted; a corpus (or other) file is excluded, as a removal would."""

    def __init__(self, folders: Folders, doc_id: str, staged: Path) -> None:
        self.folders, self.doc_id, self.staged = folders, doc_id, staged
        self.what = f"replacing '{doc_id}' in the library"
        self.target: Path | None = None
        self._old: Path | None = None
        self._undo = _Undo(folders)

    def apply(self, manifest: Manifest | None) -> SyncPlan:
        """Put the new file in place of the old one; the sync indexes it under the old id."""
        old, entry = _find(manifest, self.doc_id)
        self._old = old
        is_upload = self.folders.origin(old) == "upload"
        folder = old.parent if is_upload else self.folders.uploads_dir.resolve()
        target = folder / f"{old.stem}{self.staged.suffix.lower()}"
        excluded = set()
        if target.exists():
            self._undo.set_aside(target)  # the old upload itself, or a stray file of its name
        if old != target:
            excluded.add(str(old))
            if is_upload:
                if old.exists():
                    self._undo.set_aside(old)
            else:
                self._undo.exclude(old, entry)
        folder.mkdir(parents=True, exist_ok=True)
        os.replace(self.staged, target)
        self._undo.created.append(target)
        self.target = target
        return SyncPlan(targets=[target], excluded=excluded)

    def commit(self, manifest: Manifest | None) -> None:
        """Keep the change if the new file is now indexed under the id; LibraryError if not."""
        held = manifest.files.get(str(self.target)) if manifest and self.target else None
        if held is None or held.doc_id != self.doc_id:
            raise LibraryError(
                f"the replacement for '{self.doc_id}' could not be indexed under that id"
            )
        self._undo.discard()

    def undo(self) -> list[Path]:
        self._undo.restore()
        return [self._old] if self._old else []


class Inclusion:
    """Bring an excluded file back into the index."""

    def __init__(self, folders: Folders, doc_id: str) -> None:
        self.folders, self.doc_id = folders, doc_id
        self.what = f"including '{doc_id}' again in the library"
        self._path = ""
        self._undo = _Undo(folders)

    def apply(self, manifest: Manifest | None) -> SyncPlan:
        """Drop the exclusion; the sync reads the file again."""
        exclusions = load_exclusions(self.folders.data_dir)
        record = next((e for e in exclusions if e.doc_id == self.doc_id), None)
        if record is None:
            raise unknown(self.doc_id, [e.doc_id for e in exclusions], "excluded document")
        holders = {entry.doc_id for entry in (manifest.files.values() if manifest else [])}
        if self.doc_id in holders:
            raise LibraryError(
                f"'{self.doc_id}' is indexed from another file (a replacement): remove that one "
                "first, then include this one again"
            )
        if not Path(record.path).is_file():
            raise LibraryError(f"{record.path} no longer exists: it cannot be included again")
        self._undo.exclusions_before = list(exclusions)
        save_exclusions(self.folders.data_dir, [e for e in exclusions if e is not record])
        self._path = record.path
        return SyncPlan(targets=[Path(record.path)], excluded=set())

    def commit(self, manifest: Manifest | None) -> None:
        """Keep the change if the file is indexed again; LibraryError if it could not be."""
        if manifest is None or self._path not in manifest.files:
            raise LibraryError(f"{self._path} could not be indexed again")
        self._undo.discard()

    def undo(self) -> list[Path]:
        self._undo.restore()
        return []
