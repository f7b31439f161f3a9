"""Training: a quiz of questions on the indexed documents (the gold questions whose sources are
indexed); learners answer, then see the reference answer and the cited passages, and a running
score. Learners who join a session code count in the trainer's "Room scores" tab; the trainer
exports a session. Beside it, rounds from the duties register (app/ui/duty_rounds.py)."""

from __future__ import annotations

import time

import streamlit as st

from app.export import md_line
from app.quiz import MAX_ANSWER_CHARS, QuizItem, choose, mark
from app.resources import IndexMissingError
from app.room_scores import ScoresUnavailable, session_code
from app.ui.common import (
    escape,
    index_problem,
    live_quiz_items,
    shared_assistant,
    source_card,
)
from app.ui.duty_rounds import duty_round
from app.ui.room import join_room, record_for_room, room_scores
from engine.followup import conversation
from ingest.governance import SPACES


def points(results: list[dict]) -> str:
    """The session's score: each question earns its share of key facts given (or 1 or 0
    when the trainer marked it), to two decimals ("1.33")."""
    return f"{round(sum(float(r['credit']) for r in results), 2):g}"


def export(results: list[dict]) -> str:
    """The session as Markdown; every text from a document or a learner is escaped, so the file
    renders as that text (no HTML, links or images) wherever it is opened."""
    lines = ["# Training session", ""]
    lines += [f"Score: {points(results)} of {len(results)}", ""]
    for number, result in enumerate(results, start=1):
        lines += [
            f"## {number}. {md_line(result['question'])}",
            "",
            f"- Learner's answer: {md_line(result['answer']) or '(none)'}",
            f"- Key facts found: {md_line(', '.join(result['found'])) or 'none'}",
            f"- Key facts close (in other words): {md_line(', '.join(result['close'])) or 'none'}",
            f"- Credit: {round(result['credit'], 2):g} of 1",
            f"- Reference answer: {md_line(result['reference'])}",
        ]
        lines += [
            f"- Source [{c['n']}]: {md_line(c['byline'])}, {md_line(c['section'])}"
            + (f", page {c['page']}" if c.get("page") else "")
            + f": “{md_line(c['quote'])}”"
            for c in result["sources"]
        ]
        lines.append("")
    return "\n".join(lines)


def answer_box(position: int) -> str:
    """The learner's answer, no longer than is marked (a scripted client is cut here too)."""
    text = st.text_area("Your answer", key=f"quiz-answer-{position}", max_chars=MAX_ANSWER_CHARS)
    return text[:MAX_ANSWER_CHARS]


def room_label(question: str, history: tuple[str, ...]) -> str:
    """A question as the trainer's table lists it: a follow-up ("What about the ESFA?") with
    the question it follows, which it means nothing without."""
    return f"{question} (after: {history[-1]})" if history else question


def room_tab() -> None:
    """The trainer's view: every learner of a session code, and the questions they found hard."""
    st.caption(
        "Give learners a session code (any 3 to 32 letters, digits or hyphens). Each answer "
        "they mark on the Quiz or check in a Duties round with that code counts here."
    )
    code = session_code(st.text_input("Session code", key="trainer-code"))
    if code is None:
        return
    st.button("Refresh the scores")
    try:
        scores = room_scores()
        learners, questions = scores.learners(code), scores.questions(code)
    except ScoresUnavailable as error:
        st.error(escape(f"The scores cannot be shown: {error}."))
        return
    if not learners:
        st.info("No answers in this room yet.")
        return
    st.subheader(f"{len(learners)} learner{'' if len(learners) == 1 else 's'}")
    st.dataframe(
        [{"Learner": s.learner, "Answered": s.answered, "Points": s.points} for s in learners],
        hide_index=True,
    )
    st.subheader("Questions, hardest first")
    # The measure they are sorted by first: a long question pushed it off a 1024-pixel screen.
    st.dataframe(
        [
            {"Mean credit": q.mean_credit, "Answers": q.answered, "Question": q.question}
            for q in questions
        ],
        hide_index=True,
    )


# The gold set's categories as a trainer would name them; one not listed shows as written.
CATEGORY_NAMES = {
    "accountability": "Who answers to whom",
    "comparison": "Comparisons",
    "fact": "Facts",
    "follow-up": "Follow-up questions",
    "legitimacy": "Where authority comes from",
    "power": "Who holds power",
    "recommendation": "Recommendations",
    "role": "Roles",
    "unanswerable": "Not in the documents",
    "yesno": "Yes or no",
    "number": "Numbers",
    "process": "How things are done",
}


def category_name(category: str) -> str:
    return CATEGORY_NAMES.get(category, category.replace("-", " ").capitalize())


def setup(items: list[QuizItem]) -> None:
    categories = sorted({item.category for item in items})
    # Folded while a quiz runs: on a projector the question, not the choices, fills the screen.
    running = bool(st.session_state.get("quiz"))
    with st.expander("New quiz", expanded=not running), st.form("quiz-setup"):
        chosen_categories = st.multiselect("Categories", categories, format_func=category_name)
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
    score = points(results)
    st.metric("Score", f"{score} / {len(results)}")
    if quiz["position"] >= len(items):
        st.success(f"Quiz finished: {score} of {len(results)} right.")
        return
    item = items[quiz["position"]]
    st.subheader(f"Question {quiz['position'] + 1} of {len(items)}")
    if item.history:
        st.caption("Earlier in the conversation: " + " / ".join(item.history))
    st.markdown(f"### {escape(item.question)}")
    answer = answer_box(quiz["position"])
    if not quiz["checked"]:
        if st.button("Check my answer", type="primary"):
            quiz["checked"] = True
            st.rerun()
        return
    assistant = shared_assistant()
    marking = mark(answer, item, assistant.index.embedder)
    # Asked as in the app and the evaluation: the earlier turns answered first.
    cited = assistant.answer(item.question, history=conversation(assistant, item.history))
    if marking.found:
        st.success(f"Key facts you gave: {', '.join(marking.found)}")
    if marking.close:
        st.info(f"Close, in other words: {', '.join(marking.close)}")
    if marking.missed:
        st.warning(f"Key facts to look for: {', '.join(marking.missed)}")
    st.markdown(f"**Reference answer:** {escape(item.reference)}")
    for citation in cited.citations:
        source_card(citation, turn="quiz")
    st.caption(
        f"Key-fact score: {marking.score:.0%} (each key fact given, in its words or close "
        "in other words, earns its share). Mark it yourself if your wording differs."
    )
    right_col, wrong_col = st.columns(2)
    credit: float | None = None
    if right_col.button("Count it as right"):
        credit = 1.0
    if wrong_col.button("Count it as not yet"):
        credit = 0.0
    if st.button("Next question (use the key-fact score)"):
        credit = marking.score
    if credit is not None:
        record_for_room(room_label(item.question, item.history), credit)
        results.append(
            {
                "question": item.question,
                "answer": answer,
                "found": list(marking.found),
                "close": list(marking.close),
                "credit": credit,
                "reference": item.reference,
                "sources": [{**c.to_json(), "byline": c.byline} for c in cited.citations],
            }
        )
        quiz["position"] += 1
        quiz["checked"] = False
        st.rerun()


def quiz_section() -> None:
    """The quiz's section of the page."""
    st.caption(
        "Questions on the documents in the library. Answer in your own words, then check: "
        "the reference answer and its sources follow."
    )
    try:
        items = live_quiz_items()
    except IndexMissingError as error:
        st.error(index_problem(error))
        return
    if not items:
        # The quiz's questions come with the gold set, written for the documents it ships with;
        # a library of other documents has none, but its duties register makes rounds.
        st.info(
            "No quiz questions are about the documents in this library: the quiz's questions "
            "were written for the documents govassist comes with. The **Duties round** tab "
            "quizzes on who must do what in these documents."
        )
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


def page() -> None:
    st.title("Training")
    # Above the tabs: an answer marked on either the quiz or a duties round counts in the room.
    join_room()
    quiz_tab, duties_tab, room = st.tabs(["Quiz", "Duties round", "Room scores"])
    with quiz_tab:
        quiz_section()
    with duties_tab:
        duty_round()
    with room:
        room_tab()


page()
