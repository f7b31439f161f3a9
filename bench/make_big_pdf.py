"""Write a long PDF for ingest timing: the CST paper's sections set as a report of N pages.

    python bench/make_big_pdf.py /tmp/big.pdf --pages 150

Headings are set larger than the body (as the PDF loader expects), every page carries a running
header and a page number (which the loader must drop), and each repetition of the paper gets
its own chapter number, so passages differ and every one of them is embedded.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from fpdf import FPDF

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "corpus" / "cst-2018-where-next-for-the-self-improving-school-system.md"


_PLAIN = {"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "£": "GBP "}


def _plain(text: str) -> str:
    """Markdown to plain Latin-1 text for the PDF's built-in font."""
    text = re.sub(r"<sup>.*?</sup>|<[^>]+>|[*_#]", "", text)
    for typographic, plain in _PLAIN.items():
        text = text.replace(typographic, plain)
    return text.encode("latin-1", "replace").decode("latin-1").strip()


def sections() -> list[tuple[str, list[str]]]:
    """(heading, paragraphs) of the source document, in order."""
    found: list[tuple[str, list[str]]] = []
    for block in re.split(r"\n\s*\n", SOURCE.read_text(encoding="utf-8")):
        block = block.strip()
        if block.startswith("#"):
            found.append((_plain(block), []))
        elif found and block and not block.startswith("---"):
            found[-1][1].append(_plain(block))
    return [(h, p) for h, p in found if p]


class Report(FPDF):
    """Every page gets the running header and a page number the loader must drop."""

    def header(self) -> None:
        self.set_font("Helvetica", size=8)
        self.cell(
            0, 5, "Confederation of School Trusts - long edition", new_x="LMARGIN", new_y="NEXT"
        )
        self.ln(3)

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("Helvetica", size=8)
        self.cell(0, 10, f"Page {self.page_no()}", align="C")


def write(out: Path, pages: int) -> int:
    pdf = Report()
    pdf.set_title("Where next for the self-improving school system? (long edition)")
    pdf.set_author("Benchmark generator")
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()
    chapter = 0
    while pdf.page_no() < pages:
        chapter += 1
        for heading, paragraphs in sections():
            pdf.set_font("Helvetica", "B", size=15)
            pdf.multi_cell(0, 8, f"{chapter}. {heading}", new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("Helvetica", size=10.5)
            for paragraph in paragraphs:
                text = f"{paragraph} (Chapter {chapter}.)"
                pdf.multi_cell(0, 5.2, text, new_x="LMARGIN", new_y="NEXT")
                pdf.ln(2.5)
            if pdf.page_no() >= pages:
                break
    out.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(out))
    return pdf.page_no()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--pages", type=int, default=150)
    args = parser.parse_args()
    print(f"wrote {write(args.out, args.pages)} pages to {args.out}")


if __name__ == "__main__":
    main()
