"""The printed copies of the corpus (evals/printed/): made by headless Chromium from the
Markdown, one for each corpus document, and read back as their text."""

from __future__ import annotations

from pathlib import Path

import pytest

from evals.print_corpus import CHROMIUM, as_html, main
from ingest.loaders import load

ROOT = Path(__file__).resolve().parents[1]


def test_every_corpus_document_has_its_printed_copy() -> None:
    corpus = {path.stem for path in (ROOT / "corpus").glob("*.md")}
    printed = {path.stem for path in (ROOT / "evals" / "printed").glob("*.pdf")}
    assert corpus and printed == corpus


def test_a_document_as_a_web_page_keeps_its_title_headings_and_lists() -> None:
    page = as_html(
        "# Terms of <i>reference</i>\n\n## Quorum\n\n"
        "- three governors\n- one a parent<sup>1</sup>\n"
    )
    assert "<title>Terms of &lt;i&gt;reference&lt;/i&gt;</title>" in page  # a title is text
    assert "<h2>Quorum</h2>" in page and "<li>three governors</li>" in page
    # The HTML a document carries is shown as a browser shows it (the corpus's footnote marks).
    assert "<li>one a parent<sup>1</sup></li>" in page


@pytest.mark.integration
def test_a_markdown_document_printed_by_chromium_reads_back(tmp_path: Path) -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (make browser)")
    source, target = tmp_path / "md", tmp_path / "pdf"
    source.mkdir()
    # Three pages or so: the browser's header and footer repeat, and are read as such.
    filler = "".join(
        f"## Meeting {n}\n\nThe board met and approved the minutes of its last meeting.\n\n"
        for n in range(1, 40)
    )
    (source / "terms.md").write_text(
        "# Terms of reference\n\n## Quorum\n\nThe quorum is three governors, one of them a "
        f"parent governor.\n\n## Chair\n\nThe board elects its chair each September.\n\n{filler}",
        encoding="utf-8",
    )
    main(source, target)
    loaded = load(target / "terms.pdf")
    assert loaded.title == "Terms of reference"
    assert "The quorum is three governors, one of them a parent governor." in loaded.text
    assert "The board elects its chair each September." in loaded.text
    assert loaded.text.count("approved the minutes") == 39
    assert "file://" not in loaded.text and "terms.html" not in loaded.text  # the footer
