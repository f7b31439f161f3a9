"""Keeping the index in step with the files: embed only what is new, drop what is gone.

The manifest records what shaped the index (model, chunking rules) and each file's hash. Its
fingerprint names the Chroma collection, so a changed setting builds a fresh collection instead
of mixing vectors from two models; an unchanged file is not even parsed again.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import time
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from index import duty_registers
from index.duty_registers import Register, build_register, combine, register_path
from index.embedder import Embedder
from index.sentence_vectors import (
    Key,
    SentenceVectors,
    merge,
    remove_unused,
    sentence_items,
    vectors_path,
)
from index.store import Database, Store
from ingest.chunking import ChunkingConfig
from ingest.pipeline import FileProblem, ParsedDocument, file_sha256, parse_document_in_time
from ingest.sandbox import WALL_LIMIT_S, ParseLimits
from ingest.sources import IngestError, discover
from ingest.types import Chunk

EMBED_BATCH = 256  # chunks per progress step; the embedder batches further inside
EMBED_GROUP = 2048  # new chunks of several files encoded (and held in memory) together
ProgressCallback = Callable[[int, int, str], None]  # (done, total, what)


def fingerprint(model: str, chunking: ChunkingConfig) -> str:
    """A short hash of every setting that changes the vectors or the chunks."""
    key = json.dumps({"model": model, "chunking": asdict(chunking)}, sort_keys=True)
    return hashlib.sha256(key.encode()).hexdigest()[:12]


@dataclass
class FileEntry:
    sha256: str
    doc_id: str
    title: str
    chunks: int
    # What the library lists. Empty in manifests written before these were recorded: such an
    # entry is read again once (its passages are unchanged, so nothing is embedded again).
    author: str = ""
    year: int | None = None
    format: str = ""  # the file's suffix without the dot: "pdf", "md", ...
    pages: int | None = None  # the last page with indexed text, for paged formats (PDF)
    size: int = 0  # bytes
    added: str = ""  # when this version of the file was indexed (UTC, ISO 8601)


def _entry(path: Path, document: ParsedDocument) -> FileEntry:
    """The manifest's record of one file just indexed."""
    source = document.source
    pages = [s.page for c in document.chunks for s in c.sentences if s.page is not None]
    pages += [c.page for c in document.chunks if c.page is not None]
    return FileEntry(
        sha256=document.sha256, doc_id=source.doc_id, title=source.title,
        chunks=len(document.chunks), author=source.author, year=source.year,
        format=path.suffix.lower().lstrip("."), pages=max(pages, default=None),
        size=path.stat().st_size, added=datetime.now(UTC).isoformat(timespec="seconds"),
    )  # fmt: skip


@dataclass
class Manifest:
    fingerprint: str
    model: str
    chunking: dict[str, Any]
    collection: str
    files: dict[str, FileEntry] = field(default_factory=dict)
    built_at: str = ""

    @classmethod
    def load(cls, path: Path) -> Manifest | None:
        if not path.is_file():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            files = {k: FileEntry(**v) for k, v in data.pop("files", {}).items()}
            return cls(files=files, **data)
        except (ValueError, TypeError, KeyError):
            return None  # a damaged manifest means: rebuild from the files

    def save(self, path: Path) -> None:
        """Write atomically: a crash leaves the old manifest or the new one, never half of one."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(self), indent=2, sort_keys=True), encoding="utf-8")
        os.replace(tmp, path)


@dataclass
class SyncReport:
    """What one ingest did, for the CLI to print and the tests to check."""

    files_seen: int = 0
    files_unchanged: int = 0
    files_updated: list[str] = field(default_factory=list)
    files_removed: list[str] = field(default_factory=list)
    chunks_embedded: int = 0
    chunks_kept: int = 0
    chunks_deleted: int = 0
    problems: list[FileProblem] = field(default_factory=list)
    total_chunks: int = 0
    repaired: str = ""  # why a damaged index was set aside and rebuilt, if it was
    folders_removed: int = 0  # segment folders of dropped versions deleted from the store
    files_excluded: list[str] = field(default_factory=list)  # found, but excluded in the library
    waited_s: float = 0.0  # for another writer to finish, before this one could start
    # Where the time went: parse, chunk, embed, write (copying the live version included),
    # and reading the duties register.
    seconds: dict[str, float] = field(
        default_factory=lambda: dict.fromkeys(("parse", "chunk", "embed", "write", "duties"), 0.0)
    )

    def files_summary(self) -> str:
        """Files by outcome, skipped ones apart, so a folder of bad files never reads as indexed."""
        summary = (
            f"{len(self.files_updated)} new or changed, {self.files_unchanged} unchanged, "
            f"{len(self.problems)} skipped, {len(self.files_removed)} removed"
        )
        if self.files_excluded:
            summary += f", {len(self.files_excluded)} excluded in the library"
        return summary


def _embed_in_steps(
    embedder: Embedder,
    chunks: list[Chunk],
    on_progress: ProgressCallback | None,
    label: str,
) -> tuple[Any, list[Key], Any]:
    """Vectors of the passages, and the keys and vectors of their sentences.

    Passages and sentences are encoded together, each distinct text once, in steps of texts of
    similar length (so a batch pads little). Progress is told after each step, in passages."""
    import numpy as np

    items = sentence_items(chunks)
    texts = [c.embedding_text for c in chunks] + [text for _, text in items]
    rows: dict[str, int] = {}
    index = [rows.setdefault(t, len(rows)) for t in texts]
    distinct = list(rows)
    order = sorted(range(len(distinct)), key=lambda i: len(distinct[i]))
    encoded: Any = None
    for begin in range(0, len(order), EMBED_BATCH):
        step = order[begin : begin + EMBED_BATCH]
        vectors = embedder.embed([distinct[i] for i in step])
        if encoded is None:
            encoded = np.zeros((len(distinct), vectors.shape[1]), dtype=np.float32)
        encoded[step] = vectors
        if on_progress:
            share = (begin + len(step)) / len(order)
            on_progress(round(share * len(chunks)), len(chunks), label)
    if encoded is None:
        return np.zeros((0, 0), dtype=np.float32), [], np.zeros((0, 0), dtype=np.float32)
    everything = encoded[index]
    return everything[: len(chunks)], [key for key, _ in items], everything[len(chunks) :]


@dataclass
class _FilePlan:
    """What one changed file needs: passages to embed, to keep (offsets refreshed), to delete."""

    number: int
    path: Path
    sha: str
    document: ParsedDocument
    new: list[Chunk]
    kept: list[Chunk]
    stale: set[str]


Changed = tuple[int, Path, str, ParsedDocument]  # (file number, path, hash, its passages)


def _groups(changed: Iterable[Changed], store: Store) -> Iterator[list[_FilePlan]]:
    """Changed files, read as they are needed, in groups of about EMBED_GROUP new passages:
    one group's documents are held at a time, so memory does not grow with the files."""
    group: list[_FilePlan] = []
    pending = 0
    for number, path, sha, document in changed:
        existing = store.ids(document.source.doc_id)
        ids = {c.id for c in document.chunks}
        new = [c for c in document.chunks if c.id not in existing]
        kept = [c for c in document.chunks if c.id in existing]
        group.append(_FilePlan(number, path, sha, document, new, kept, existing - ids))
        pending += len(new)
        if pending >= EMBED_GROUP:
            yield group
            group, pending = [], 0
    if group:
        yield group


def _collection_prefix(key: str) -> str:
    return f"govassist-{key}-"


def sync(
    paths: list[Path],
    database: Database,
    embedder: Embedder,
    manifest_path: Path,
    chunking: ChunkingConfig = ChunkingConfig(),
    on_progress: ProgressCallback | None = None,
    max_bytes: int | None = None,
    file_time_limit_s: float = WALL_LIMIT_S,
    excluded: Collection[str] = (),
    parse_limits: ParseLimits | None = None,
    on_read: ProgressCallback | None = None,
) -> SyncReport:
    """Bring the index in line with the files under `paths`, atomically.

    Unchanged files are skipped; a changed file's new chunks are embedded, its unchanged chunks
    kept (their offsets refreshed) and its vanished chunks deleted; files that disappeared from a
    scanned folder are removed. A file that cannot be read is reported and its old chunks stay.

    Changes are written to a new version of the index (a copy of the live collection), with
    its sentence vectors and its duties register beside it, and the manifest is switched to it
    only when it is complete: a crash at any moment leaves the previous version answering, with
    its own register. The previous version is kept for processes still reading it.

    One writer at a time: the caller holds the index's writer lock (`index.lock.writer_lock`),
    or two syncs would both build on the same live version and the second switch would lose
    the first one's documents.

    `excluded` names files (resolved paths) that must not be indexed: found under `paths` they
    are passed over, and already indexed they are removed, wherever they are.

    `on_read` is told each file as it is read (files done, files in all, which one): files are
    read as they are embedded, so its pace is the whole ingest's; `on_progress`, the passages
    of the group of files being embedded (their sentences with them).
    """
    report = SyncReport()
    key = fingerprint(embedder.name, chunking)
    manifest = Manifest.load(manifest_path)
    if manifest is None or manifest.fingerprint != key:
        manifest = Manifest(
            fingerprint=key, model=embedder.name, chunking=asdict(chunking), collection=""
        )
    names = database.names()
    live_name = manifest.collection if manifest.collection in names else ""
    if not live_name:
        # The manifest is lost or damaged: start from the newest complete version built with
        # these settings, so unchanged passages are copied, not embedded again.
        manifest.files.clear()
        versions = [n for n in names if n.startswith(_collection_prefix(key))]
        complete = [n for n in versions if database.collection(n).complete]
        live_name = max(complete, key=lambda n: int(n.rsplit("-", 1)[1]), default="")
    files, skipped = discover(paths)
    report.problems.extend(FileProblem(p, reason) for p, reason in skipped)
    report.files_excluded = [str(p) for p in files if str(p.resolve()) in excluded]
    files = [p for p in files if str(p.resolve()) not in excluded]
    report.files_seen = len(files)
    # Files that are gone or excluded leave the manifest first, so a file that takes over
    # their document id (a replacement) is not refused as a second owner of it.
    scanned_folders = [p.resolve() for p in paths if p.is_dir()]
    present = {str(p.resolve()) for p in files}
    removed = [
        name
        for name in manifest.files
        if name in excluded
        or (
            name not in present
            and not Path(name).exists()
            and (
                any(Path(name).is_relative_to(folder) for folder in scanned_folders)
                or Path(name) in [p.resolve() for p in paths]
            )
        )
    ]
    gone = {name: manifest.files.pop(name) for name in removed}
    doc_owner = {entry.doc_id: name for name, entry in manifest.files.items()}

    def read_changed() -> Iterator[Changed]:
        """Each new or changed file read into passages, one at a time, as the groups ask."""
        for number, path in enumerate(files, start=1):
            if on_read:
                on_read(number - 1, len(files), f"{path.name} (file {number} of {len(files)})")
            name = str(path.resolve())
            try:
                sha = file_sha256(path)
            except OSError as error:
                report.problems.append(FileProblem(path, f"could not be read ({error.strerror})"))
                continue
            entry = manifest.files.get(name)
            if entry and entry.sha256 == sha and entry.format:
                report.files_unchanged += 1
                report.chunks_kept += entry.chunks
                continue
            try:
                document = parse_document_in_time(
                    path, chunking, embedder.count_tokens, max_bytes, file_time_limit_s,
                    parse_limits,
                )  # fmt: skip
            except IngestError as error:
                report.problems.append(FileProblem(path, str(error)))
                continue
            for stage, seconds in document.seconds.items():
                report.seconds[stage] += seconds
            doc_id = document.source.doc_id
            if doc_owner.get(doc_id, name) != name:
                owner = doc_owner[doc_id]
                report.problems.append(
                    FileProblem(path, f"another file ({owner}) already has id '{doc_id}'")
                )
                continue
            doc_owner[doc_id] = name
            yield number, path, sha, document
        if on_read:
            on_read(len(files), len(files), "every file read")

    # Files are read as their group is embedded (the new version is written beside the live
    # one, which stays live until the switch, so nothing is changed until every file is done).
    pending = read_changed()
    first_changed = next(pending, None)
    if live_name and first_changed is None and not removed:
        # Nothing to do: the live version stays. Half-built versions of a crashed run go.
        for name in names:
            leftover = name.startswith("govassist-") and name != live_name
            if leftover and not database.collection(name).complete:
                database.drop(name)
        report.folders_removed = database.remove_unused_files()
        report.total_chunks = database.collection(live_name).count()
        _ensure_register(database, manifest_path.parent, live_name, report)
        return report

    # Build the next version beside the live one.
    next_name = f"{_collection_prefix(key)}{time.time_ns()}"
    store = database.collection(next_name)
    data_dir = manifest_path.parent
    writing = time.perf_counter()
    if live_name:
        for chunks, vectors in database.collection(live_name).export():
            store.add(chunks, vectors)
    # The live version's sentence vectors carry over (none for an index built before they
    # were stored: its old passages' sentences are then embedded on first use).
    carried = SentenceVectors.load(vectors_path(data_dir, live_name)) if live_name else None
    new_sentences: list[tuple[list[Key], Any]] = []
    # So is the duties register of the documents not read again (None for an index built
    # before registers were stored: the new version's is then read from all its passages).
    live_register = (
        duty_registers.load(register_path(data_dir, live_name), live_name) if live_name else None
    )
    read_registers: list[Register] = []
    read_docs: set[str] = set()
    report.seconds["write"] += time.perf_counter() - writing
    changed = itertools.chain([first_changed] if first_changed else [], pending)
    for group in _groups(changed, store):
        # One encoding call for the new passages of several files: sorted by length together,
        # they pad less than file by file (the ingest then costs about the encoding alone).
        new = [c for plan in group for c in plan.new]
        first, last = group[0].number, group[-1].number
        label = f"{len(new)} passages of files {first}-{last} of {len(files)}"
        embedding = time.perf_counter()
        vectors, sentence_keys, sentence_vectors = _embed_in_steps(
            embedder, new, on_progress, label
        )
        new_sentences.append((sentence_keys, sentence_vectors))
        writing = time.perf_counter()
        report.seconds["embed"] += writing - embedding
        offset = 0
        for plan in group:
            if plan.new:
                store.add(plan.new, vectors[offset : offset + len(plan.new)])
                offset += len(plan.new)
            if plan.kept:
                store.update(plan.kept)
            store.delete(plan.stale)
            report.files_updated.append(str(plan.path))
            report.chunks_embedded += len(plan.new)
            report.chunks_kept += len(plan.kept)
            report.chunks_deleted += len(plan.stale)
            manifest.files[str(plan.path.resolve())] = _entry(plan.path, plan.document)
        report.seconds["write"] += time.perf_counter() - writing
        reading = time.perf_counter()
        for plan in group:  # a document's duties depend on its own passages alone
            read_docs.add(plan.document.source.doc_id)
            read_registers.append(build_register(plan.document.chunks))
        report.seconds["duties"] += time.perf_counter() - reading
    writing = time.perf_counter()
    for name, entry in gone.items():
        report.files_removed.append(name)
        if entry.doc_id in doc_owner:
            continue  # another file now holds its id: its plan kept or deleted the passages
        read_docs.add(entry.doc_id)
        ids = store.ids(entry.doc_id)
        store.delete(ids)
        report.chunks_deleted += len(ids)

    # The version's sentence vectors are written before it is marked complete and made live:
    # if writing them fails, the previous version keeps answering.
    live_ids = store.ids()
    kept_keys = [k for k in (carried.rows if carried else ()) if k[0] in live_ids]
    parts = [carried.subset(kept_keys)] if carried else []
    merge([*parts, *new_sentences]).save(vectors_path(data_dir, next_name))
    report.seconds["write"] += time.perf_counter() - writing

    # And its duties register: the documents read now, the others' carried over.
    reading = time.perf_counter()
    if live_name and live_register is None:
        register = build_register(store.all_chunks())
    else:
        carried_docs = [live_register.without(read_docs)] if live_register else []
        register = combine([*carried_docs, *read_registers])
    duty_registers.save(register, register_path(data_dir, next_name), next_name)
    report.seconds["duties"] += time.perf_counter() - reading

    # Switch: one atomic rename of the manifest makes the new version live.
    writing = time.perf_counter()
    store.mark_complete()
    manifest.collection = next_name
    manifest.built_at = datetime.now(UTC).isoformat(timespec="seconds")
    manifest.save(manifest_path)
    report.total_chunks = store.count()
    _drop_old_versions(database, keep={next_name, live_name})
    remove_unused(data_dir, keep={next_name, live_name})
    duty_registers.remove_unused(data_dir, keep={next_name, live_name})
    report.folders_removed = database.remove_unused_files()
    report.seconds["write"] += time.perf_counter() - writing
    return report


def _ensure_register(
    database: Database, data_dir: Path, live_name: str, report: SyncReport
) -> None:
    """Give the live version its duties register if it has none usable (an index built before
    registers were stored, or by other extraction rules), and drop those of dropped versions."""
    reading = time.perf_counter()
    path = register_path(data_dir, live_name)
    if duty_registers.load(path, live_name) is None:
        register = build_register(database.collection(live_name).all_chunks())
        duty_registers.save(register, path, live_name)
    duty_registers.remove_unused(data_dir, keep=database.names())
    report.seconds["duties"] += time.perf_counter() - reading


def _drop_old_versions(database: Database, keep: set[str]) -> None:
    """Remove index versions older than the previous one (and half-built leftovers of a crash).
    The previous version stays: an app process may still be answering from it."""
    for name in database.names():
        if name.startswith("govassist-") and name not in keep:
            database.drop(name)
