"""The types the assistant produces: answers, their sentences and citations."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from index.types import Filters
from ingest.types import Chunk, Sentence


@dataclass(frozen=True)
class Citation:
    """One cited passage and the exact span of the original file that supports the answer.

    `quote` is `original_file[start:end]`, verbatim; `highlight` is the same span inside the
    cleaned passage `text` that the UI shows.
    """

    n: int
    doc_id: str
    title: str
    section: str
    page: int | None
    text: str
    quote: str
    start: int
    end: int
    highlight: tuple[int, int]
    chunk_id: str = ""
    author: str = ""
    year: int | None = None

    @classmethod
    def of(cls, chunk: Chunk, sentences: list[Sentence], n: int) -> Citation:
        """A citation of consecutive `sentences` of `chunk`, quoted verbatim from the file."""
        first, last = sentences[0], sentences[-1]
        return cls(
            n=n,
            doc_id=chunk.doc_id,
            title=chunk.title,
            section=chunk.section_path,
            page=first.page if first.page is not None else chunk.page,
            text=chunk.text,
            quote=chunk.quote(first.start, last.end),
            start=first.start,
            end=last.end,
            highlight=(first.chunk_start, last.chunk_end),
            chunk_id=chunk.id,
            author=chunk.author,
            year=chunk.year,
        )

    @property
    def byline(self) -> str:
        """The document as a reader names it: "Title · Author · 2018"."""
        return " · ".join([self.title, *([self.author] if self.author else []),
                           *([str(self.year)] if self.year else [])])  # fmt: skip

    def to_json(self) -> dict[str, Any]:
        """The contract's citation object, exactly."""
        return {
            "n": self.n,
            "doc_id": self.doc_id,
            "title": self.title,
            "section": self.section,
            "page": self.page,
            "text": self.text,
            "quote": self.quote,
            "start": self.start,
            "end": self.end,
        }


@dataclass(frozen=True)
class AnswerSentence:
    """A sentence of the answer and the citation it rests on."""

    text: str
    citation: int


@dataclass(frozen=True)
class Answer:
    question: str
    text: str
    abstained: bool
    citations: tuple[Citation, ...] = ()
    sentences: tuple[AnswerSentence, ...] = ()
    latency_ms: float = 0.0
    # What was searched for after resolving a follow-up against the conversation ("" when
    # the question was read on its own).
    resolved_question: str = ""
    # Section paths the documents do cover near the question (shown when abstaining).
    nearby: tuple[str, ...] = field(default=())
    # The passages retrieved for the question, best first (for evaluation and debugging).
    retrieved: tuple[Chunk, ...] = field(default=(), repr=False)
    answerer: str = "extractive"
    # A plain word for the user when something went wrong (the model was unreachable, ...).
    notice: str = ""
    # Sentences a model wrote that no cited passage supports: not shown as part of the answer.
    dropped: tuple[str, ...] = ()

    def nearby_passages(self) -> list[tuple[str, Chunk]]:
        """For a refusal, each section it names as nearby with the passage of it that was
        found: the reader judges for themselves whether it answers ("Can I claim my travel
        expenses?" beside "Directors' expenses")."""
        found: list[tuple[str, Chunk]] = []
        for label in self.nearby:
            # A label is the section's path, with the document's title when the library holds
            # several (`Assistant.abstention`).
            chunk = next(
                (
                    c
                    for c in self.retrieved
                    if label in (c.section_path, f"{c.section_path} ({c.title})")
                ),
                None,
            )
            if chunk is not None:
                found.append((label, chunk))
        return found

    def to_json(self, item_id: str | None = None) -> dict[str, Any]:
        """The contract's answer JSON (`id` only when given, as in `eval`)."""
        data: dict[str, Any] = {} if item_id is None else {"id": item_id}
        data.update(
            {
                "question": self.question,
                "answer": self.text,
                "abstained": self.abstained,
                "citations": [c.to_json() for c in self.citations],
                "latency_ms": round(self.latency_ms, 1),
            }
        )
        return data


class Answerer(Protocol):
    """What the UI, the CLI, the evaluation and the bench call to answer: the extractive
    `Assistant` and the `LLMAnswerer` both are one."""

    # Named in the evaluation report ("extractive", "openai (model)").
    name: str
    # What the app says while a question is being answered.
    waiting: str

    def answer(
        self, question: str, history: Sequence[str] = (), filters: Filters = Filters()
    ) -> Answer:
        """The answer to `question`; `history` holds the earlier user turns, oldest first."""
        ...

    def stream(
        self, question: str, history: Sequence[str] = (), filters: Filters = Filters()
    ) -> Iterator[str | Answer]:
        """The answer's checked text as it is written, then the `Answer` itself (always last;
        an answerer that does not write as it goes yields only the `Answer`)."""
        ...
