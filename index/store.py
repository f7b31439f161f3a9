"""The vector store: Chroma, embedded by default or a `chroma run` server.

The only module that imports chromadb."""

from __future__ import annotations

import json
import shutil
import sqlite3
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from index.types import Filters
from ingest.errors import GovassistError
from ingest.types import Chunk, GovernanceTags, Sentence

# Chroma caps one add/get call; this stays well below its limit and keeps memory flat.
WRITE_BATCH = 1000


class Store(Protocol):
    """What the index needs from a vector store."""

    def count(self) -> int: ...

    def ids(self, doc_id: str | None = None) -> set[str]: ...

    def add(self, chunks: Sequence[Chunk], vectors: np.ndarray) -> None: ...

    def update(self, chunks: Sequence[Chunk]) -> None: ...

    def delete(self, ids: Iterable[str]) -> None: ...

    def all_chunks(self) -> list[Chunk]: ...

    def search(self, vector: np.ndarray, k: int, filters: Filters) -> list[tuple[str, float]]: ...

    def export(self) -> Iterator[tuple[list[Chunk], np.ndarray]]: ...

    def mark_complete(self) -> None: ...

    @property
    def complete(self) -> bool: ...


class Database(Protocol):
    """Where stores live: one per index version."""

    def collection(self, name: str) -> Store: ...

    def names(self) -> list[str]: ...

    def drop(self, name: str) -> None: ...

    def remove_unused_files(self) -> int: ...


def chunk_metadata(chunk: Chunk) -> dict[str, Any]:
    """Flat metadata (Chroma allows only scalars): lists and sentences travel as JSON."""
    return {
        "doc_id": chunk.doc_id,
        "title": chunk.title,
        "author": chunk.author,
        "year": -1 if chunk.year is None else chunk.year,
        "section": json.dumps(list(chunk.section)),
        "start": chunk.start,
        "end": chunk.end,
        "sentences": json.dumps(
            [
                [
                    s.start,
                    s.end,
                    s.chunk_start,
                    s.chunk_end,
                    s.paragraph,
                    s.list_item,
                    -1 if s.page is None else s.page,
                ]
                for s in chunk.sentences
            ]
        ),
        "space": chunk.tags.space,
        "actor": chunk.tags.actor,
        "dimension": chunk.tags.dimension,
        "recommendation": chunk.tags.recommendation,
        "page": -1 if chunk.page is None else chunk.page,
        "raw": chunk.raw,
    }


def chunk_from_record(chunk_id: str, text: str, meta: dict[str, Any]) -> Chunk:
    sentences = tuple(
        Sentence(text[cs:ce], start, end, cs, ce, paragraph, bool(item), None if page < 0 else page)
        for start, end, cs, ce, paragraph, item, page in json.loads(str(meta["sentences"]))
    )
    page = int(meta.get("page", -1))
    return Chunk(
        id=chunk_id,
        doc_id=str(meta["doc_id"]),
        title=str(meta["title"]),
        section=tuple(json.loads(str(meta["section"]))),
        text=text,
        start=int(meta["start"]),
        end=int(meta["end"]),
        sentences=sentences,
        tags=GovernanceTags(
            space=str(meta.get("space", "")),
            actor=str(meta.get("actor", "")),
            dimension=str(meta.get("dimension", "")),
            recommendation=bool(meta.get("recommendation", False)),
        ),
        page=None if page < 0 else page,
        raw=str(meta.get("raw", "")),
        author=str(meta.get("author", "")),
        year=None if int(meta.get("year", -1)) < 0 else int(meta.get("year", -1)),
    )


def where_clause(filters: Filters) -> dict[str, Any] | None:
    """Chroma's `where` for the filters, or None when nothing is restricted."""
    clauses: list[dict[str, Any]] = []
    for field, values in (
        ("doc_id", filters.doc_ids),
        ("space", filters.spaces),
        ("actor", filters.actors),
    ):
        if values:
            clauses.append({field: {"$in": list(values)}})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


RECONNECT_PAUSE_S = 1.0


class StoreUnavailableError(GovassistError):
    """The vector store cannot be reached (a Chroma server that is down)."""


def is_connection_error(error: BaseException) -> bool:
    """A network failure reaching a Chroma server, whichever layer reports it."""
    import httpx

    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, (httpx.TransportError, ConnectionError)):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def is_store_error(error: BaseException) -> bool:
    """An error Chroma raised about its own store (a full disk, a malformed file)."""
    from chromadb.errors import ChromaError

    return isinstance(error, ChromaError)


def forget_open_store(path: Path) -> None:
    """Chroma keeps one open system per folder and hands it to every later client of that
    folder, even when it failed to start (a read-only folder, say) or the folder was moved
    away. Forget it, so the next client opens the folder afresh."""
    from chromadb.api.shared_system_client import SharedSystemClient

    SharedSystemClient._identifier_to_system.pop(str(path), None)
    SharedSystemClient._identifier_to_refcount.pop(str(path), None)


def chroma_settings() -> Any:
    """Client settings for every Chroma client we make: no telemetry leaves the machine."""
    from chromadb.config import Settings

    return Settings(anonymized_telemetry=False, allow_reset=False)


def ephemeral_client() -> Any:
    """An in-memory Chroma client (for throwaway indexes such as the evaluation's peer)."""
    import chromadb

    return chromadb.EphemeralClient(settings=chroma_settings())


class ChromaDatabase:
    """A Chroma client: embedded in this process (`PersistentClient` on a folder), or a
    `chroma run` server (`HttpClient`) that several app processes share."""

    def __init__(self, client: Any, path: Path | None = None) -> None:
        self._client = client
        self._path = path  # the embedded store's folder; None for a server

    @classmethod
    def embedded(cls, path: Path) -> ChromaDatabase:
        import chromadb

        path.mkdir(parents=True, exist_ok=True)
        try:
            client = chromadb.PersistentClient(path=str(path), settings=chroma_settings())
            return cls(client, path)
        except Exception:
            forget_open_store(path)  # a later attempt (once the folder is fixed) starts clean
            raise

    @classmethod
    def server(
        cls, host: str, port: int, ssl: bool = False, headers: dict[str, str] | None = None
    ) -> ChromaDatabase:
        import chromadb

        try:
            client = chromadb.HttpClient(
                host=host, port=port, ssl=ssl, headers=headers or {}, settings=chroma_settings()
            )
        except Exception as error:
            if is_connection_error(error):
                raise StoreUnavailableError(
                    f"the Chroma server at {host}:{port} is not answering; check that it is up"
                ) from error
            raise
        return cls(client)

    def collection(self, name: str) -> ChromaStore:
        return ChromaStore(self._client, name)

    def names(self) -> list[str]:
        return sorted(c if isinstance(c, str) else c.name for c in self._client.list_collections())

    def drop(self, name: str) -> None:
        self._client.delete_collection(name)

    def remove_unused_files(self) -> int:
        """Delete the segment folders no collection uses any more; return how many went.

        Chroma (1.5) deletes a collection's rows but leaves its vector segment's folder: every
        changing ingest left one behind (5 ingests, 5 folders, 2 in use). A folder is removed
        only when no segment in the store names it, so every live version (the one the
        manifest names, the previous one an app may still answer from) keeps its files. Only
        an embedded store's folders: a server's are its own. Call it only as the one writer."""
        if self._path is None:
            return 0
        in_use = _segment_ids(self._path / "chroma.sqlite3")
        if in_use is None:
            return 0  # unsure what is in use: remove nothing
        removed = 0
        for folder in self._path.iterdir():
            if folder.is_dir() and _is_uuid(folder.name) and folder.name not in in_use:
                shutil.rmtree(folder, ignore_errors=True)
                removed += 1
        return removed


def _segment_ids(sqlite_file: Path) -> set[str] | None:
    """Every segment id Chroma's own database lists (read-only), or None if it cannot be read."""
    try:
        connection = sqlite3.connect(f"file:{sqlite_file}?mode=ro", uri=True, timeout=10)
        try:
            return {str(row[0]) for row in connection.execute("SELECT id FROM segments")}
        finally:
            connection.close()
    except sqlite3.Error:
        return None


def _is_uuid(name: str) -> bool:
    try:
        return str(uuid.UUID(name)) == name
    except ValueError:
        return False


class ChromaStore:
    """One Chroma collection holding chunk texts, metadata and vectors (cosine space)."""

    def __init__(self, client: Any, collection: str) -> None:
        self._client = client
        self.collection_name = collection
        self._collection = client.get_or_create_collection(
            collection,
            configuration={"hnsw": {"space": "cosine"}},
            embedding_function=None,  # vectors always come from our embedder
        )

    def count(self) -> int:
        return int(self._collection.count())

    def mark_complete(self) -> None:
        """Record that this index version was fully built (a crash leaves it unmarked)."""
        self._collection.modify(metadata={"govassist_complete": 1})

    @property
    def complete(self) -> bool:
        return bool((self._collection.metadata or {}).get("govassist_complete"))

    def ids(self, doc_id: str | None = None) -> set[str]:
        where = {"doc_id": doc_id} if doc_id else None
        return set(self._collection.get(where=where, include=[])["ids"])

    def add(self, chunks: Sequence[Chunk], vectors: np.ndarray) -> None:
        for begin in range(0, len(chunks), WRITE_BATCH):
            batch = chunks[begin : begin + WRITE_BATCH]
            self._collection.upsert(
                ids=[c.id for c in batch],
                embeddings=vectors[begin : begin + WRITE_BATCH].tolist(),
                documents=[c.text for c in batch],
                metadatas=[chunk_metadata(c) for c in batch],
            )

    def update(self, chunks: Sequence[Chunk]) -> None:
        """Refresh metadata without re-embedding: offsets move when text above a passage changes."""
        for begin in range(0, len(chunks), WRITE_BATCH):
            batch = chunks[begin : begin + WRITE_BATCH]
            self._collection.update(
                ids=[c.id for c in batch], metadatas=[chunk_metadata(c) for c in batch]
            )

    def delete(self, ids: Iterable[str]) -> None:
        ids = list(ids)
        for begin in range(0, len(ids), WRITE_BATCH):
            self._collection.delete(ids=ids[begin : begin + WRITE_BATCH])

    def export(self) -> Iterator[tuple[list[Chunk], np.ndarray]]:
        """Every chunk with its vector, a page at a time (to copy an index version)."""
        for offset in range(0, self.count(), WRITE_BATCH):
            page = self._collection.get(
                include=["documents", "metadatas", "embeddings"], limit=WRITE_BATCH, offset=offset
            )
            chunks = [
                chunk_from_record(i, text, dict(meta))
                for i, text, meta in zip(
                    page["ids"], page["documents"] or [], page["metadatas"] or [], strict=True
                )
            ]
            yield chunks, np.asarray(page["embeddings"], dtype=np.float32)

    def all_chunks(self) -> list[Chunk]:
        chunks: list[Chunk] = []
        total = self.count()
        for offset in range(0, total, WRITE_BATCH):
            page = self._collection.get(
                include=["documents", "metadatas"], limit=WRITE_BATCH, offset=offset
            )
            for chunk_id, text, meta in zip(
                page["ids"], page["documents"] or [], page["metadatas"] or [], strict=True
            ):
                chunks.append(chunk_from_record(chunk_id, text, dict(meta)))
        return chunks

    def search(self, vector: np.ndarray, k: int, filters: Filters) -> list[tuple[str, float]]:
        """The k nearest chunks as (id, cosine similarity), best first.

        A Chroma server that has gone away (restarted, say) is asked again once after a short
        pause, which rides out a restart; if it is still not answering, StoreUnavailableError
        says so plainly instead of a network traceback."""
        for attempt in range(2):
            try:
                return self._search(vector, k, filters)
            except Exception as error:
                if not is_connection_error(error):
                    raise
                if attempt:
                    raise StoreUnavailableError(
                        "the Chroma server is not answering; try again in a moment, or ask "
                        "whoever runs it to check that it is up"
                    ) from error
                time.sleep(RECONNECT_PAUSE_S)
        raise AssertionError("unreachable")

    def _search(self, vector: np.ndarray, k: int, filters: Filters) -> list[tuple[str, float]]:
        # Chroma (1.x) returns fewer than k when fewer match, so no count() first: that
        # round trip cost 3 ms of every answer.
        result = self._collection.query(
            query_embeddings=[vector.tolist()],
            n_results=k,
            where=where_clause(filters),
            include=["distances"],
        )
        distances = (result["distances"] or [[]])[0]
        return [(i, 1.0 - float(d)) for i, d in zip(result["ids"][0], distances, strict=True)]
