"""Wiring settings to real parts: the embedder, the Chroma store, the index and the assistant."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from app.assistant import Assistant
from app.settings import Settings
from index.build import Manifest, ProgressCallback, SyncReport, collection_name, sync
from index.embedder import Embedder, load_embedder
from index.search import HybridIndex
from index.store import ChromaStore


class IndexMissingError(Exception):
    """No index has been built yet under the data directory."""


def open_store(settings: Settings, embedder_name: str) -> ChromaStore:
    """The embedded store under the data directory, or the configured Chroma server."""
    name = collection_name(embedder_name, settings.chunking)
    if settings.chroma_host:
        return ChromaStore.server(
            settings.chroma_host, settings.chroma_port, name, ssl=settings.chroma_ssl
        )
    return ChromaStore.embedded(settings.chroma_path, name)


def build_index(
    settings: Settings,
    paths: Sequence[Path] | None = None,
    embedder: Embedder | None = None,
    on_progress: ProgressCallback | None = None,
) -> SyncReport:
    """Ingest `paths` (default: the corpus folder) into the index, embedding only what changed."""
    embedder = embedder or load_embedder(settings.embedding_model)
    store = open_store(settings, embedder.name)
    targets = list(paths) if paths else [settings.corpus_dir]
    return sync(
        targets, store, embedder, settings.manifest_path, settings.chunking, on_progress,
        max_bytes=int(settings.max_file_mb * 1_000_000),
    )  # fmt: skip


def index_status(settings: Settings) -> Manifest | None:
    """What the index was built from, or None when there is none."""
    return Manifest.load(settings.manifest_path)


def load_assistant(settings: Settings, embedder: Embedder | None = None) -> Assistant:
    """Load the model and the index once; the returned assistant serves every session."""
    embedder = embedder or load_embedder(settings.embedding_model)
    store = open_store(settings, embedder.name)
    index = HybridIndex.load(store, embedder)
    if not index.chunks:
        raise IndexMissingError(
            f"the index in {settings.data_dir} is empty: run `govassist ingest` first"
        )
    return Assistant(index, top_k=settings.top_k, max_citations=settings.max_citations)
