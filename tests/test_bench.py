"""The benchmark's synthetic corpus: more files, same sections, shuffled, new names."""

from pathlib import Path

from bench.run import synthetic_corpus

DOC = "# Title\n\nIntro.\n\n## A\n\nText a.\n\n## B\n\nText b.\n\n## C\n\nText c.\n"


def test_synthetic_corpus_copies_and_shuffles_sections(tmp_path: Path) -> None:
    source = tmp_path / "src"
    source.mkdir()
    (source / "doc.md").write_text(DOC, encoding="utf-8")
    out = synthetic_corpus(source, tmp_path / "out", scale=5)
    copies = sorted(out.glob("*.md"))
    assert [p.name for p in copies] == [f"doc-copy{i:03d}.md" for i in range(5)]
    texts = [p.read_text(encoding="utf-8") for p in copies]
    for text in texts:
        assert text.startswith("# Title\n\nIntro.")
        assert sorted(line for line in text.splitlines() if line.startswith("## ")) == [
            "## A", "## B", "## C",
        ]  # fmt: skip
    assert len(set(texts)) > 1  # the order differs between copies
