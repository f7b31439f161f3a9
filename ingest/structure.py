"""Reading Markdown or plain text into sections with heading paths, boilerplate removed.

Headings come in three shapes in converted documents: `#` lines, bold-only lines
(`**Decision making**`) and ALL-CAPS lines (`INTRODUCTION`); a short title-like line standing
alone before a long paragraph ("The context") is a heading too. Contents lists, empty figure
captions, rules and repeated blurbs are dropped. Every paragraph keeps offsets into the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from itertools import accumulate, pairwise

from ingest.text import INLINE_MARKUP, MappedText, clean, join, normalise_words
from ingest.types import introduces_list


class Kind(Enum):
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    ITEM = "item"  # a list item the layout shows, not its markup (a contents group's entry)
    DROPPED = "dropped"


@dataclass(frozen=True)
class Block:
    """A run of non-blank lines (or one heading or list item) and where it sits in the file."""

    start: int
    end: int
    raw: str
    html: str = ""  # the HTML element it is the text of, in Markdown with HTML: "li", "h2"
    # A table row ("tr"): where each of its cells is in the file, and the header row's cells.
    cells: tuple[tuple[int, int], ...] = ()
    header: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class Section:
    """The paragraphs under one heading path."""

    path: tuple[str, ...]
    paragraphs: tuple[MappedText, ...]
    list_items: frozenset[int] = frozenset()  # which paragraphs are items of a bulleted list


_HASH_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$")
_LIST_ITEM = re.compile(r"^[ \t]*(?:[-*+•]|\d{1,2}[.)])[ \t]+")
# A line of nothing but HTML block tags ("<li>", "</p>", '<h2 class="x">') ends a block.
_HTML_BLOCK_TAGS = re.compile(
    r"^[ \t]*(?:</?(?:p|div|ul|ol|li|h[1-6]|section|article|table|tr|td|th|blockquote)\b[^>]*>"
    r"[ \t]*)+$",
    re.I,
)
_HTML_OPEN = re.compile(r"<(li|h[1-6])\b", re.I)
_RULE = re.compile(r"^[ \t]*(?:-{3,}|\*{3,}|_{3,})[ \t]*$")
# A line of "=" or "-" under a one-line paragraph makes it a heading (Markdown's other way of
# writing one, and how plain-text files underline theirs): "=" level 1, "-" level 2.
_UNDERLINE = re.compile(r"^[ \t]*(={3,}|-{3,})[ \t]*$")
# A Markdown table: a row of cells between pipes, then a row of dashes under each header cell.
_TABLE_SEPARATOR = re.compile(
    r"^[ \t]*(?:\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)+\|?|\|[ \t]*:?-+:?[ \t]*\|)[ \t]*$"
)
_PIPE = re.compile(r"(?<!\\)\|")
_BOLD_ONLY = re.compile(r"^\s*(\*\*|__)(?P<body>[^*_].*?)\1\s*$", re.DOTALL)
_CONTENTS_ENTRY = re.compile(r"\s(\*\*|__)?\d{1,3}(\*\*|__)?\s*$")
# "2.3 Governance" or "4. Findings": a number path, then a short title.
_NUMBERED_HEADING = re.compile(r"^\s*(\d{1,2}(?:\.\d{1,2}){0,4})\.?[ \t]+([A-Z][^\n]*)$")
_FIGURE_CAPTION = re.compile(r"^[*_\s]*(figure|fig\.|table|chart|diagram)\s+\S+\s*[:–—-]", re.I)
# A paragraph or clause number at a paragraph's start ("3.85 There", "3.—Subject",
# "13.—(1) If", "2. The", "18.Headteachers", "(2) No"): kept in the file, left out of the
# text that is quoted.
_PARAGRAPH_NUMBER = re.compile(
    r"^(?:\d{1,2}\.\d{1,3}\.?[ \t]*|\d{1,3}\.[ \t]?[—–][ \t]*(?:\(\d{1,3}\)[ \t]*)?"
    r"|\d{1,3}\.[ \t]+|\d{1,3}\.(?=[A-Z][a-z])|\(\d{1,3}\)[ \t]+)(?=[A-Z“‘\"(])"
)
_SENTENCE_END = re.compile(r"[.!?:;]['\"”’)*_]*\s*$")
_TERMINAL = re.compile(r"[.!?:;,]['\"”’)*_]*\s*$")

# Headings are short: a longer bold or capitalised line is an emphasised paragraph.
MAX_HEADING_WORDS = 12
MAX_PLAIN_HEADING_WORDS = 6
MIN_WORDS_AFTER_PLAIN_HEADING = 20
MAX_HEADING_DIGITS = (
    4  # "2.3 Governance" is a heading; "VAT Registration Number 270 0880 18" is not
)
# Paragraphs at least this long that recur (nearly) word for word are publisher boilerplate.
MIN_BOILERPLATE_WORDS = 5
NEAR_DUPLICATE_JACCARD = 0.8
# A linked contents list: at least 3 lines, half of them the titles of later headings (word
# sets this alike: "Year 11 and 13 Outcomes" is "Year 11 and Year 13 Outcomes").
MIN_CONTENTS_LINKS = 3
CONTENTS_LINK_SHARE = 0.5
CONTENTS_TITLE_JACCARD = 0.7
_CONTENTS_TITLES = (["contents"], ["table", "of", "contents"])
CONTENTS_GROUP_LEVEL = 6  # a contents group's title nests under whatever heading is current
# Front and back matter: the first and last 15% of a file, where covers and blurbs sit.
MATTER_SHARE = 0.15
# A document shorter than this (about three pages) has no cover or back page to repeat a blurb.
MATTER_MIN_CHARACTERS = 10_000


def _cells(line: str, line_start: int) -> tuple[tuple[int, int], ...]:
    """Where the cells of a table row written between pipes are in the file."""
    edges = [-1, *(m.start() for m in _PIPE.finditer(line)), len(line)]
    spans = [(line_start + a + 1, line_start + b) for a, b in pairwise(edges)]
    if line.lstrip().startswith("|"):
        spans = spans[1:]
    if line.rstrip().endswith("|"):
        spans = spans[:-1]
    return tuple(spans)


def _blocks(original: str, markup: bool = True) -> list[Block]:
    """Split on blank lines; headings, rules, list items and (in Markdown) table rows and the
    text of HTML block elements on lines of their own (`<li>`, `<h2>`) are blocks of their own."""
    blocks: list[Block] = []
    current_start: int | None = None
    current_end = 0
    element = ""  # the HTML block element whose text the next lines are
    header: tuple[tuple[int, int], ...] = ()  # the header cells of the table being read

    def flush(html: str = "") -> None:
        nonlocal current_start
        if current_start is not None:
            raw = original[current_start:current_end]
            blocks.append(Block(current_start, current_end, raw, html or element))
        current_start = None

    lines = original.splitlines(keepends=True)
    starts = list(accumulate((len(line) for line in lines), initial=0))
    skip = False
    for i, line in enumerate(lines):
        line_start = starts[i]
        # A byte-order mark is kept in the file's first character (offsets), not read.
        body = line.rstrip("\r\n").replace("\ufeff", " ", 1 if i == 0 else 0)
        line_end = line_start + len(body)
        if skip:  # a table's separator row
            skip = False
            continue
        # Tables, HTML blocks, underlined headings are Markdown's: a PDF line of "|" is text.
        if markup and header and _PIPE.search(body):
            blocks.append(Block(line_start, line_end, body, "tr", _cells(body, line_start), header))
            continue
        header = ()
        following = lines[i + 1].rstrip("\r\n") if i + 1 < len(lines) else ""
        if markup and _PIPE.search(body) and _TABLE_SEPARATOR.match(following):
            flush()
            header = _cells(body, line_start)
            blocks.append(Block(line_start, line_end, body, "tr", header, header))
            skip = True
            continue
        if not body.strip():
            flush()
            continue
        if markup and _HTML_BLOCK_TAGS.match(body):
            flush()
            opened = _HTML_OPEN.findall(body)
            element = opened[-1].lower() if opened else ""
            continue
        one_line = markup and current_start is not None and starts[i - 1] == current_start
        if one_line and (level := _underlined(original[current_start:current_end], body)):
            flush(level)
            continue
        alone = bool(_HASH_HEADING.match(body) or _RULE.match(body))  # a block of its own
        if alone or _LIST_ITEM.match(body):
            flush()
        current_start = line_start if current_start is None else current_start
        current_end = line_end
        if alone:
            flush()
    flush()
    return blocks


def _underlined(line: str, below: str) -> str:
    """ "h1" or "h2" when `below` underlines the one-line paragraph `line` as a heading."""
    underline = _UNDERLINE.match(below)
    if not underline or _LIST_ITEM.match(line) or _HASH_HEADING.match(line):
        return ""
    return "h1" if underline.group(1)[0] == "=" else "h2"


def _row_text(original: str, block: Block) -> MappedText:
    """A table row as text a question can find, like every format's tables (see
    `ingest.loaders.base.table_lines`): two columns read "Label: value"; wider ones "Row label
    – Header: value; Header: value", the header row itself "A | B | C". A header's words stand
    for the cell they label, so a quote of the row is the row as the file has it."""
    cells = [clean(original, start, end) for start, end in block.cells]
    if len(block.header) <= 2:
        return join(cells, ": ")
    if block.cells == block.header:
        return join(cells, " | ")
    labelled: list[MappedText] = []
    for (start, end), value in zip(block.header[1:], cells[1:], strict=False):
        if value.text:
            name = clean(original, start, end).text or f"Column {len(labelled) + 2}"
            prefix = MappedText(f"{name}: ", (value.offsets[0],) * (len(name) + 2))
            labelled.append(join([prefix, value], ""))
    return join([cells[0], join(labelled, "; ")], " – ")


def _words(text: str) -> list[str]:
    return normalise_words(text)


def _is_caps_line(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return (
        len(letters) >= 3
        and all(c.isupper() for c in letters)
        and "," not in text
        and len(_words(text)) <= MAX_HEADING_WORDS
    )


def _implicit_heading(block: Block) -> str | None:
    """The heading text of a bold-only or ALL-CAPS block, or None for ordinary text."""
    text = clean(block.raw).text
    if (
        not text
        or not (text[0].isupper() or text[0].isdigit())
        or _TERMINAL.search(text)
        or len(_words(text)) > MAX_HEADING_WORDS
        or sum(c.isdigit() for c in text) > MAX_HEADING_DIGITS
    ):
        return None
    if _BOLD_ONLY.match(block.raw) or _is_caps_line(text):
        return text
    return None


def _plain_heading(block: Block, following: Block | None) -> str | None:
    """A short title-like line standing alone before a long paragraph ("The context")."""
    if "\n" in block.raw.strip() or following is None or _LIST_ITEM.match(block.raw):
        return None
    text = clean(block.raw).text
    words = _words(text)
    if (
        not words
        or len(words) > MAX_PLAIN_HEADING_WORDS
        or not text[0].isupper()
        or _TERMINAL.search(text)
        or any(c in text for c in "|@/")
    ):
        return None
    if len(_words(following.raw)) < MIN_WORDS_AFTER_PLAIN_HEADING:
        return None
    return text


def _numbered_heading(blocks: list[Block], i: int) -> tuple[int, str] | None:
    """(depth, title) of block `i` when it is a numbered heading line ("2.3 Governance" has
    depth 2), else None."""
    block, following = blocks[i], blocks[i + 1] if i + 1 < len(blocks) else None
    match = _NUMBERED_HEADING.match(block.raw.strip())
    if not match or "\n" in block.raw.strip() or following is None:
        return None
    title = clean(match.group(2)).text
    # "21. No person shall become a member unless—" leads into its clauses: not a title.
    if (
        _TERMINAL.search(title)
        or title.endswith(("—", "–", "-"))
        or len(_words(title)) > MAX_HEADING_WORDS
    ):
        return None
    if _NUMBERED_HEADING.match(following.raw.strip()) and not _words(following.raw)[2:]:
        return None  # a run of short numbered lines is a list, not headings
    if (following.raw[:1] in (" ", "\t") and _LIST_ITEM.match(following.raw)) or _next_item(
        blocks, i
    ):
        return None  # "1. Finance and resources" over its own indented items: a list item
    return match.group(1).count(".") + 1, f"{match.group(1)} {title}"


_ITEM_NUMBER = re.compile(r"(\d{1,2})[.)][ \t]")


def _next_item(blocks: list[Block], i: int) -> bool:
    """Whether numbered block `i` is the next item of a numbered list just above it ("3. Pay"
    after "2. Curriculum and standards" and its indented items), not a heading."""
    number = _ITEM_NUMBER.match(blocks[i].raw)
    if number is None:
        return False
    for k in range(i - 1, -1, -1):  # not a copy of the blocks before: one per item was quadratic
        earlier = blocks[k]
        if not _LIST_ITEM.match(earlier.raw):
            return False
        if earlier.raw[:1] not in (" ", "\t"):
            found = _ITEM_NUMBER.match(earlier.raw)
            return found is not None and int(found.group(1)) + 1 == int(number.group(1))
    return False


def _contents_blocks(blocks: list[Block]) -> set[int]:
    """Indices of blocks in runs of 3+ lines that end in a page number: a contents list."""
    dropped: set[int] = set()
    run: list[int] = []
    for i, block in enumerate([*blocks, None]):
        is_entry = (
            block is not None
            and len(_words(block.raw)) <= MAX_HEADING_WORDS + 2
            and _CONTENTS_ENTRY.search(block.raw) is not None
        )
        if is_entry:
            run.append(i)
            continue
        if len(run) >= 3:
            dropped.update(run)
        run = []
    return dropped


def _same_title(a: set[str], b: set[str]) -> bool:
    """Whether a contents entry names a heading: alike words ("CCF update" and "CCF updates"),
    or all its words in the heading ("Attendance" and "Attendance reports")."""
    a, b = {w.removesuffix("s") for w in a}, {w.removesuffix("s") for w in b}
    return bool(a and b) and (a <= b or len(a & b) / len(a | b) >= CONTENTS_TITLE_JACCARD)


def _linked_contents(
    blocks: list[Block], kinds: list[tuple[Kind, int, str]]
) -> tuple[set[int], set[int], set[int]]:
    """A contents list without page numbers (a Word or web page's linked list of its own
    sections): a run of short lines, at least half of them (and at least 3) the titles of
    headings further on. Returns (dropped, group titles, items): the entries are dropped, and
    a "Contents" line just above them; but where the list sorts its entries under group
    titles of its own ("Items for board approval"), which the sections themselves do not
    repeat, each group title becomes a heading and its entries the items of a list under it."""
    headings = [(i, set(_words(text))) for i, (kind, _, text) in enumerate(kinds)
                if kind is Kind.HEADING]  # fmt: skip
    dropped: set[int] = set()
    groups: set[int] = set()
    items: set[int] = set()
    run: list[tuple[int, bool]] = []
    for i in [*range(len(blocks)), len(blocks)]:
        short = (
            i < len(blocks)
            and kinds[i][0] is Kind.PARAGRAPH
            and len(_words(blocks[i].raw)) <= MAX_HEADING_WORDS + 4
            and not _SENTENCE_END.search(clean(blocks[i].raw).text)
            and _words(blocks[i].raw) not in _CONTENTS_TITLES
        )
        if short:
            words = set(_words(blocks[i].raw))
            run.append((i, any(j > i and _same_title(words, w) for j, w in headings)))
            continue
        matched = sum(linked for _, linked in run)
        if (
            matched >= MIN_CONTENTS_LINKS
            and matched >= CONTENTS_LINK_SHARE * len(run)
            and not _introduced(blocks, run[0][0])
        ):
            grouped = False
            for index, linked in run:
                if not linked:
                    groups.add(index)
                    grouped = True
                elif grouped:
                    items.add(index)
                else:
                    dropped.add(index)
            before = run[0][0] - 1
            if before >= 0 and _words(blocks[before].raw) in _CONTENTS_TITLES:
                dropped.add(before)
        run = []
    return dropped, groups, items


def _introduced(blocks: list[Block], first: int) -> bool:
    """Whether the lines from `first` on are the items of a list a sentence of the text
    introduces ("These are the prime areas:" before "Communication and language", ...): they
    may repeat the titles of later sections, but a contents list is never led in that way."""
    if first == 0:
        return False
    before = clean(blocks[first - 1].raw).text
    # "Contents", then a line or two ("... take you directly to each section:"), still lead
    # in a contents list.
    titled = any(_words(b.raw) in _CONTENTS_TITLES for b in blocks[max(0, first - 3) : first])
    return introduces_list(before) and _words(before) not in _CONTENTS_TITLES and not titled


def _boilerplate_blocks(blocks: list[Block], candidates: list[int]) -> set[int]:
    """Paragraphs that recur nearly word for word, where they sit in the front or back matter
    (a publisher's blurb on the cover and the back page), and short paragraphs whose words all
    appear inside a longer one (pull quotes). A clause repeated in the body is content: kept,
    and so is any in a document too short to have a cover and a back page (terms of reference
    whose finance and pay committees each "will report to the full board")."""
    word_sets = {i: set(_words(blocks[i].raw)) for i in candidates}
    texts = {i: " ".join(_words(blocks[i].raw)) for i in candidates}
    length = blocks[-1].end if blocks else 0

    def in_matter(i: int) -> bool:
        if length < MATTER_MIN_CHARACTERS:
            return False
        return not MATTER_SHARE * length <= blocks[i].start <= (1 - MATTER_SHARE) * length

    # Only paragraphs with the same numbers are compared ("Complaints - Stage 2" and "- Stage
    # 3" are two rows, not one blurb twice), so they are grouped by their numbers first: every
    # pair of a 200-page report took 8 s; within groups, 0.1 s, with the same result.
    by_numbers: dict[frozenset[str], list[int]] = {}
    for i in candidates:
        if len(word_sets[i]) >= MIN_BOILERPLATE_WORDS:
            numbers = frozenset(w for w in word_sets[i] if w.isdigit())
            by_numbers.setdefault(numbers, []).append(i)
    dropped: set[int] = set()
    pairs = (
        (a, b)
        for group in by_numbers.values()
        for a_pos, a in enumerate(group)
        for b in group[a_pos + 1 :]
    )
    for a, b in pairs:
        union = word_sets[a] | word_sets[b]
        if len(word_sets[a] & word_sets[b]) / len(union) >= NEAR_DUPLICATE_JACCARD:
            dropped.update(i for i in (a, b) if in_matter(i))
        elif texts[a] in texts[b] or texts[b] in texts[a]:
            dropped.add(a if len(texts[a]) < len(texts[b]) else b)
    return dropped


def _classify(blocks: list[Block]) -> Iterator[tuple[Block, Kind, int, str]]:
    """Yield (block, kind, heading level, heading text) for every block."""
    contents = _contents_blocks(blocks)
    explicit_level = 0  # level of the most recent `#` heading: implicit headings nest below it
    bold_level = 0  # level of the most recent bold-styled heading (`**X**` or `### **X**`)
    kinds: list[tuple[Kind, int, str]] = []
    for i, block in enumerate(blocks):
        first_line = block.raw.splitlines()[0].lstrip("\ufeff")
        hashed = _HASH_HEADING.match(first_line)
        following = blocks[i + 1] if i + 1 < len(blocks) else None
        if i in contents or _RULE.match(block.raw) or _FIGURE_CAPTION.match(block.raw):
            kinds.append((Kind.DROPPED, 0, ""))
        elif block.html == "tr":
            kinds.append((Kind.PARAGRAPH, 0, ""))
        elif block.html[:1] == "h" and "\n" not in block.raw.strip():
            kinds.append((Kind.HEADING, int(block.html[1]), clean(block.raw).text))
        elif hashed:
            explicit_level = len(hashed.group(1))
            bold_level = explicit_level if _BOLD_ONLY.match(hashed.group(2)) else 0
            kinds.append((Kind.HEADING, explicit_level, clean(hashed.group(2)).text))
        elif (numbered := _numbered_heading(blocks, i)) is not None:
            kinds.append((Kind.HEADING, explicit_level + numbered[0], numbered[1]))
        elif (heading := _implicit_heading(block)) is not None:
            # A bold heading after another bold-styled one is its sibling (same style, same
            # level); otherwise it nests under the last `#` heading.
            bold = _BOLD_ONLY.match(block.raw) is not None
            level = bold_level if bold and bold_level else explicit_level + 1
            bold_level = level if bold else 0
            kinds.append((Kind.HEADING, level, heading))
        elif (heading := _plain_heading(block, following)) is not None:
            kinds.append((Kind.HEADING, explicit_level + 2, heading))
        else:
            kinds.append((Kind.PARAGRAPH, 0, ""))
    # A bold or capitalised line followed by another heading-like line is cover or
    # front-matter text (a name, a date, an address), not a heading: keep it as text.
    for i, (kind, _, _) in enumerate(kinds):
        if kind is not Kind.HEADING or _HASH_HEADING.match(blocks[i].raw):
            continue
        nxt = kinds[i + 1] if i + 1 < len(kinds) else (Kind.DROPPED, 0, "")
        if nxt[0] is not Kind.PARAGRAPH or (
            i > 0 and kinds[i - 1][0] is Kind.HEADING and not _HASH_HEADING.match(blocks[i - 1].raw)
        ):
            kinds[i] = (Kind.PARAGRAPH, 0, "")
    dropped, groups, items = _linked_contents(blocks, kinds)
    for i in dropped:
        kinds[i] = (Kind.DROPPED, 0, "")
    for i in groups:
        kinds[i] = (Kind.HEADING, CONTENTS_GROUP_LEVEL, clean(blocks[i].raw).text)
    for i in items:
        kinds[i] = (Kind.ITEM, 0, "")
    # A table's rows are alike by design ("| Governor A | Parent governor | ..."): never a blurb.
    paragraphs = [
        i
        for i, (kind, _, _) in enumerate(kinds)
        if kind is Kind.PARAGRAPH and blocks[i].html != "tr"
    ]
    for i in _boilerplate_blocks(blocks, paragraphs):
        kinds[i] = (Kind.DROPPED, 0, "")
    for block, (kind, level, heading) in zip(blocks, kinds, strict=True):
        yield block, kind, level, heading


def _continues(previous: MappedText, block: Block) -> bool:
    """True when a paragraph was cut by a page break: no sentence end, next starts lower-case."""
    nxt = clean(block.raw).text
    return (
        bool(previous.text)
        and not _SENTENCE_END.search(previous.text)
        and bool(nxt)
        and nxt[0].islower()
        and not _LIST_ITEM.match(block.raw)
        and not block.html
    )


def without_number(text: MappedText) -> MappedText:
    """The paragraph without its leading paragraph or clause number; offsets kept."""
    match = _PARAGRAPH_NUMBER.match(text.text)
    if not match or match.end() >= len(text.text):
        return text
    return MappedText(text.text[match.end() :], text.offsets[match.end() :])


def parse_sections(original: str, markup: bool = True) -> list[Section]:
    """Read a loader's text into sections, in document order: Markdown, or (not `markup`) the
    text a Word, PDF or web page loader wrote, whose only markup is the "#" of its headings
    and the "-" of its list items."""
    inline_markup = INLINE_MARKUP.set(markup)
    try:
        return _sections(original, markup)
    finally:
        INLINE_MARKUP.reset(inline_markup)


def _sections(original: str, markup: bool) -> list[Section]:
    sections: list[Section] = []
    path: list[tuple[int, str]] = []
    paragraphs: list[MappedText] = []
    list_items: set[int] = set()

    def flush() -> None:
        if paragraphs:
            path_titles = tuple(title for _, title in path)
            sections.append(Section(path_titles, tuple(paragraphs), frozenset(list_items)))
        paragraphs.clear()
        list_items.clear()

    for block, kind, level, heading in _classify(_blocks(original, markup)):
        if kind is Kind.DROPPED:
            continue
        if kind is Kind.HEADING:
            flush()
            while path and path[-1][0] >= level:
                path.pop()
            path.append((level, heading))
            continue
        if block.html == "tr":
            text = _row_text(original, block)
        else:
            text = without_number(clean(original, block.start, block.end))
        if not text.text:
            continue
        if paragraphs and _continues(paragraphs[-1], block):
            paragraphs[-1] = join([paragraphs[-1], text])
        else:
            if _LIST_ITEM.match(block.raw) or block.html == "li" or kind is Kind.ITEM:
                list_items.add(len(paragraphs))
            paragraphs.append(text)
    flush()
    return sections
