"""Print Markdown documents to PDF the way a governor prints a web page: rendered to HTML, then
printed by headless Chromium with its usual header (date and title) and footer (address and
page number), no bookmarks. The gold set asked of the printed copies (`evals/printed/`, set
`gold_printed`) measures how much of an answer survives a change of format alone.

    python -m evals.print_corpus corpus evals/printed

The PDFs in evals/printed/ were made this way from corpus/ (Chromium 156); a newer Chromium
may lay pages out a little differently, so they are kept rather than made at each run.
"""

from __future__ import annotations

import html
import subprocess
import sys
import tempfile
from pathlib import Path

from markdown_it import MarkdownIt

CHROMIUM = "/usr/bin/chromium"
# A plain page: a serif body at 12 pt on a readable measure, as a browser shows an article.
STYLE = (
    "body{font-family:Georgia,serif;font-size:12pt;max-width:46em;margin:2em auto;"
    "line-height:1.4}h1{font-size:2em}h2{font-size:1.5em}h3{font-size:1.2em}"
)
PRINT_SECONDS = 120


def as_html(markdown: str) -> str:
    """A Markdown document as a web page titled by its first heading."""
    title = next((line[2:] for line in markdown.splitlines() if line.startswith("# ")), "")
    body = MarkdownIt("commonmark").enable("table").render(markdown)
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        f"<style>{STYLE}</style></head><body>{body}</body></html>"
    )


def print_to_pdf(page: Path, pdf: Path) -> None:
    subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", f"--print-to-pdf={pdf}", page.as_uri()],
        check=True, capture_output=True, timeout=PRINT_SECONDS,
    )  # fmt: skip


def main(source: Path, target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        for document in sorted(source.glob("*.md")):
            page = Path(folder) / f"{document.stem}.html"
            page.write_text(as_html(document.read_text(encoding="utf-8")), encoding="utf-8")
            print_to_pdf(page, target / f"{document.stem}.pdf")
            print(f"{document.name} -> {target / (document.stem + '.pdf')}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
