"""Keeping the index in step with the files: embed only what is new, drop what is gone.

`sync` finds the live version, plans what changed (index/sync_plan.py: no writing) and applies
the plan here: the changed files are read, their new passages embedded and written into a new
version beside the live one (index/versions.py names and prunes versions), and the manifest
(index/manifest.py) switches to it once it is complete. An unchanged file is not even parsed
again.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from index import duty_registers, versions
from index.duty_registers import Register, build_register, combine, register_path
from index.embedder import Embedder
from index.manifest import FileEntry, Manifest, file_entry, fingerprint
from index.sentence_vectors import Key, SentenceVectors, merge, sentence_items, vectors_path
from index.store import Database, Store
from index.sync_plan import Action, FoundFile, SyncPlan, look, plan_sync
from ingest.chunking import ChunkingConfig, TokenCounter
from ingest.pipeline import FileProblem, ParsedDocument, parse_document_in_time
from ingest.sandbox import WALL_LIMIT_S, ParseLimits
from ingest.sources import IngestError
from ingest.types import Chunk

EMBED_BATCH = 256  # chunks per progress step; the embedder batches further inside
EMBED_GROUP = 2048  # new chunks of several files encoded (and held in memory) together
ProgressCallback = Callable[[int, int, str], None]  # (done, total, what)


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


@dataclass(frozen=True)
class ReadOptions:
    """How each changed file is read into passages (`parse_document_in_time`'s settings)."""

    chunking: ChunkingConfig
    count_tokens: TokenCounter
    max_bytes: int | None = None
    time_limit_s: float = WALL_LIMIT_S
    limits: ParseLimits | None = None


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
    manifest, live_name = _live_version(database, manifest_path, embedder.name, chunking)
    plan = plan_sync(look(paths, excluded, manifest.files), manifest.files, excluded)
    reading = ReadOptions(
        chunking, embedder.count_tokens, max_bytes, file_time_limit_s, parse_limits
    )
    return apply_plan(
        plan, manifest, live_name, database, manifest_path, embedder, reading, on_progress,
        on_read,
    )  # fmt: skip


def _live_version(
    database: Database, manifest_path: Path, model: str, chunking: ChunkingConfig
) -> tuple[Manifest, str]:
    """The manifest to build on, and the live version's name ("" when there is none yet).

    A manifest of other settings (model, chunking) starts afresh. One that is lost or damaged,
    or names a version the store lacks, starts from the newest complete version built with
    these settings: every file is read again, but its unchanged passages are copied, not
    embedded again."""
    key = fingerprint(model, chunking)
    manifest = Manifest.load(manifest_path)
    if manifest is None or manifest.fingerprint != key:
        manifest = Manifest(fingerprint=key, model=model, chunking=asdict(chunking), collection="")
    names = database.names()
    if manifest.collection in names:
        return manifest, manifest.collection
    manifest.files.clear()
    return manifest, versions.newest_complete(database, names, key)


def apply_plan(
    plan: SyncPlan,
    manifest: Manifest,
    live_name: str,
    database: Database,
    manifest_path: Path,
    embedder: Embedder,
    reading: ReadOptions,
    on_progress: ProgressCallback | None = None,
    on_read: ProgressCallback | None = None,
) -> SyncReport:
    """Carry out `plan` on the index whose live version is `live_name` ("" for none), as
    `sync` describes; `manifest` is the live one, and becomes the new version's."""
    report = SyncReport(
        files_seen=len(plan.steps),
        problems=list(plan.skipped),
        files_excluded=[str(path) for path in plan.excluded],
    )
    # Files that are gone or excluded leave the manifest first, so a file that takes over
    # their document id (a replacement) is not refused as a second owner of it.
    gone = {name: manifest.files.pop(name) for name in plan.removed}
    owners = {entry.doc_id: name for name, entry in manifest.files.items()}
    # Files are read as their group is embedded (the new version is written beside the live
    # one, which stays live until the switch, so nothing is changed until every file is done).
    documents = _read(plan, reading, owners, report, on_read)
    first = next(documents, None)
    if live_name and first is None and not plan.removed:
        # Nothing changed, or every file to read again turned out unreadable.
        return _keep_live(database, manifest_path.parent, live_name, report)
    version = _NextVersion(database, manifest_path.parent, manifest.fingerprint, live_name, report)
    version.copy_live()
    changed = itertools.chain([first] if first else [], documents)
    for group in _groups(changed, version.store):
        version.add(group, embedder, on_progress, len(plan.steps), manifest)
    version.remove(gone, owners)
    version.save_sentence_vectors()
    version.save_register()
    version.switch(manifest, manifest_path)
    return report


Read = tuple[int, FoundFile, ParsedDocument]  # (file number, the file, its passages)


def _read(
    plan: SyncPlan,
    reading: ReadOptions,
    owners: dict[str, str],
    report: SyncReport,
    on_read: ProgressCallback | None,
) -> Iterator[Read]:
    """Each file the plan reads, parsed into passages one at a time as the groups ask; on the
    way, in the order found, unchanged files counted and unreadable ones reported."""
    total = len(plan.steps)
    for step in plan.steps:
        if on_read:
            on_read(
                step.number - 1, total, f"{step.file.path.name} (file {step.number} of {total})"
            )
        if step.action is Action.UNREADABLE:
            report.problems.append(FileProblem(step.file.path, step.file.unreadable))
        elif step.action is Action.KEEP:
            report.files_unchanged += 1
            report.chunks_kept += step.kept_chunks
        elif document := _parse(step.file, reading, owners, report):
            yield step.number, step.file, document
    if on_read:
        skipped = len(report.problems)
        done = f"{total - skipped} of {total} files read, {skipped} skipped" if skipped else ""
        on_read(total, total, done or "every file read")


def _parse(
    file: FoundFile, reading: ReadOptions, owners: dict[str, str], report: SyncReport
) -> ParsedDocument | None:
    """The file's passages, or None (the reason added to the report's problems) when it cannot
    be read or another file already has its document id. `owners`: document id -> file."""
    try:
        document = parse_document_in_time(
            file.path, reading.chunking, reading.count_tokens, reading.max_bytes,
            reading.time_limit_s, reading.limits,
        )  # fmt: skip
    except IngestError as error:
        report.problems.append(FileProblem(file.path, str(error)))
        return None
    for stage, seconds in document.seconds.items():
        report.seconds[stage] += seconds
    doc_id = document.source.doc_id
    if owners.get(doc_id, file.name) != file.name:
        owner = owners[doc_id]
        report.problems.append(
            FileProblem(file.path, f"another file ({owner}) already has id '{doc_id}'")
        )
        return None
    owners[doc_id] = file.name
    return document


def _keep_live(
    database: Database, data_dir: Path, live_name: str, report: SyncReport
) -> SyncReport:
    """Nothing to write: the live version stays. Half-built versions of a crashed run go."""
    report.folders_removed = versions.drop_unfinished(database, database.names(), live_name)
    report.total_chunks = database.collection(live_name).count()
    _ensure_register(database, data_dir, live_name, report)
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
    versions.drop_unused_registers(database, data_dir)
    report.seconds["duties"] += time.perf_counter() - reading


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
class _FileUpdate:
    """What one changed file needs: passages to embed, to keep (offsets refreshed), to delete."""

    number: int
    file: FoundFile
    document: ParsedDocument
    new: list[Chunk]
    kept: list[Chunk]
    stale: set[str]


def _groups(changed: Iterable[Read], store: Store) -> Iterator[list[_FileUpdate]]:
    """Changed files, read as they are needed, in groups of about EMBED_GROUP new passages:
    one group's documents are held at a time, so memory does not grow with the files."""
    group: list[_FileUpdate] = []
    pending = 0
    for number, file, document in changed:
        existing = store.ids(document.source.doc_id)
        ids = {c.id for c in document.chunks}
        new = [c for c in document.chunks if c.id not in existing]
        kept = [c for c in document.chunks if c.id in existing]
        group.append(_FileUpdate(number, file, document, new, kept, existing - ids))
        pending += len(new)
        if pending >= EMBED_GROUP:
            yield group
            group, pending = [], 0
    if group:
        yield group


class _NextVersion:
    """The version a sync writes beside the live one, which keeps answering until the switch:
    a copy of the live collection with the changes made, its sentence vectors and its duties
    register. Each step adds its time to the report."""

    def __init__(
        self, database: Database, data_dir: Path, key: str, live_name: str, report: SyncReport
    ) -> None:
        self.database, self.data_dir, self.live_name, self.report = (
            database, data_dir, live_name, report
        )  # fmt: skip
        self.name = versions.new_name(key)
        self.store = database.collection(self.name)
        self.carried: SentenceVectors | None = None  # the live version's sentence vectors
        self.new_sentences: list[tuple[list[Key], Any]] = []
        self.live_register: Register | None = None
        self.read_registers: list[Register] = []
        self.read_docs: set[str] = set()  # documents whose duties are read again (or gone)

    def copy_live(self) -> None:
        """Start from the live version's passages and vectors. Its sentence vectors carry over
        (none for an index built before they were stored: its old passages' sentences are then
        embedded on first use); so does the duties register of the documents not read again
        (None for an index built before registers were stored: the new version's is then read
        from all its passages)."""
        writing = time.perf_counter()
        if self.live_name:
            for chunks, vectors in self.database.collection(self.live_name).export():
                self.store.add(chunks, vectors)
            self.carried = SentenceVectors.load(vectors_path(self.data_dir, self.live_name))
            self.live_register = duty_registers.load(
                register_path(self.data_dir, self.live_name), self.live_name
            )
        self.report.seconds["write"] += time.perf_counter() - writing

    def add(
        self,
        group: list[_FileUpdate],
        embedder: Embedder,
        on_progress: ProgressCallback | None,
        files_found: int,
        manifest: Manifest,
    ) -> None:
        """Embed a group's new passages, write its changes, record its files in `manifest`
        and read its documents' duties."""
        # One encoding call for the new passages of several files: sorted by length together,
        # they pad less than file by file (the ingest then costs about the encoding alone).
        new = [c for update in group for c in update.new]
        first, last = group[0].number, group[-1].number
        label = f"{len(new)} passages of files {first}-{last} of {files_found}"
        embedding = time.perf_counter()
        vectors, sentence_keys, sentence_vectors = _embed_in_steps(
            embedder, new, on_progress, label
        )
        self.new_sentences.append((sentence_keys, sentence_vectors))
        writing = time.perf_counter()
        self.report.seconds["embed"] += writing - embedding
        self._write(group, vectors, manifest)
        self.report.seconds["write"] += time.perf_counter() - writing
        reading = time.perf_counter()
        for update in group:  # a document's duties depend on its own passages alone
            self.read_docs.add(update.document.source.doc_id)
            self.read_registers.append(build_register(update.document.chunks))
        self.report.seconds["duties"] += time.perf_counter() - reading

    def _write(self, group: list[_FileUpdate], vectors: Any, manifest: Manifest) -> None:
        offset = 0
        for update in group:
            if update.new:
                self.store.add(update.new, vectors[offset : offset + len(update.new)])
                offset += len(update.new)
            if update.kept:
                self.store.update(update.kept)
            self.store.delete(update.stale)
            self.report.files_updated.append(str(update.file.path))
            self.report.chunks_embedded += len(update.new)
            self.report.chunks_kept += len(update.kept)
            self.report.chunks_deleted += len(update.stale)
            manifest.files[update.file.name] = file_entry(update.file.path, update.document)

    def remove(self, gone: dict[str, FileEntry], owners: dict[str, str]) -> None:
        """Delete the passages of the files that left the manifest, unless another file now
        holds their document id (its update kept or deleted them)."""
        writing = time.perf_counter()
        for name, entry in gone.items():
            self.report.files_removed.append(name)
            if entry.doc_id in owners:
                continue
            self.read_docs.add(entry.doc_id)
            ids = self.store.ids(entry.doc_id)
            self.store.delete(ids)
            self.report.chunks_deleted += len(ids)
        self.report.seconds["write"] += time.perf_counter() - writing

    def save_sentence_vectors(self) -> None:
        """The carried ones of passages still here, and the new ones. Written before the
        version is marked complete: if writing them fails, the previous version answers."""
        writing = time.perf_counter()
        live_ids = self.store.ids()
        carried = self.carried
        kept_keys = [k for k in (carried.rows if carried else ()) if k[0] in live_ids]
        parts = [carried.subset(kept_keys)] if carried else []
        merge([*parts, *self.new_sentences]).save(vectors_path(self.data_dir, self.name))
        self.report.seconds["write"] += time.perf_counter() - writing

    def save_register(self) -> None:
        """The duties of the documents read now, and the others' carried over."""
        reading = time.perf_counter()
        if self.live_name and self.live_register is None:
            register = build_register(self.store.all_chunks())
        else:
            carried = [self.live_register.without(self.read_docs)] if self.live_register else []
            register = combine([*carried, *self.read_registers])
        duty_registers.save(register, register_path(self.data_dir, self.name), self.name)
        self.report.seconds["duties"] += time.perf_counter() - reading

    def switch(self, manifest: Manifest, manifest_path: Path) -> None:
        """Make the version live (one atomic rename of the manifest), then drop the versions
        older than the one it replaces."""
        writing = time.perf_counter()
        self.store.mark_complete()
        manifest.collection = self.name
        manifest.built_at = datetime.now(UTC).isoformat(timespec="seconds")
        manifest.save(manifest_path)
        self.report.total_chunks = self.store.count()
        self.report.folders_removed = versions.drop_all_but(
            self.database, self.data_dir, keep={self.name, self.live_name}
        )
        self.report.seconds["write"] += time.perf_counter() - writing
