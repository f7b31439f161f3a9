"""One contract, three stores: embedded Chroma, a real `chroma run` server on loopback, and the
in-memory store the fast tests use (the only one of the three outside the integration tier)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from conftest import ChromaServer, FakeEmbedder, live_store

from index.build import sync
from index.memory_store import MemoryDatabase
from index.search import HybridIndex
from index.store import ChromaDatabase, Database
from index.types import Filters
from ingest.chunking import chunk_sections
from ingest.structure import parse_sections
from ingest.types import SourceInfo

DOC = """\
# The inspection space

## Ofsted

### Authority

Ofsted holds the power to inspect schools.

# The intervention space

## Local authorities

### Legitimacy

Local authorities draw their authority from directly elected councillors.
"""


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """`chroma run` on a free loopback port, stopped after the module."""
    server = ChromaServer(tmp_path_factory.mktemp("chroma-server"))
    server.start()
    yield "127.0.0.1", server.port
    server.stop()


@pytest.fixture(
    params=[
        pytest.param("embedded", marks=pytest.mark.integration),
        pytest.param("server", marks=pytest.mark.integration),
        "memory",
    ]
)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Database:
    if request.param == "memory":
        return MemoryDatabase()
    if request.param == "embedded":
        return ChromaDatabase.embedded(tmp_path / "chroma")
    host, port = request.getfixturevalue("chroma_server")
    database = ChromaDatabase.server(host, port)
    for name in database.names():  # the server is shared by the module's tests
        database.drop(name)
    return database


def _chunks():
    return chunk_sections(SourceInfo("d", "d.md", "D"), parse_sections(DOC), DOC)


class TestStoreContract:
    def test_add_count_ids_and_round_trip(self, database: Database) -> None:
        store = database.collection("govassist-test-1")
        chunks = _chunks()
        vectors = FakeEmbedder().embed([c.embedding_text for c in chunks])
        store.add(chunks, vectors)
        assert store.count() == 2
        assert store.ids() == {c.id for c in chunks}
        assert store.ids("d") == {c.id for c in chunks} and store.ids("other") == set()
        assert sorted(store.all_chunks(), key=lambda c: c.start) == chunks
        exported = [c for batch, _ in store.export() for c in batch]
        assert {c.id for c in exported} == {c.id for c in chunks}

    def test_search_with_filters(self, database: Database) -> None:
        store = database.collection("govassist-test-2")
        chunks = _chunks()
        vectors = FakeEmbedder().embed([c.embedding_text for c in chunks])
        store.add(chunks, vectors)
        hits = store.search(vectors[1], 2, Filters())
        assert hits[0][0] == chunks[1].id and hits[0][1] == pytest.approx(1.0, abs=1e-5)
        assert [i for i, _ in store.search(vectors[1], 2, Filters(spaces=("inspection",)))] == [
            chunks[0].id
        ]
        assert store.search(vectors[0], 2, Filters(actors=("Nobody",))) == []

    def test_update_delete_and_completion(self, database: Database) -> None:
        store = database.collection("govassist-test-3")
        chunks = _chunks()
        store.add(chunks, np.eye(2, 64, dtype=np.float32))
        assert not store.complete
        store.mark_complete()
        assert database.collection("govassist-test-3").complete
        store.delete([chunks[0].id])
        assert store.ids() == {chunks[1].id}
        assert "govassist-test-3" in database.names()
        database.drop("govassist-test-3")
        assert "govassist-test-3" not in database.names()

    def test_sync_and_hybrid_search(self, database: Database, tmp_path: Path) -> None:
        folder = tmp_path / "docs"
        folder.mkdir()
        (folder / "d.md").write_text(DOC, encoding="utf-8")
        embedder = FakeEmbedder()
        report = sync([folder], database, embedder, tmp_path / "manifest.json")
        assert report.total_chunks == 2
        index = HybridIndex.load(live_store(database, tmp_path / "manifest.json"), embedder)
        hits = index.search("Where do local authorities draw their authority from?", k=2)
        assert hits[0].chunk.section_path.endswith("Local authorities > Legitimacy")
