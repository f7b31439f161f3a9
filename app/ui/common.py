"""What every page shares: the one loaded assistant, settings, safe text and source cards."""

from __future__ import annotations

import re

import streamlit as st

from app.answers import Citation
from app.assistant import Assistant
from app.feedback import FeedbackStore
from app.resources import (
    Answerer,
    IndexMissingError,
    IndexUnusableError,
    index_status,
    load_assistant,
    make_answerer,
)
from app.settings import Settings
from ingest.types import Chunk

_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~<$:])")


def escape(text: str) -> str:
    """Document and user text is shown as text: markdown characters are escaped, no HTML."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", text)


def index_problem(error: IndexMissingError) -> str:
    """What to tell a user whose page cannot load the index: an intact index that cannot be
    opened just now (a full disk) is not "nothing indexed"."""
    if isinstance(error, IndexUnusableError):
        return escape(str(error))
    return escape(f"No documents are indexed yet: {error}")


@st.cache_resource
def settings() -> Settings:
    return Settings()


def shared_assistant() -> Assistant:
    """The assistant over the live index version, loaded once per server process and shared by
    every session: a room of 40 people costs one model in memory, not 40. Answering is
    thread-safe. A rebuild makes a new version live; the next question picks it up."""
    manifest = index_status(settings())
    return _assistant_for(manifest.collection if manifest else "")


@st.cache_resource(show_spinner="Loading the model and the index…", max_entries=2)
def _assistant_for(collection: str) -> Assistant:
    assistant = load_assistant(settings())
    # A served app answers many questions: embed the passages' sentences now, in the
    # background, rather than on each question's first sight of them.
    assistant.sentence_embeddings.warm_in_background(list(assistant.index.chunks.values()))
    return assistant


def shared_answerer() -> Answerer:
    """The configured answerer (extractive, or a language model checked by it), shared."""
    manifest = index_status(settings())
    return _answerer_for(manifest.collection if manifest else "")


@st.cache_resource(max_entries=2)
def _answerer_for(collection: str) -> Answerer:
    return make_answerer(settings(), shared_assistant())


@st.cache_resource
def feedback_store() -> FeedbackStore:
    return FeedbackStore(settings().data_dir / "feedback.sqlite3")


def highlighted(citation: Citation) -> str:
    """The cited passage with its supporting quote highlighted."""
    start, end = citation.highlight
    text = citation.text
    return (
        escape(text[:start])
        + ":orange-background["
        + escape(text[start:end])
        + "]"
        + escape(text[end:])
    )


def byline(citation: Citation) -> str:
    parts = [citation.title]
    if citation.author:
        parts.append(citation.author)
    if citation.year:
        parts.append(str(citation.year))
    return " · ".join(parts)


def neighbours(assistant: Assistant, chunk_id: str) -> tuple[Chunk | None, Chunk | None]:
    """The passages just before and after one, in the same document."""
    chunks = [c for c in assistant.index.chunks.values()]
    by_id = {c.id: i for i, c in enumerate(chunks)}  # already in document order
    position = by_id.get(chunk_id)
    if position is None:
        return None, None
    me = chunks[position]
    before = chunks[position - 1] if position > 0 else None
    after = chunks[position + 1] if position + 1 < len(chunks) else None
    return (
        before if before and before.doc_id == me.doc_id else None,
        after if after and after.doc_id == me.doc_id else None,
    )


def source_card(citation: Citation, assistant: Assistant | None = None, key: str = "") -> None:
    """Title, author, year, section, page, and the passage with the quote highlighted."""
    with st.container(border=True):
        st.markdown(f"**\\[{citation.n}\\] {escape(byline(citation))}**")
        page = f" · page {citation.page}" if citation.page else ""
        st.caption(f"{escape(citation.section)}{page} · characters {citation.start}–{citation.end}")
        st.markdown(highlighted(citation))
        if assistant is not None:
            with st.popover("Show in document"):
                before, after = neighbours(assistant, citation.chunk_id)
                if before is not None:
                    st.markdown(escape(before.text))
                st.markdown(highlighted(citation))
                if after is not None:
                    st.markdown(escape(after.text))
