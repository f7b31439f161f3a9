"""Ingest progress: each file as it is read, then the passages embedded of the whole ingest
(one total across every group of files, so the time left can be estimated)."""

from __future__ import annotations

from pathlib import Path

from conftest import FakeEmbedder

from index.build import sync
from index.store import ChromaDatabase

DOC = "# Title {n}\n\n## Section\n\nParagraph {n} says one thing. It says another.\n"


def test_progress_names_each_file_then_counts_passages_of_the_whole_ingest(
    tmp_path: Path,
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    for n in range(3):
        (docs / f"d{n}.md").write_text(DOC.format(n=n), encoding="utf-8")
    read: list[tuple[int, int, str]] = []
    embedded: list[tuple[int, int]] = []
    report = sync(
        [docs], ChromaDatabase.embedded(tmp_path / "chroma"), FakeEmbedder(),
        tmp_path / "manifest.json",
        on_progress=lambda done, total, label: embedded.append((done, total)),
        on_read=lambda done, total, label: read.append((done, total, label)),
    )  # fmt: skip
    assert read == [
        (0, 3, "d0.md (file 1 of 3)"),
        (1, 3, "d1.md (file 2 of 3)"),
        (2, 3, "d2.md (file 3 of 3)"),
        (3, 3, "every file read"),
    ]
    assert report.chunks_embedded == 3
    assert embedded[-1] == (3, 3)
    assert all(total == 3 for _, total in embedded)
    assert [done for done, _ in embedded] == sorted(done for done, _ in embedded)


def test_the_last_word_on_reading_counts_the_files_skipped(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "d0.md").write_text(DOC.format(n=0), encoding="utf-8")
    (docs / "broken.pdf").write_bytes(b"this is not a PDF")
    read: list[str] = []
    sync(
        [docs], ChromaDatabase.embedded(tmp_path / "chroma"), FakeEmbedder(),
        tmp_path / "manifest.json", on_read=lambda done, total, label: read.append(label),
    )  # fmt: skip
    assert read[-1] == "1 of 2 files read, 1 skipped"
