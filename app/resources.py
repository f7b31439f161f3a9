"""Wiring settings to real parts: the embedder, the Chroma database, the index, the assistant."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path

from app.settings import Settings
from engine.answers import Answerer
from engine.assistant import Assistant
from index import duty_registers
from index.build import ProgressCallback, SyncReport
from index.embedder import Embedder, load_embedder
from index.health import index_problem, looks_damaged, not_damage_reason, not_writable
from index.library import (
    Folders,
    Inclusion,
    Library,
    LibraryChange,
    LibraryError,
    Removal,
    Replacement,
    read_library,
    unknown,
)
from index.manifest import Manifest
from index.repair import IndexHome, IngestOptions, update_index
from index.repair import IndexWriteError as IndexWriteError  # raised by build_index, for callers
from index.search import HybridIndex
from index.sentence_vectors import SentenceVectors, vectors_path
from index.store import ChromaDatabase, StoreUnavailableError
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


class AnswererConfigError(GovassistError):
    """The configured answerer cannot be built from the settings."""

    exit_code = 2


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


def index_home(settings: Settings) -> IndexHome:
    """Where the settings put the index, and how to open its store."""
    return IndexHome(
        data_dir=settings.data_dir,
        manifest_path=settings.manifest_path,
        uploads_dir=settings.uploads_dir,
        open_database=lambda: open_database(settings),
        chroma_path=None if settings.chroma_host else settings.chroma_path,
    )


def ingest_options(settings: Settings) -> IngestOptions:
    """How the settings say files are read into the index."""
    return IngestOptions(
        chunking=settings.chunking,
        max_bytes=int(settings.max_file_mb * 1_000_000),
        file_time_limit_s=settings.file_time_limit_s,
        parse_limits=settings.parse_limits,
        wait_s=settings.index_wait_s,
    )


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
    uploads and any other file its manifest lists that still exists); the report says so.
    IndexWriteError when it cannot be written. See index/repair.py."""
    if embedder is None:
        built = index_status(settings)
        # A change keeps the index's own model; an ingest uses the configured one.
        embedder = load_embedder(built.model if change and built else settings.embedding_model)
    return update_index(
        index_home(settings), ingest_options(settings),
        list(paths) if paths else [settings.corpus_dir], embedder, writer, on_wait, change,
        on_progress, on_read,
    )  # fmt: skip


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
        if problem := not_writable(settings.data_dir):
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
    from engine.llm import openai_chat_model
    from engine.llm_answerer import LLMAnswerer

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
