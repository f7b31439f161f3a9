"""Incremental indexing over a real embedded Chroma, with the fake embedder counting calls."""

from pathlib import Path

from conftest import live_store

from index.build import sync
from index.manifest import Manifest
from index.store import ChromaDatabase

DOC_A = (
    "# A\n\n## Ofsted\n\nOfsted holds the power to inspect schools.\n\n## ESFA\n\nThe ESFA funds.\n"
)
DOC_B = "# B\n\nLocal authorities draw their authority from elected councillors.\n"


def _setup(tmp_path: Path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.md").write_text(DOC_A, encoding="utf-8")
    (docs / "b.md").write_text(DOC_B, encoding="utf-8")
    database = ChromaDatabase.embedded(tmp_path / "chroma")
    return docs, database, tmp_path / "manifest.json"


def test_second_sync_embeds_nothing(tmp_path: Path, fake_embedder) -> None:
    docs, database, manifest = _setup(tmp_path)
    first = sync([docs], database, fake_embedder, manifest)
    assert (first.chunks_embedded, first.total_chunks, first.problems) == (3, 3, [])
    fake_embedder.embedded.clear()
    second = sync([docs], database, fake_embedder, manifest)
    assert fake_embedder.embedded == []
    assert (second.files_unchanged, second.chunks_embedded, second.chunks_kept) == (2, 0, 3)


def test_changed_file_reembeds_only_its_changed_chunks(tmp_path: Path, fake_embedder) -> None:
    docs, database, manifest = _setup(tmp_path)
    sync([docs], database, fake_embedder, manifest)
    fake_embedder.embedded.clear()
    (docs / "a.md").write_text(DOC_A.replace("The ESFA funds.", "The ESFA regulates."), "utf-8")
    report = sync([docs], database, fake_embedder, manifest)
    # The changed passage and its sentence (stored for answering), nothing else.
    assert sorted(fake_embedder.embedded) == [
        "A > ESFA\nThe ESFA regulates.",
        "A > ESFA: The ESFA regulates.",
    ]
    assert (report.chunks_embedded, report.chunks_kept, report.chunks_deleted) == (1, 2, 1)
    assert report.files_updated == [str(docs / "a.md")]
    texts = sorted(c.text for c in live_store(database, manifest).all_chunks())
    assert "The ESFA regulates." in texts and "The ESFA funds." not in texts


def test_moved_text_updates_offsets_without_embedding(tmp_path: Path, fake_embedder) -> None:
    docs, database, manifest = _setup(tmp_path)
    sync([docs], database, fake_embedder, manifest)
    fake_embedder.embedded.clear()
    (docs / "b.md").write_text("\n\n\n" + DOC_B, encoding="utf-8")
    sync([docs], database, fake_embedder, manifest)
    assert fake_embedder.embedded == []
    chunk = next(c for c in live_store(database, manifest).all_chunks() if c.doc_id == "b")
    text = (docs / "b.md").read_text(encoding="utf-8")
    assert text[chunk.start : chunk.end] == chunk.text


def test_deleted_file_is_removed(tmp_path: Path, fake_embedder) -> None:
    docs, database, manifest = _setup(tmp_path)
    sync([docs], database, fake_embedder, manifest)
    (docs / "b.md").unlink()
    report = sync([docs], database, fake_embedder, manifest)
    assert report.files_removed == [str((docs / "b.md").resolve())]
    assert {c.doc_id for c in live_store(database, manifest).all_chunks()} == {"a"}
    loaded = Manifest.load(manifest)
    assert loaded is not None and [e.doc_id for e in loaded.files.values()] == ["a"]


def test_bad_files_are_reported_and_the_rest_ingested(tmp_path: Path, fake_embedder) -> None:
    docs, database, manifest = _setup(tmp_path)
    (docs / "empty.md").write_text("", encoding="utf-8")
    (docs / "binary.txt").write_bytes(b"\x00\x01\x02garbage")
    (docs / "slides.pptx").write_bytes(b"PK")
    report = sync([docs], database, fake_embedder, manifest)
    reasons = {Path(p.path).name: p.reason for p in report.problems}
    assert reasons == {
        "empty.md": "the file is empty",
        "binary.txt": "the file is binary, not text",
        "slides.pptx": "unsupported file type '.pptx'",
    }
    assert {c.doc_id for c in live_store(database, manifest).all_chunks()} == {"a", "b"}


def test_latin1_text_is_read(tmp_path: Path, fake_embedder) -> None:
    docs, database, manifest = _setup(tmp_path)
    (docs / "latin.txt").write_bytes("Governors’ café résumé.".encode("cp1252"))
    sync([docs], database, fake_embedder, manifest)
    assert "Governors’ café résumé." in {
        c.text for c in live_store(database, manifest).all_chunks()
    }


def test_damaged_manifest_rebuilds_without_reembedding(tmp_path: Path, fake_embedder) -> None:
    docs, database, manifest = _setup(tmp_path)
    sync([docs], database, fake_embedder, manifest)
    manifest.write_text("{not json", encoding="utf-8")
    fake_embedder.embedded.clear()
    report = sync([docs], database, fake_embedder, manifest)
    assert fake_embedder.embedded == []
    assert report.total_chunks == 3


def _version(path: Path) -> str:
    """The index version (collection) the manifest at `path` names."""
    loaded = Manifest.load(path)
    assert loaded is not None
    return loaded.collection


def test_each_change_is_a_new_version_and_the_previous_one_is_kept(
    tmp_path: Path, fake_embedder
) -> None:
    docs, database, manifest = _setup(tmp_path)
    sync([docs], database, fake_embedder, manifest)
    first = _version(manifest)
    sync([docs], database, fake_embedder, manifest)  # nothing changed: no new version
    assert _version(manifest) == first
    (docs / "b.md").write_text(DOC_B + "\nA new paragraph about trustees.\n", "utf-8")
    sync([docs], database, fake_embedder, manifest)
    second = _version(manifest)
    (docs / "a.md").write_text(DOC_A + "\nMore on Ofsted.\n", "utf-8")
    sync([docs], database, fake_embedder, manifest)
    third = _version(manifest)
    assert len({first, second, third}) == 3
    assert database.names() == sorted([second, third])  # the previous one stays; older go
    assert any("trustees" in c.text for c in database.collection(second).all_chunks())
