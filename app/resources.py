"""Wiring settings to real parts: the embedder, the Chroma database, the index, the assistant."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from app.assistant import Assistant
from app.settings import Settings
from index.build import Manifest, ProgressCallback, SyncReport, sync
from index.embedder import Embedder, load_embedder
from index.health import index_problem, looks_damaged, set_aside
from index.search import HybridIndex
from index.store import ChromaDatabase, StoreUnavailableError, is_store_error


class IndexMissingError(Exception):
    """No index has been built yet under the data directory, or it is damaged."""


class IndexWriteError(Exception):
    """The index could not be written (a read-only or full data directory, say); the version
    that was live before keeps answering."""


class AnswererConfigError(Exception):
    """The configured answerer cannot be built from the settings."""


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
) -> SyncReport:
    """Ingest `paths` (default: the corpus folder) into the index, embedding only what changed.

    A damaged index is found first and rebuilt from every document it held (the corpus, the
    uploads and any other file its manifest lists that still exists); the report says so."""
    embedder = embedder or load_embedder(settings.embedding_model)
    targets = list(paths) if paths else [settings.corpus_dir]
    if problem := _not_writable(settings.data_dir):
        raise IndexWriteError(
            f"could not write the index in {settings.data_dir}: {problem}. Nothing in it was "
            "changed."
        )
    try:
        damage = _damage(settings)
        if damage:
            targets = _rebuild_targets(settings, targets)
            _discard(settings)
        report = sync(
            targets, open_database(settings), embedder, settings.manifest_path,
            settings.chunking, on_progress, max_bytes=int(settings.max_file_mb * 1_000_000),
            file_time_limit_s=settings.file_time_limit_s,
        )  # fmt: skip
    except Exception as error:
        if not (isinstance(error, OSError) or is_store_error(error)):
            raise
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        raise IndexWriteError(
            f"could not write the index in {settings.data_dir}: {reason}. "
            "The index as it was before keeps answering."
        ) from error
    report.repaired = damage or ""
    return report


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
        raise IndexMissingError(
            f"the index in {settings.data_dir} cannot be opened ({type(error).__name__}): "
            "run `govassist ingest` to rebuild it from the documents"
        ) from error
    if manifest.collection not in database.names():
        raise IndexMissingError(
            f"the index named in {settings.manifest_path} is missing from the store: "
            "run `govassist ingest` to rebuild it"
        )
    if problem := index_problem(database, manifest):
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
    return Assistant(index, top_k=settings.top_k, max_citations=settings.max_citations)


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
