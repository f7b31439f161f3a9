"""A conversation, with every answer and its full citations, as Markdown or printable HTML."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from datetime import UTC, datetime

from engine.answers import Answer

Turn = tuple[str, Answer]


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")


FILE_NAME_WORDS = 8


def file_name(turns: Sequence[Turn], suffix: str) -> str:
    """A download's name that tells one session's file from another's in a Downloads folder:
    the day and the first question's words ("govassist-2026-11-27-who-holds-ofsted-to-
    account.md"); plain letters and digits only."""
    words = re.findall(r"[a-z0-9]+", turns[0][0].lower())[:FILE_NAME_WORDS] if turns else []
    day = datetime.now(UTC).strftime("%Y-%m-%d")
    return "-".join(["govassist", day, *words]) + f".{suffix}"


# What can make Markdown text into something else when the file is rendered: HTML tags and
# autolinks (<), links and images ([, ], !), code and emphasis (`, *, _, ~, |, \\), and an
# entity that would turn into a "<" ("&lt;"). Other punctuation is left as written, so a heading
# path reads "A > B" in a text editor: without a "<" a ">" opens no tag, and at the start of a
# line (a quote) it is escaped.
_MD_SPECIALS = re.compile(r"([\\`*_\[\]!|~])")
_MD_HTML = {"<": "&lt;"}
_ENTITY = re.compile(r"&(?=#?\w+;)")
_LINE_START = re.compile(r"^(\s*)([#=+>-]|\d+[.)])", re.MULTILINE)
# A citation marker reads "[1]", not "\[1\]": brackets round a number make a link only when
# followed by "(" or "[" or, as "[1]: url", define one; those keep their escapes, so no number
# ever gets a link to point at.
_MARKER = re.compile(r"\\\[([0-9]+)\\\](?![(:]|\\\[)")


def md(text: str) -> str:
    """Document or user text as Markdown that renders as that text: no HTML, links or images."""
    text = _ENTITY.sub("&amp;", text)
    text = _MARKER.sub(r"[\1]", _MD_SPECIALS.sub(r"\\\1", text))
    text = "".join(_MD_HTML.get(ch, ch) for ch in text)
    # A line that starts like a heading, list or rule keeps being a line of text.
    return _LINE_START.sub(lambda m: m.group(1) + m.group(2)[:-1] + "\\" + m.group(2)[-1], text)


def md_line(text: str) -> str:
    """One-line fields (question, title, section): a line break would end the heading."""
    return md(" ".join(text.split()))


def to_markdown(turns: Sequence[Turn], title: str = "School governance assistant") -> str:
    """The conversation as Markdown; every document and user text is escaped (see `md`)."""
    lines = [f"# {md_line(title)}: session export", "", f"Exported {_stamp()}.", ""]
    for number, (question, answer) in enumerate(turns, start=1):
        lines += [f"## {number}. {md_line(question)}", "", md(answer.text), ""]
        for c in answer.citations:
            page = f", page {c.page}" if c.page else ""
            lines += [
                f"**[{c.n}] {md_line(c.byline)}** — {md_line(c.section)}{page} "
                f"(document {md_line(c.doc_id)}, characters {c.start}–{c.end})",
                "",
                *(f"> {line}" if line else ">" for line in md(c.quote).split("\n")),
                "",
                "Passage:",
                "",
                *(f"> {line}" if line else ">" for line in md(c.text).split("\n")),
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
                f"<div class='source'>[{c.n}] {esc(c.byline)}</div>"
                f"<div class='where'>{esc(c.section)}{esc(page)} · document {esc(c.doc_id)}, "
                f"characters {c.start}–{c.end}</div>"
                f"<p>{passage.replace(chr(10) * 2, '<br><br>')}</p></div>"
            )
    parts.append("</body></html>")
    return "\n".join(parts)
