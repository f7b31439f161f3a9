"""Sentence vectors stored at ingest with each index version: a question never seen before
embeds nothing but itself; an index built before they were stored still answers; the file is
part of the atomic switch (written before it, kept and dropped with its version)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import FakeEmbedder

from app.resources import IndexWriteError, build_index, load_assistant
from app.settings import Settings
from index.manifest import Manifest

DOC = """\
# The inspection space

## Ofsted

### Authority

Ofsted holds the power to inspect schools. It reports to Parliament on what it finds.

## Regional schools commissioners

### Accountability

Regional schools commissioners act on behalf of the Secretary of State. They intervene in
academies that are underperforming.
"""

OTHER = """\
# The improvement space

## Multi-academy trusts

### Capacity

Trusts build the capacity of their schools through shared leadership and shared services.
"""


def _settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", corpus_dir=tmp_path / "docs")


def _ingest(tmp_path: Path, embedder: FakeEmbedder, files: dict[str, str]) -> Settings:
    docs = tmp_path / "docs"
    docs.mkdir(exist_ok=True)
    for name, text in files.items():
        (docs / name).write_text(text, encoding="utf-8")
    settings = _settings(tmp_path)
    report = build_index(settings, embedder=embedder)
    assert report.problems == []
    return settings


def _vectors(settings: Settings, collection: str) -> Path:
    from index.sentence_vectors import vectors_path  # imported here: old code lacks it

    return vectors_path(settings.data_dir, collection)


def _live(settings: Settings) -> str:
    manifest = Manifest.load(settings.manifest_path)
    assert manifest is not None
    return manifest.collection


def test_every_sentence_is_stored_with_the_vector_first_use_would_compute(tmp_path: Path) -> None:
    from index.sentence_vectors import SentenceVectors

    embedder = FakeEmbedder()
    settings = _ingest(tmp_path, embedder, {"a.md": DOC})
    stored = SentenceVectors.load(_vectors(settings, _live(settings)))
    assert stored is not None
    chunks = list(load_assistant(settings, embedder).index.chunks.values())
    keys = [(c.id, s.chunk_start) for c in chunks for s in c.sentences]
    assert sorted(stored.rows) == sorted(keys) and len(keys) >= 4
    texts = [c.sentence_embedding_text(s) for c in chunks for s in c.sentences]
    expected = FakeEmbedder().embed(texts)
    np.testing.assert_allclose(stored.vectors[stored.lookup(keys)], expected, atol=1e-6)


def test_a_question_never_seen_embeds_only_itself(tmp_path: Path) -> None:
    embedder = FakeEmbedder()
    settings = _ingest(tmp_path, embedder, {"a.md": DOC})
    assistant = load_assistant(settings, embedder)
    embedder.embedded.clear()
    answer = assistant.answer("Who holds the power to inspect schools?")
    assert "Ofsted holds the power to inspect schools." in answer.text
    assert embedder.embedded == ["Who holds the power to inspect schools?"]
    assert assistant.sentence_embeddings.computed == 0
    # Nothing is left for a served app to warm up.
    assert (
        assistant.sentence_embeddings.warm_in_background(list(assistant.index.chunks.values()))
        is None
    )


def test_an_index_without_stored_vectors_embeds_sentences_on_first_use(tmp_path: Path) -> None:
    embedder = FakeEmbedder()
    settings = _ingest(tmp_path, embedder, {"a.md": DOC})
    with_file = load_assistant(settings, embedder).answer("Who inspects schools?")
    _vectors(settings, _live(settings)).unlink()  # as an older version built it
    assistant = load_assistant(settings, embedder)
    embedder.embedded.clear()
    answer = assistant.answer("Who inspects schools?")
    assert answer.text == with_file.text and answer.citations == with_file.citations
    assert len(embedder.embedded) > 1  # the question, then the sentences read
    assert assistant.sentence_embeddings.computed == len(embedder.embedded) - 1
    assert "Ofsted > Authority: Ofsted holds the power to inspect schools." in embedder.embedded


def test_a_damaged_file_is_ignored_and_sentences_embedded_on_first_use(tmp_path: Path) -> None:
    from index.sentence_vectors import SentenceVectors

    embedder = FakeEmbedder()
    settings = _ingest(tmp_path, embedder, {"a.md": DOC})
    _vectors(settings, _live(settings)).write_bytes(b"not a numpy archive")
    assert SentenceVectors.load(_vectors(settings, _live(settings))) is None
    answer = load_assistant(settings, embedder).answer("Who holds the power to inspect schools?")
    assert "Ofsted holds the power to inspect schools." in answer.text


def test_a_new_version_carries_kept_sentences_and_embeds_only_new_ones(tmp_path: Path) -> None:
    from index.sentence_vectors import SentenceVectors

    embedder = FakeEmbedder()
    settings = _ingest(tmp_path, embedder, {"a.md": DOC})
    first = _live(settings)
    embedder.embedded.clear()
    _ingest(tmp_path, embedder, {"b.md": OTHER})
    second = _live(settings)
    assert second != first
    # Only the new file's passage and sentences were encoded.
    assert all("Ofsted" not in text for text in embedder.embedded)
    assistant = load_assistant(settings, embedder)
    stored = SentenceVectors.load(_vectors(settings, second))
    assert stored is not None
    every = [(c.id, s.chunk_start) for c in assistant.index.chunks.values() for s in c.sentences]
    assert sorted(stored.rows) == sorted(every)
    # The previous version keeps its file (an app may still answer from it); a third ingest
    # drops the first version and its file together.
    assert _vectors(settings, first).is_file()
    (tmp_path / "docs" / "b.md").write_text(OTHER + "\nShared services save money.\n")
    build_index(settings, embedder=embedder)
    third = _live(settings)
    folder = settings.data_dir / "sentence-vectors"
    assert sorted(p.name for p in folder.iterdir()) == sorted([f"{second}.npz", f"{third}.npz"])


def test_a_failure_writing_the_vectors_leaves_the_previous_version_answering(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from index.sentence_vectors import SentenceVectors

    embedder = FakeEmbedder()
    settings = _ingest(tmp_path, embedder, {"a.md": DOC})
    before = _live(settings)

    def full_disk(self: object, path: Path) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(SentenceVectors, "save", full_disk)
    (tmp_path / "docs" / "b.md").write_text(OTHER, encoding="utf-8")
    with pytest.raises(IndexWriteError, match="No space left on device"):
        build_index(settings, embedder=embedder)
    assert _live(settings) == before
    assert _vectors(settings, before).is_file()
    monkeypatch.undo()
    assistant = load_assistant(settings, embedder)
    embedder.embedded.clear()
    answer = assistant.answer("Who holds the power to inspect schools?")
    assert "Ofsted holds the power to inspect schools." in answer.text
    assert embedder.embedded == ["Who holds the power to inspect schools?"]
    assert all("Trusts build" not in c.text for c in assistant.index.chunks.values())


def test_the_nearest_stored_sentences_are_among_those_asked_and_come_best_first() -> None:
    from index.sentence_vectors import SentenceVectors

    vectors = np.array([[1.0, 0.0], [0.0, 1.0], [0.8, 0.6], [0.6, 0.8]], dtype=np.float32)
    keys = [("a", 0), ("b", 0), ("a", 10), ("c", 0)]
    stored = SentenceVectors({key: row for row, key in enumerate(keys)}, vectors)
    query = np.array([1.0, 0.0], dtype=np.float32)
    found = stored.nearest(query, 2, ["a", "b", "c"])
    assert [key for key, _ in found] == [("a", 0), ("a", 10)]
    assert found[0][1] == pytest.approx(1.0)
    # Only the chunks asked for; one with no stored vector is left out.
    assert [key for key, _ in stored.nearest(query, 3, ["b", "c", "z"])] == [("c", 0), ("b", 0)]
    assert SentenceVectors.empty().nearest(query, 3, ["a"]) == []


def test_a_passage_found_through_its_sentence_is_read_after_the_ranked_ones(
    tmp_path: Path,
) -> None:
    from engine.extractive import PASSAGES_READ

    embedder = FakeEmbedder()
    settings = _ingest(tmp_path, embedder, {"a.md": DOC, "b.md": OTHER})
    assistant = load_assistant(settings, embedder)
    chunks = assistant.index.chunks
    trusts = next(c for c in chunks.values() if "shared services" in c.text)
    others = [c for c in chunks.values() if c.id != trusts.id]
    candidates = assistant.index.search("Who holds the power to inspect schools?", 90)
    hits = [h for h in candidates if h.chunk.id != trusts.id][:8]  # as if no ranking put it first
    vector = embedder.embed([chunks[trusts.id].sentence_embedding_text(trusts.sentences[0])])[0]
    merged, read = assistant.with_sentence_hits(hits, candidates, vector)
    assert read == min(len(hits), PASSAGES_READ) + 1
    assert merged[read - 1].chunk.id == trusts.id and merged[read - 1].sources == ("sentence",)
    assert [h.rank for h in merged] == list(range(1, len(merged) + 1))
    assert len(others) >= 1
    # A passage no ranking brought (a filter left it out) is not looked in.
    outside = [h for h in candidates if h.chunk.id != trusts.id]
    merged, _ = assistant.with_sentence_hits(hits, outside, vector)
    assert trusts.id not in {h.chunk.id for h in merged}
