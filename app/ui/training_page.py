"""Training: a quiz from the gold questions; learners answer, then see the reference answer and
the cited passages, and a running score. The trainer exports the session."""

from __future__ import annotations

import time

import streamlit as st

from app.quiz import QuizItem, choose, mark, quiz_items
from app.resources import IndexMissingError, index_status
from app.ui.common import escape, index_problem, settings, shared_assistant, source_card
from ingest.governance import SPACES


def all_items() -> list[QuizItem]:
    """The quiz over the live index version: a document removed in the library takes its
    questions with it."""
    manifest = index_status(settings())
    return _items_for(manifest.collection if manifest else "")


@st.cache_resource(max_entries=2)
def _items_for(collection: str) -> list[QuizItem]:
    return quiz_items(list(shared_assistant().index.chunks.values()))


def export(results: list[dict]) -> str:
    lines = ["# Training session", ""]
    right = sum(1 for r in results if r["correct"])
    lines += [f"Score: {right} of {len(results)}", ""]
    for number, result in enumerate(results, start=1):
        verdict = "right" if result["correct"] else "not yet"
        lines += [
            f"## {number}. {result['question']}",
            "",
            f"- Learner's answer: {result['answer'] or '(none)'}",
            f"- Key facts found: {', '.join(result['found']) or 'none'}",
            f"- Marked: {verdict}",
            f"- Reference answer: {result['reference']}",
        ]
        lines += [f"- Source: [{c['n']}] {c['section']}: “{c['quote']}”" for c in result["sources"]]
        lines.append("")
    return "\n".join(lines)


def setup(items: list[QuizItem]) -> None:
    categories = sorted({item.category for item in items})
    with st.form("quiz-setup"):
        chosen_categories = st.multiselect("Categories", categories)
        chosen_spaces = st.multiselect("Spaces", list(SPACES), format_func=str.capitalize)
        length = st.number_input("Questions", min_value=1, max_value=30, value=5)
        if st.form_submit_button("Start a new quiz"):
            pool = choose(items, chosen_categories, chosen_spaces, seed=time.time_ns())
            st.session_state.quiz = {
                "items": pool[: int(length)],
                "position": 0,
                "results": [],
                "checked": False,
            }


def play(quiz: dict) -> None:
    items: list[QuizItem] = quiz["items"]
    results: list[dict] = quiz["results"]
    right = sum(1 for r in results if r["correct"])
    st.metric("Score", f"{right} / {len(results)}")
    if quiz["position"] >= len(items):
        st.success(f"Quiz finished: {right} of {len(results)} right.")
        return
    item = items[quiz["position"]]
    st.subheader(f"Question {quiz['position'] + 1} of {len(items)}")
    if item.history:
        st.caption("Earlier in the conversation: " + " / ".join(item.history))
    st.markdown(f"### {escape(item.question)}")
    answer = st.text_area("Your answer", key=f"quiz-answer-{quiz['position']}")
    if not quiz["checked"]:
        if st.button("Check my answer", type="primary"):
            quiz["checked"] = True
            st.rerun()
        return
    marking = mark(answer, item)
    cited = shared_assistant().answer(item.question, history=list(item.history))
    if marking.found:
        st.success(f"Key facts you gave: {', '.join(marking.found)}")
    if marking.missed:
        st.warning(f"Key facts to look for: {', '.join(marking.missed)}")
    st.markdown(f"**Reference answer:** {escape(item.reference)}")
    for citation in cited.citations:
        source_card(citation)
    st.caption("Scored on the key facts; mark it yourself if your wording differs.")
    right_col, wrong_col = st.columns(2)
    verdict: bool | None = None
    if right_col.button("Count it as right"):
        verdict = True
    if wrong_col.button("Count it as not yet"):
        verdict = False
    if st.button("Next question (use the key-fact score)"):
        verdict = marking.score == 1.0
    if verdict is not None:
        results.append(
            {
                "question": item.question,
                "answer": answer,
                "found": list(marking.found),
                "correct": verdict,
                "reference": item.reference,
                "sources": [c.to_json() for c in cited.citations],
            }
        )
        quiz["position"] += 1
        quiz["checked"] = False
        st.rerun()


def page() -> None:
    st.title("Training")
    st.caption("A quiz from the gold questions. Answer in your own words, then check.")
    try:
        items = all_items()
    except IndexMissingError as error:
        st.error(index_problem(error))
        return
    setup(items)
    quiz = st.session_state.get("quiz")
    if not quiz:
        st.info(f"{len(items)} questions available. Choose categories or spaces, then start.")
        return
    if not quiz["items"]:
        st.warning("No questions match those choices.")
        return
    play(quiz)
    if quiz["results"]:
        st.download_button(
            "Export the session (Markdown)", export(quiz["results"]), "training-session.md",
            mime="text/markdown",
        )  # fmt: skip


page()
