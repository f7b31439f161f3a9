"""A conversation, with every answer and its full citations, as Markdown or printable HTML."""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import UTC, datetime

from app.answers import Answer

Turn = tuple[str, Answer]


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")


def to_markdown(turns: Sequence[Turn], title: str = "School governance assistant") -> str:
    lines = [f"# {title}: session export", "", f"Exported {_stamp()}.", ""]
    for number, (question, answer) in enumerate(turns, start=1):
        lines += [f"## {number}. {question}", "", answer.text, ""]
        for c in answer.citations:
            page = f", page {c.page}" if c.page else ""
            lines += [
                f"**[{c.n}] {c.title}** — {c.section}{page} "
                f"(document `{c.doc_id}`, characters {c.start}–{c.end})",
                "",
                f"> {c.quote}",
                "",
                "Passage:",
                "",
                *(f"> {line}" if line else ">" for line in c.text.split("\n")),
                "",
            ]
    return "\n".join(lines)


_STYLE = """
body { font-family: Georgia, serif; max-width: 46rem; margin: 2rem auto; line-height: 1.5; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.2rem; margin-top: 2rem; }
.answer { font-size: 1.05rem; }
.citation { border-left: 3px solid #c77d00; padding: 0.2rem 0.8rem; margin: 0.8rem 0; }
.source { font-weight: bold; } .where { color: #555; font-size: 0.9rem; }
mark { background: #ffe4a8; }
@media print { body { margin: 0; } .citation { break-inside: avoid; } }
"""


def to_html(turns: Sequence[Turn], title: str = "School governance assistant") -> str:
    """A self-contained page that prints well; every document and user text is escaped."""
    esc = html.escape
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{esc(title)}: session export</title><style>{_STYLE}</style></head><body>",
        f"<h1>{esc(title)}: session export</h1><p>Exported {esc(_stamp())}.</p>",
    ]
    for number, (question, answer) in enumerate(turns, start=1):
        parts.append(f"<h2>{number}. {esc(question)}</h2>")
        parts.append(f"<p class='answer'>{esc(answer.text)}</p>")
        for c in answer.citations:
            start, end = c.highlight
            passage = (
                esc(c.text[:start]) + "<mark>" + esc(c.text[start:end]) + "</mark>"
                + esc(c.text[end:])
            )  # fmt: skip
            page = f", page {c.page}" if c.page else ""
            parts.append(
                "<div class='citation'>"
                f"<div class='source'>[{c.n}] {esc(c.title)}</div>"
                f"<div class='where'>{esc(c.section)}{esc(page)} · document {esc(c.doc_id)}, "
                f"characters {c.start}–{c.end}</div>"
                f"<p>{passage.replace(chr(10) * 2, '<br><br>')}</p></div>"
            )
    parts.append("</body></html>")
    return "\n".join(parts)
