"""The types the ingest stage produces: documents, their chunks and the sentences inside them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class SourceInfo:
    """Bibliographic facts about one file, from `sources.yaml` or the file itself."""

    doc_id: str
    path: str
    title: str
    author: str = ""
    publisher: str = ""
    year: int | None = None
    citation: str = ""


@dataclass(frozen=True)
class Sentence:
    """One sentence of a chunk.

    `start`/`end` slice the original file to the verbatim sentence; `chunk_start`/`chunk_end`
    slice the chunk's cleaned `text` (what is embedded and shown).
    """

    text: str
    start: int
    end: int
    chunk_start: int
    chunk_end: int
    paragraph: int = 0  # which paragraph (or list item) of the chunk it belongs to
    list_item: bool = False  # whether that paragraph is an item of a bulleted list
    page: int | None = None  # the page it starts on, for paged documents (PDF)


@dataclass(frozen=True)
class GovernanceTags:
    """What the document's structure says a chunk is about."""

    space: str = ""  # inspection | intervention | improvement | ""
    actor: str = ""  # canonical actor name, "" when the section names none
    dimension: str = ""  # authority | decision-making | legitimacy | accountability | ""
    recommendation: bool = False


@dataclass(frozen=True)
class Chunk:
    """A passage of one section, small enough for the embedder, with exact provenance."""

    id: str
    doc_id: str
    title: str
    section: tuple[str, ...]
    text: str
    start: int
    end: int
    sentences: tuple[Sentence, ...]
    tags: GovernanceTags = field(default_factory=GovernanceTags)
    page: int | None = None
    raw: str = ""  # the original file's characters from `start` to `end`, markup and all
    author: str = ""
    year: int | None = None

    def sentence_at(self, chunk_start: int) -> Sentence | None:
        """The sentence that starts at `chunk_start` in this chunk's text, if one does."""
        return next((s for s in self.sentences if s.chunk_start == chunk_start), None)

    def quote(self, sentence_start: int, sentence_end: int) -> str:
        """The original file's text between two file offsets inside this chunk."""
        return self.raw[sentence_start - self.start : sentence_end - self.start]

    @property
    def section_path(self) -> str:
        return " > ".join(self.section)

    @property
    def embedding_text(self) -> str:
        """The text given to the embedder and to BM25: the nearest headings, then the passage.

        Headings carry the actor and dimension ("Ofsted > Legitimacy") that the passage's own
        sentences often leave implicit ("It draws its authority from Parliament").
        """
        # A cover page has no headings above it: the document's title is its context.
        context = " > ".join(self.section[-3:]) or self.title
        return f"{context}\n{self.text}"

    def sentence_embedding_text(self, sentence: Sentence) -> str:
        """A sentence as embedded: its two nearest headings (or the title), then the sentence."""
        context = " > ".join(self.section[-2:]) or self.title
        return f"{context}: {sentence.text}"

    def lead_in(self, sentence: Sentence) -> Sentence | None:
        """The sentence introducing the list a list item belongs to ("For children aged two:"
        before "There must be at least one member of staff for every five children."), None
        for prose or a list without one. An item means little without it: the lead-in says
        whom or what the item is about. A lettered clause's lead-in may be an item itself: a
        numbered article ("18. A person ceases to be a director as soon as—") before its "(a)",
        "(b)" ...; the next article ("19. ...") is no clause of it."""
        if not sentence.list_item:
            return None
        clause = bool(_CLAUSE_LETTER.match(sentence.text))
        position = self.sentences.index(sentence)
        for earlier in reversed(self.sentences[:position]):
            if introduces_list(earlier.text) and (clause or not earlier.list_item):
                return earlier
            if not earlier.list_item:
                return None
        return None


# A lettered or roman clause of a legal text: "(a) ", "(iv) ".
_CLAUSE_LETTER = re.compile(r"^\((?:[a-z]|[ivx]{2,5})\)\s")


# What may close a sentence after its full stop: a quotation mark, a bracket, a space.
CLOSERS = "’'”\" )"


def introduces_list(text: str) -> bool:
    """Whether a sentence ends by announcing the items that follow ("... is three-fold:",
    "... may be appointed to be a director—")."""
    return text.rstrip().endswith((":", "—", "–"))
