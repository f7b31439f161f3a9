"""What every loader returns."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class LoadedText:
    """A document as text for the section parser, with what the file says about itself."""

    text: str
    # Offset at which each page starts (page n starts at page_starts[n - 1]); empty if unpaged.
    page_starts: tuple[int, ...] = ()
    title: str = ""
    author: str = ""
    year: int | None = None
    # The file's own characters where `text` blanks some out (a Markdown file's comments, front
    # matter and template tags): what citations quote, so that quote == file_text[start:end].
    # Empty when `text` is them.
    original: str = ""
    # Whether Markdown's markup (tags, links, emphasis, tables) is read as markup, as in a
    # Markdown or text file. A Word document's, a PDF's or a web page's text is read as written
    # ("raised with <name of governor>", "Mr J Smith*"); its loader writes "#" and "-" at the
    # start of a line for headings and items.
    markup: bool = True

    def page_at(self, offset: int) -> int | None:
        """The 1-based page holding `offset`, or None for a document without pages."""
        if not self.page_starts:
            return None
        return max(1, bisect.bisect_right(self.page_starts, offset))


# A file's author property is often whoever saved it last, as their login: "AHarcombe",
# "jsmith", "DOMAIN\\user1". Shown on every citation as the author, it misleads; a person's or
# a body's name ("Department for Education", "David Lowbridge-Ellis", "DfE", "Ofsted") stays.
_LOGIN = re.compile(r"[a-z][a-z0-9._-]*|[A-Z]{1,3}[A-Z][a-z]+|\S*[\\@_\d]\S*")


def author_name(value: str) -> str:
    """`value` as a document's author, or "" when it is a login name rather than a name."""
    value = " ".join(value.split())
    return "" if _LOGIN.fullmatch(value) else value


# A paragraph that starts as a heading or a quotation does in Markdown ("# of exclusions this
# year: 3", "> Governors should not act alone"): the space after its "#" or ">" is written as a
# no-break space, which reads the same and marks nothing.
_LOOKS_LIKE_HEADING = re.compile(r"^(#{1,6}|>)[ \t]", re.MULTILINE)  # each line: a line break


_SMALL_NUMBER = re.compile(r"[0-9]{1,6}")


def small_number(value: str | None) -> int | None:
    """An attribute's whole number of at most six ASCII digits ("2"), else None: "²" passes
    `str.isdigit` but not `int`, and 5,000 digits pass both but take `int` past its limit."""
    value = (value or "").strip()
    return int(value) if _SMALL_NUMBER.fullmatch(value) else None


MAX_SPAN = 64  # a table cell spanning more rows or columns than this is read as spanning one
# A cell's text this short (a label: "Finance", "Term of office") is read in every cell it
# spans or is merged across; a longer one once, or the rows become near-copies of each other.
REPEATED_WORDS = 12


def span_count(value: str | None) -> int:
    """How many rows or columns a table cell's span attribute covers, 1 when it says none or
    something unreadable or past MAX_SPAN."""
    number = small_number(value)
    return number if number is not None and 0 < number <= MAX_SPAN else 1


def repeated(text: str) -> str:
    """What a spanned or merged cell shows in the cells after its first: a label, or nothing."""
    return text if len(text.split()) <= REPEATED_WORDS else ""


def as_paragraph(text: str) -> str:
    """A paragraph's own words as a loader writes them, never read as a heading."""
    return _LOOKS_LIKE_HEADING.sub("\\1\u00a0", text)


def blocks_to_text(blocks: list[tuple[int, str]]) -> tuple[str, tuple[int, ...]]:
    """Join (page, block) pairs with blank lines; return the text and each page's start offset.

    Example: [(1, "# A"), (1, "x"), (2, "y")] -> ("# A\\n\\nx\\n\\ny\\n", (0, 8)).
    """
    parts: list[str] = []
    page_starts: list[int] = []
    offset = 0
    current_page = 0
    for page, block in blocks:
        block = block.strip()
        if not block:
            continue
        while current_page < page:
            page_starts.append(offset)
            current_page += 1
        parts.append(block + "\n\n")
        offset += len(block) + 2
    return "".join(parts).rstrip("\n") + "\n", tuple(page_starts)


def table_lines(rows: list[list[str]]) -> list[str]:
    """A table's rows as lines a question can find, one a row.

    Two columns are label and value ("Number of pupils: 7,215"). Wider tables take their first
    row as the header: each later row reads "Row label – Header: value; Header: value", empty
    cells left out; rows with no values at all are listed in one line under the header's
    first cell ("Review: Attendance, Behaviour").
    """
    rows = [[re.sub(r"\s+", " ", cell).strip() for cell in row] for row in rows]
    rows = [row for row in rows if any(row)]
    if not rows:
        return []
    if max(len(row) for row in rows) <= 2:
        return [": ".join(cell for cell in row if cell) for row in rows]
    header, lines, bare = rows[0], [], []
    lines.append(" | ".join(cell for cell in header if cell))
    for row in rows[1:]:
        label, values = row[0], row[1:]
        pairs = [
            f"{header[j] if j < len(header) and header[j] else f'Column {j + 1}'}: {cell}"
            for j, cell in enumerate(values, start=1)
            if cell
        ]
        if not pairs:
            bare.append(label)
        elif label:
            lines.append(f"{label} – {'; '.join(pairs)}")
        else:
            lines.append("; ".join(pairs))
    if bare:
        lines.append(f"{header[0] or 'Rows'}: {', '.join(bare)}")
    return lines
