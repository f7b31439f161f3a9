"""Wiring settings to real parts: the embedder, the Chroma database, the index, the assistant."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from app.assistant import Assistant
from app.settings import Settings
from index import duty_registers
from index.build import Manifest, ProgressCallback, SyncReport, sync
from index.embedder import Embedder, load_embedder
from index.health import index_problem, looks_damaged, not_damage_reason, set_aside
from index.library import (
    Folders,
    Inclusion,
    Library,
    LibraryChange,
    LibraryError,
    Removal,
    Replacement,
    excluded_paths,
    read_library,
    record_skipped,
    unknown,
)
from index.lock import writer_lock
from index.search import HybridIndex
from index.sentence_vectors import SentenceVectors, vectors_path
from index.store import ChromaDatabase, StoreUnavailableError, is_store_error
from ingest.chunking import ChunkingConfig
from ingest.errors import GovassistError


class IndexMissingError(GovassistError):
    """No index has been built yet under the data directory, or it is damaged."""

    exit_code = 2


class IndexUnusableError(IndexMissingError):
    """The index is intact but cannot be opened just now (a full disk, say); nothing is lost,
    and a process that already has it open keeps answering from it."""


def _unusable_message(settings: Settings, error: BaseException) -> str:
    return (
        f"the index in {settings.data_dir} is intact, but it cannot be opened just now: "
        f"{not_damage_reason(error)} ({str(error)[:120]}). Chroma writes to its folder even to "
        "read. Nothing was lost and an app already running keeps answering; free some space "
        "(or fix the folder) and try again. Do not rebuild it."
    )


class IndexWriteError(GovassistError):
    """The index could not be written (a read-only or full data directory, say); the version
    that was live before keeps answering."""


class AnswererConfigError(GovassistError):
    """The configured answerer cannot be built from the settings."""

    exit_code = 2


if TYPE_CHECKING:  # the LLM answerer (and LangChain's chat models) load only when configured
    from app.llm_answerer import LLMAnswerer

    Answerer: TypeAlias = Assistant | LLMAnswerer
else:
    Answerer = Assistant  # only ever used in annotations


def open_database(settings: Settings) -> ChromaDatabase:
    """The embedded store under the data directory, or the configured Chroma server."""
    if settings.chroma_host:
        return ChromaDatabase.server(
            settings.chroma_host,
            settings.chroma_port,
            ssl=settings.chroma_ssl,
            headers=settings.chroma_headers,
        )
    return ChromaDatabase.embedded(settings.chroma_path)


def build_index(
    settings: Settings,
    paths: Sequence[Path] | None = None,
    embedder: Embedder | None = None,
    on_progress: ProgressCallback | None = None,
    writer: str = "govassist ingest",
    on_wait: Callable[[str], None] | None = None,
    change: LibraryChange | None = None,
    on_read: ProgressCallback | None = None,
) -> SyncReport:
    """Ingest `paths` (default: the corpus folder) into the index, embedding only what changed.

    With a `change` (a removal or replacement in the library) the change is made under the
    same lock and the index synced as it says; a failure undoes the change. Files excluded in
    the library are never indexed (see index/library.py). The problems of an ingest (not of a
    change) are recorded for the library to show.

    One writer at a time: another ingest or rebuild that holds the index is waited for (up to
    `settings.index_wait_s`; `on_wait` is told who holds it), then this one builds on what it
    wrote; IndexBusyError if it is still writing by then. `writer` names this one to others.

    A damaged index is found first and rebuilt from every document it held (the corpus, the
    uploads and any other file its manifest lists that still exists); the report says so."""
    if embedder is None:
        built = index_status(settings)
        # A change keeps the index's own model; an ingest uses the configured one.
        embedder = load_embedder(built.model if change and built else settings.embedding_model)
    targets = list(paths) if paths else [settings.corpus_dir]
    if problem := _not_writable(settings.data_dir):
        raise IndexWriteError(
            f"could not write the index in {settings.data_dir}: {problem}. Nothing in it was "
            "changed."
        )
    try:
        with writer_lock(settings.data_dir, writer, settings.index_wait_s, on_wait) as waited:
            # Under the lock, so no other writer's half-done work can look like damage.
            damage = _damage(settings)
            if damage:
                targets = _rebuild_targets(settings, targets)
                _discard(settings)
            if change is None or damage:
                report = sync(
                    targets, open_database(settings), embedder, settings.manifest_path,
                    settings.chunking, on_progress, max_bytes=int(settings.max_file_mb * 1_000_000),
                    file_time_limit_s=settings.file_time_limit_s,
                    parse_limits=settings.parse_limits,
                    excluded=excluded_paths(settings.data_dir), on_read=on_read,
                )  # fmt: skip
                _record_skipped(settings, report, writer)
            if change is not None:
                report = _apply_change(settings, change, embedder, on_progress)
    except Exception as error:
        if not (isinstance(error, OSError) or is_store_error(error)):
            raise
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        if not looks_damaged(error):
            reason = f"{not_damage_reason(error)} ({reason})"
        raise IndexWriteError(
            f"could not write the index in {settings.data_dir}: {reason}. "
            "The index as it was before is intact and keeps answering."
        ) from error
    report.repaired = damage or ""
    report.waited_s = waited
    return report


def _apply_change(
    settings: Settings,
    change: LibraryChange,
    embedder: Embedder,
    on_progress: ProgressCallback | None,
) -> SyncReport:
    """Make a library change and sync the index to it; undo it all if either fails."""
    manifest = Manifest.load(settings.manifest_path)
    # The index as it was built (its model and chunking), whatever the settings say now: a
    # removal must never start a fresh index of nothing.
    chunking = ChunkingConfig(**manifest.chunking) if manifest else settings.chunking

    def run(targets: Sequence[Path], excluded: set[str]) -> SyncReport:
        return sync(
            list(targets), open_database(settings), embedder, settings.manifest_path, chunking,
            on_progress, max_bytes=int(settings.max_file_mb * 1_000_000),
            file_time_limit_s=settings.file_time_limit_s,
            parse_limits=settings.parse_limits,
            excluded=excluded | excluded_paths(settings.data_dir),
        )  # fmt: skip

    try:
        plan = change.apply(manifest)
        report = run(plan.targets, plan.excluded)
    except BaseException:
        change.undo()  # the index did not switch: files and exclusions go back, that is all
        raise
    try:
        change.commit(Manifest.load(settings.manifest_path))
    except LibraryError as error:
        run(change.undo(), set())  # the index switched without the document: put it back
        reasons = "; ".join(f"{p.path.name}: {p.reason}" for p in report.problems)
        raise LibraryError(
            f"{error}{f' ({reasons})' if reasons else ''}. Nothing was changed."
        ) from error
    return report


def _record_skipped(settings: Settings, report: SyncReport, writer: str) -> None:
    """Keep the ingest's skipped files for the library to show."""
    # A full disk, say: the index is written; the library shows an older list until the next.
    with contextlib.suppress(OSError):
        record_skipped(settings.data_dir, [(p.path, p.reason) for p in report.problems], writer)


def _discard(settings: Settings) -> None:
    """Put a damaged index out of the way before it is rebuilt."""
    if settings.chroma_host:  # a server's files are not ours to move: drop our versions
        database = open_database(settings)
        for name in database.names():
            if name.startswith("govassist-"):
                database.drop(name)
        settings.manifest_path.unlink(missing_ok=True)
    else:
        set_aside(settings.chroma_path, settings.manifest_path)


def _not_writable(folder: Path) -> str | None:
    """Why nothing can be written in `folder` (read-only, no permission), or None."""
    import tempfile

    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as error:
        return error.strerror or str(error)
    return None


def _damage(settings: Settings) -> str | None:
    """Why the live index is damaged, or None (also when there is none yet)."""
    manifest = index_status(settings)
    if manifest is None or not manifest.collection:
        return None
    try:
        database = open_database(settings)
    except StoreUnavailableError:
        raise
    except Exception as error:  # the store's files cannot even be opened
        if not looks_damaged(error):
            raise
        return f"the store cannot be opened: {type(error).__name__}: {str(error)[:160]}"
    return index_problem(database, manifest)


def _rebuild_targets(settings: Settings, targets: list[Path]) -> list[Path]:
    """What a rebuild reads: the targets, the uploads, and any other file the old manifest
    lists that still exists (each file once)."""
    manifest = index_status(settings)
    folders = [*targets, *([settings.uploads_dir] if settings.uploads_dir.is_dir() else [])]
    covered = [f.resolve() for f in folders]
    listed = [Path(name) for name in manifest.files] if manifest else []
    others = [p for p in listed if p.exists() and not any(p.is_relative_to(f) for f in covered)]
    return [*folders, *others]


def index_status(settings: Settings) -> Manifest | None:
    """What the index was built from, or None when there is none. Read again only when the
    file changes: the app asks on every interaction of every session."""
    try:
        stamp = settings.manifest_path.stat()
    except OSError:
        return None
    return _manifest_at(settings.manifest_path, stamp.st_mtime_ns, stamp.st_size)


@lru_cache(maxsize=8)
def _manifest_at(path: Path, mtime_ns: int, size: int) -> Manifest | None:
    return Manifest.load(path)


def load_assistant(settings: Settings, embedder: Embedder | None = None) -> Assistant:
    """Load the model and the live index version once; the assistant serves every session."""
    manifest = index_status(settings)
    if manifest is None or not manifest.collection:
        raise IndexMissingError(f"no index in {settings.data_dir}: run `govassist ingest` first")
    try:
        database = open_database(settings)
    except StoreUnavailableError:
        raise
    except Exception as error:  # the store's files cannot even be opened
        if problem := _not_writable(settings.data_dir):
            raise IndexMissingError(
                f"the index in {settings.data_dir} cannot be opened: {problem} (Chroma writes "
                "to its folder even to read). Make the folder writable, or copy it to one."
            ) from error
        if not looks_damaged(error):
            raise IndexUnusableError(_unusable_message(settings, error)) from error
        raise IndexMissingError(
            f"the index in {settings.data_dir} cannot be opened ({type(error).__name__}): "
            "run `govassist ingest` to rebuild it from the documents"
        ) from error
    try:
        if manifest.collection not in database.names():
            raise IndexMissingError(
                f"the index named in {settings.manifest_path} is missing from the store: "
                "run `govassist ingest` to rebuild it"
            )
        problem = index_problem(database, manifest)
    except (IndexMissingError, StoreUnavailableError):
        raise
    except Exception as error:  # index_problem lets through only what is not damage
        if looks_damaged(error):
            raise
        raise IndexUnusableError(_unusable_message(settings, error)) from error
    if problem:
        raise IndexMissingError(
            f"the index in {settings.data_dir} is damaged ({problem}): "
            "run `govassist ingest` to rebuild it from the documents"
        )
    embedder = embedder or load_embedder(manifest.model)
    index = HybridIndex.load(database.collection(manifest.collection), embedder)
    if not index.chunks:
        raise IndexMissingError(
            f"the index in {settings.data_dir} is empty: run `govassist ingest` first"
        )
    # The sentence vectors stored with this version at ingest; an index built before they were
    # stored has none, and its sentences are embedded on first use.
    stored = SentenceVectors.load(vectors_path(settings.data_dir, manifest.collection))
    # So is its duties register; without one, it is read from the passages on first use.
    register_file = duty_registers.register_path(settings.data_dir, manifest.collection)
    return Assistant(
        index,
        top_k=settings.top_k,
        max_citations=settings.max_citations,
        sentence_vectors=stored,
        register=duty_registers.load(register_file, manifest.collection),
    )


def make_answerer(settings: Settings, assistant: Assistant) -> Answerer:
    """The answerer the settings ask for, over an already loaded assistant."""
    if settings.answerer == "extractive":
        return assistant
    if not settings.llm_model:
        raise AnswererConfigError(
            "GOVASSIST_ANSWERER=openai needs GOVASSIST_LLM_MODEL (and GOVASSIST_LLM_BASE_URL "
            "for a server other than OpenAI's)"
        )
    from app.llm import openai_chat_model
    from app.llm_answerer import LLMAnswerer

    model = openai_chat_model(
        settings.llm_base_url,
        settings.llm_model,
        settings.llm_api_key,
        settings.llm_timeout_s,
        settings.llm_max_retries,
    )
    return LLMAnswerer(assistant, model)


def library_folders(settings: Settings) -> Folders:
    """Where the library's files live, from the settings."""
    return Folders(settings.data_dir, settings.corpus_dir, settings.uploads_dir)


def remove_document(
    settings: Settings,
    doc_id: str,
    embedder: Embedder | None = None,
    on_wait: Callable[[str], None] | None = None,
) -> SyncReport:
    """Take one document out of the index (an upload is deleted, any other file excluded).

    Raises UnknownDocumentError (naming the valid ids) when no document has `doc_id`."""
    change = Removal(library_folders(settings), doc_id)
    return build_index(settings, [], embedder, writer=change.what, on_wait=on_wait, change=change)


def include_document(
    settings: Settings,
    doc_id: str,
    embedder: Embedder | None = None,
    on_wait: Callable[[str], None] | None = None,
) -> SyncReport:
    """Index an excluded document again (its file where it was, under its old id)."""
    change = Inclusion(library_folders(settings), doc_id)
    return build_index(settings, [], embedder, writer=change.what, on_wait=on_wait, change=change)


def replace_document(
    settings: Settings,
    doc_id: str,
    name: str,
    data: bytes,
    max_bytes: int,
    embedder: Embedder | None = None,
    on_progress: ProgressCallback | None = None,
    on_wait: Callable[[str], None] | None = None,
) -> SyncReport:
    """Index `data` (a file called `name`) in place of document `doc_id`, under the same id.

    The file gets the upload checks (type, size up to `max_bytes`, not empty) and is read once
    before anything changes: UploadRejected or LibraryError say why it was refused, and then
    the library is as it was."""
    import shutil
    import tempfile

    from app.uploads import store_upload
    from ingest.pipeline import parse_document_in_time
    from ingest.sources import IngestError

    built = index_status(settings)
    known = [entry.doc_id for entry in built.files.values()] if built else []
    if doc_id not in known:
        raise unknown(doc_id, known)
    work = settings.data_dir / ".library"
    work.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="staged-", dir=work))
    try:
        staged = store_upload(name, data, staging, max_bytes)
        embedder = embedder or load_embedder(built.model if built else settings.embedding_model)
        try:  # read it now, outside the lock: a file that cannot be read changes nothing
            parse_document_in_time(
                staged, settings.chunking, embedder.count_tokens,
                int(settings.max_file_mb * 1_000_000), settings.file_time_limit_s,
                settings.parse_limits,
            )  # fmt: skip
        except IngestError as error:
            raise LibraryError(f"{name} cannot be read: {error}. Nothing was changed.") from error
        change = Replacement(library_folders(settings), doc_id, staged)
        return build_index(
            settings, [], embedder, on_progress, writer=change.what, on_wait=on_wait,
            change=change,
        )  # fmt: skip
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def library(settings: Settings) -> Library:
    """The indexed documents, the excluded ones and the last ingest's skipped files."""
    return read_library(library_folders(settings))
