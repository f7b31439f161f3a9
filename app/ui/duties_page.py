"""The duties register: who must, should or may do what, each duty with its citation."""

from __future__ import annotations

import streamlit as st

from app.duty_register import (
    Register,
    citation,
    select,
    to_csv,
    to_html,
    to_markdown,
)
from app.ui.common import escape, live_register
from index.duty_registers import actors_by_count
from ingest.duties import STRENGTHS, Duty

# Rendering is the cost of this page (each duty is a few elements): the EYFS framework alone
# has about 450 duties; the filters narrow them, and the exports always hold them all.
SHOWN = 150
# "Must" and "should" look different at a glance: colour and weight, not only the word.
BADGES = {
    "must": ":red[**MUST**]",
    "must not": ":red[**MUST NOT**]",
    "should": ":blue[SHOULD]",
    "should not": ":blue[SHOULD NOT]",
    "may": ":green[MAY]",
}
UNNAMED = "(no actor named)"


BOARD = "Governing boards"


# What documents other than governance guidance call the board a governor sits on: a trust's
# articles give its duties to the company's directors, who are its trustees.
BOARD_NAMES = ("Trust boards", "Trustees", "Boards", "Directors", "Governors")


def _default_actors(actors: list[str]) -> list[str]:
    """The board when the documents give it duties, else the board by another name, else the
    actor with the most."""
    return next(([name] for name in (BOARD, *BOARD_NAMES) if name in actors), actors[:1])


def duty_card(register: Register, duty: Duty) -> None:
    with st.container(border=True):
        st.markdown(f"{BADGES[duty.strength]} · **{escape(duty.actor or UNNAMED)}**")
        st.markdown(escape(duty.shown))
        st.caption(escape(citation(duty)))
        before, sentence, after = register.context(duty)
        if before or after:
            with st.expander("In context"):
                st.markdown(f"{escape(before)}**{escape(sentence)}**{escape(after)}")


def page() -> None:
    st.title("Duties register")
    register = live_register()
    if register is None:
        return
    st.caption(
        "Every sentence of the documents that says who must, should or may do something, "
        "with where it is written. Export the selection as a checklist for the board."
    )
    if not register.duties:
        st.info("The indexed documents state no duties.")
        return
    chosen, elsewhere = _chosen_duties(register)
    counts = {s: sum(d.strength == s for d in chosen) for s in STRENGTHS}
    summary = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
    st.markdown(f"**{len(chosen)} duties**" + (f" ({summary})" if summary else ""))
    _downloads(chosen)
    if not chosen:
        st.info(
            "No duties match these filters."
            + (
                f" {elsewhere} {'duty' if elsewhere == 1 else 'duties'} of other actors "
                f"{'matches' if elsewhere == 1 else 'match'} the search: clear the Actors "
                "filter to see them."
                if elsewhere
                else ""
            )
        )
    for duty in chosen[:SHOWN]:
        duty_card(register, duty)
    if len(chosen) > SHOWN:
        st.caption(
            f"The first {SHOWN} of {len(chosen)} are shown; narrow the filters, or download "
            "them all."
        )


def _chosen_duties(register: Register) -> tuple[list[Duty], int]:
    """The filters (documents, actors, strength, section, words), the duties they keep, and
    how many more the search finds for actors not chosen (the page opens on the board's)."""
    titles = register.titles
    left, right = st.columns(2)
    docs = left.multiselect(
        "Documents",
        sorted(titles, key=lambda d: titles[d]),
        format_func=lambda d: titles[d],
        placeholder="All documents",
        key="duties-docs",
    )
    # The actors of the chosen documents only, so a choice never leaves the list empty; a new
    # choice of documents starts from its own default (the widget's key names the documents).
    in_docs = select(register, docs)
    named = actors_by_count(in_docs)
    default = _default_actors(named)
    actors = right.multiselect(
        "Actors",
        [*named, UNNAMED] if any(not d.actor for d in in_docs) else named,
        default=default,
        placeholder="All actors",
        key="duties-actors" + "".join(f"-{doc}" for doc in sorted(docs)),
    )  # fmt: skip
    if default and default != [BOARD]:
        board = " (the board by another name)" if default[0] in BOARD_NAMES else ""
        right.caption(
            "These documents state no duties for governing boards; "
            f"shown: {escape(default[0])}{board}."
        )
    left, middle, right = st.columns([1, 1, 2])
    strengths = left.multiselect(
        "Strength", list(STRENGTHS), placeholder="Any strength", key="duties-strength"
    )
    sections = sorted({d.section_path for d in in_docs if d.section})
    section = middle.selectbox("Section", ["All sections", *sections], key="duties-section")
    search = right.text_input("Search the duties", key="duties-search")
    found = [
        d
        for d in select(register, docs, None, strengths, search)
        if section == "All sections" or d.section_path == section
    ]
    chosen = [d for d in found if not actors or (d.actor or UNNAMED) in actors]
    return chosen, (len(found) - len(chosen) if search else 0)


def _downloads(chosen: list[Duty]) -> None:
    """The chosen duties as CSV, a Markdown checklist and a printable page (short labels: three
    side by side fit a 1024-pixel screen, in presentation mode too)."""
    csv_col, md_col, html_col = st.columns(3)
    csv_col.download_button(
        "Download CSV", to_csv(chosen), file_name="duties.csv", mime="text/csv",
        disabled=not chosen,
    )  # fmt: skip
    md_col.download_button(
        "Markdown checklist", to_markdown(chosen), file_name="duties.md",
        mime="text/markdown", disabled=not chosen,
    )  # fmt: skip
    html_col.download_button(
        "Printable page", to_html(chosen), file_name="duties.html",
        mime="text/html", disabled=not chosen,
    )  # fmt: skip


page()
