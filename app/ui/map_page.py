"""The governance map: each actor on the four dimensions, the recommendations, a comparison."""

from __future__ import annotations

import streamlit as st

from app.governance_map import (
    ActorRow,
    build_map,
    merged,
    no_recommendations_notice,
    recommendations,
    rows_from_duties,
    rows_from_sentences,
)
from app.resources import IndexMissingError, library
from app.ui.common import escape, index_problem, settings, shared_assistant
from engine.answers import Citation
from index.library import LibraryError
from ingest.governance import DIMENSIONS

DIMENSION_QUESTIONS = {
    "authority": "Who holds the power?",
    "decision-making": "Who decides?",
    "legitimacy": "From where do they draw their authority?",
    "accountability": "For what and on behalf of whom?",
}


def cell(citation: Citation | None) -> None:
    if citation is None:
        st.caption("The documents do not describe this.")
        return
    start, end = citation.highlight  # the quoted sentences, as cleaned for reading
    st.markdown(escape(citation.text[start:end]))
    author = f" · {citation.author}, {citation.year}" if citation.author else ""
    st.caption(escape(f"{citation.section}{author}"))


def actor_row(row: ActorRow) -> None:
    st.subheader(row.actor)
    columns = st.columns(len(DIMENSIONS))
    for column, dimension in zip(columns, DIMENSIONS, strict=True):
        with column:
            st.markdown(f"**{dimension.capitalize()}**")
            cell(row.cells.get(dimension))


def removed_documents() -> str:
    """The documents removed from the library (and kept out of it), by title: what a map left
    without rows may have been drawn from. Uploads removed are deleted and leave no record."""
    try:
        excluded = library(settings()).excluded
    except LibraryError:  # a damaged record: the Library page says so, to an admin
        return ""
    return "; ".join(f"“{e.title}” ({e.doc_id})" for e in excluded)


def no_sections_notice(other_rows: list[ActorRow]) -> str:
    """Why the map has no rows of its own: no document now in the library has the sections
    they are drawn from, and which documents were removed, if any."""
    notice = (
        "The map is drawn from documents' sections on an actor's authority, decision-making, "
        "legitimacy or accountability (an actor's name as a heading, with “Accountability” or "
        "“Powers” below it), and no document now in the library has any"
    )
    notice += ": only the actors named in the text are shown." if other_rows else "."
    if removed := removed_documents():
        notice += (
            f" Removed from the library: {removed}. An admin can include a removed document "
            "again on the Library page."
        )
    return notice


def map_tab(rows: list[ActorRow], other_rows: list[ActorRow]) -> None:
    st.caption(" · ".join(f"**{d.capitalize()}**: {q}" for d, q in DIMENSION_QUESTIONS.items()))
    if not rows:
        st.info(escape(no_sections_notice(other_rows)))
    for space in dict.fromkeys(row.space for row in rows):
        st.header(f"The {space} space" if space else "Other actors")
        for row in rows:
            if row.space == space:
                actor_row(row)
    if other_rows:
        st.header("Named in the text")
        st.caption(
            "Actors the documents give no section of their own: each cell is the first sentence "
            "that has the actor as its subject and says who holds power, decides, draws "
            "authority from where, or answers to whom."
        )
        for row in other_rows:
            actor_row(row)


def recommendations_tab(items: list[Citation], should: int) -> None:
    if not items:
        st.info(no_recommendations_notice(should))
    for citation in items:
        with st.container(border=True):
            st.markdown(f"**Recommendation {citation.n}** · {escape(citation.section)}")
            st.markdown(escape(citation.text))
            page = f" · page {citation.page}" if citation.page else ""
            st.caption(escape(citation.byline + page))


def compare_tab(rows: list[ActorRow]) -> None:
    names = [row.actor for row in rows]
    if len(names) < 2:
        st.info("Two actors are needed to compare.")
        return
    left_col, right_col = st.columns(2)
    left_name = left_col.selectbox("Compare", names, index=0, key="compare-left")
    right_name = right_col.selectbox("with", names, index=1, key="compare-right")
    left = next(r for r in rows if r.actor == left_name)
    right = next(r for r in rows if r.actor == right_name)
    for dimension in DIMENSIONS:
        st.markdown(f"#### {dimension.capitalize()}: {DIMENSION_QUESTIONS[dimension]}")
        a, b = st.columns(2)
        with a:
            st.markdown(f"**{escape(left.actor)}**")
            cell(left.cells.get(dimension))
        with b:
            st.markdown(f"**{escape(right.actor)}**")
            cell(right.cells.get(dimension))


def page() -> None:
    st.title("Governance map")
    try:
        assistant = shared_assistant()
    except IndexMissingError as error:
        st.error(index_problem(error))
        return
    chunks = list(assistant.index.chunks.values())
    rows = build_map(chunks)
    other_rows = rows_from_sentences(chunks, [row.actor for row in rows])
    # The people and bodies the documents give duties to (a trust's board of trustees, its
    # members, its chief executive) fill the cells the rows above leave empty, and add rows.
    from_duties = rows_from_duties(
        assistant.index.chunks, assistant.register, [row.actor for row in rows]
    )
    other_rows = merged(other_rows, from_duties)
    st.caption(
        "Drawn from the documents' own structure: each cell quotes the section on that actor "
        "and dimension."
    )
    map_view, recommendation_view, compare_view = st.tabs(
        ["Roles and powers", "Recommendations", "Compare two actors"]
    )
    with map_view:
        map_tab(rows, other_rows)
    with recommendation_view:
        should = sum(duty.strength == "should" for duty in assistant.register.duties)
        recommendations_tab(recommendations(chunks), should)
    with compare_view:
        compare_tab(rows + other_rows)


page()
