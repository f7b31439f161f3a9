"""Wiring settings to real parts: the embedder, the Chroma database, the index, the assistant."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from app.assistant import Assistant
from app.settings import Settings
from index.build import Manifest, ProgressCallback, SyncReport, sync
from index.embedder import Embedder, load_embedder
from index.search import HybridIndex
from index.store import ChromaDatabase


class IndexMissingError(Exception):
    """No index has been built yet under the data directory."""


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
    """Ingest `paths` (default: the corpus folder) into the index, embedding only what changed."""
    embedder = embedder or load_embedder(settings.embedding_model)
    targets = list(paths) if paths else [settings.corpus_dir]
    return sync(
        targets, open_database(settings), embedder, settings.manifest_path, settings.chunking,
        on_progress, max_bytes=int(settings.max_file_mb * 1_000_000),
    )  # fmt: skip


def index_status(settings: Settings) -> Manifest | None:
    """What the index was built from, or None when there is none."""
    return Manifest.load(settings.manifest_path)


def load_assistant(settings: Settings, embedder: Embedder | None = None) -> Assistant:
    """Load the model and the live index version once; the assistant serves every session."""
    manifest = index_status(settings)
    if manifest is None or not manifest.collection:
        raise IndexMissingError(f"no index in {settings.data_dir}: run `govassist ingest` first")
    database = open_database(settings)
    if manifest.collection not in database.names():
        raise IndexMissingError(
            f"the index named in {settings.manifest_path} is missing from the store: "
            "run `govassist ingest` to rebuild it"
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
