"""Feedback store, exports, uploads, the governance map and quiz marking, on tiny inputs."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.export import to_html, to_markdown
from app.feedback import FeedbackStore, candidate_gold
from app.governance_map import build_map, recommendations
from app.quiz import QuizItem, choose, mark
from app.uploads import UploadRejected, safe_name, store_upload, token_matches
from engine.answers import Answer, Citation
from ingest.chunking import chunk_sections
from ingest.structure import parse_sections
from ingest.types import SourceInfo

DOC = """\
# The inspection space

## Ofsted

### Authority

It holds the power to inspect schools.

### Legitimacy

Ofsted draws its authority from Parliament.

**RECOMMENDATION: The inspectorate should aggregate <insights>.**

# The intervention space

## Local authorities

### Accountability

Local authorities are accountable ultimately to the local electorate.
"""


def _chunks():
    return chunk_sections(
        SourceInfo("d", "d.md", "Doc", "A. Author", year=2018), parse_sections(DOC), DOC
    )


def _answer() -> Answer:
    chunk = _chunks()[1]
    citation = Citation.of(chunk, list(chunk.sentences), 1)
    return Answer("Where does <b>Ofsted</b> get authority?", "Ofsted draws its authority "
                  "from Parliament. [1]", False, (citation,))  # fmt: skip


def test_feedback_round_trip_and_candidates(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "fb.sqlite3")
    up = store.record(_answer(), 1, [])
    down = store.record(_answer(), -1, ["Who inspects?"], reason=" wrong ")
    store.set_reason(down, "Should mention the Act")
    assert [e.rating for e in store.entries()] == [1, -1]
    (entry,) = store.entries(rating=-1)
    assert (entry.id, entry.reason, entry.history) == (
        down,
        "Should mention the Act",
        ["Who inspects?"],
    )
    assert entry.citations[0]["quote"] == "Ofsted draws its authority from Parliament."
    (item,) = candidate_gold([entry])
    assert item["id"] == f"feedback-{down}" and item["reference"] == "Should mention the Act"
    assert item["history"] == ["Who inspects?"] and item["must_include"] == []
    assert up != down
    with pytest.raises(ValueError):
        store.record(_answer(), 0, [])


def test_feedback_survives_a_new_connection(tmp_path: Path) -> None:
    path = tmp_path / "fb.sqlite3"
    FeedbackStore(path).record(_answer(), -1, [])
    assert len(FeedbackStore(path).entries()) == 1


def test_exports_carry_citations_and_escape_html() -> None:
    turns = [("Where does <b>Ofsted</b> get authority?", _answer())]
    markdown = to_markdown(turns)
    # Question text is shown, not rendered: its HTML arrives as entities.
    assert "## 1. Where does &lt;b>Ofsted&lt;/b> get authority?" in markdown
    assert "> Ofsted draws its authority from Parliament." in markdown
    assert "Legitimacy" in markdown and "characters" in markdown
    assert "**[1] Doc · A. Author · 2018**" in markdown  # the document as a reader names it
    page = to_html(turns)
    assert "[1] Doc · A. Author · 2018" in page
    assert "<b>Ofsted</b>" not in page and "&lt;b&gt;Ofsted&lt;/b&gt;" in page
    assert "<mark>Ofsted draws its authority from Parliament.</mark>" in page


def test_upload_names_types_sizes_and_token(tmp_path: Path) -> None:
    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name("..\\evil dir\\My Policy (v2).MD") == "My-Policy-v2.md"
    assert safe_name(".hidden.txt") == "hidden.txt"
    saved = store_upload("../notes.md", b"# Notes\n\nText.", tmp_path / "up", 1000)
    assert saved == tmp_path / "up" / "notes.md" and saved.read_bytes() == b"# Notes\n\nText."
    with pytest.raises(UploadRejected, match="only"):
        store_upload("virus.exe", b"MZ", tmp_path / "up", 1000)
    with pytest.raises(UploadRejected, match="limit"):
        store_upload("big.txt", b"x" * 2000, tmp_path / "up", 1000)
    with pytest.raises(UploadRejected, match="empty"):
        store_upload("empty.md", b"  \n", tmp_path / "up", 1000)
    assert token_matches("s3cret", "s3cret") and not token_matches("guess", "s3cret")
    assert not token_matches("", "")  # no token configured: nobody gets in
    assert token_matches(" s3cret\n", "s3cret")  # pasted with a stray space
    assert not token_matches(" ", "  ")  # spaces are no token


def test_map_cells_and_recommendations_come_from_the_structure() -> None:
    rows = build_map(_chunks())
    assert [(r.actor, r.space) for r in rows] == [
        ("Ofsted", "inspection"),
        ("Local authorities", "intervention"),
    ]
    ofsted = rows[0].cells
    assert ofsted["authority"] is not None
    assert ofsted["authority"].quote == "It holds the power to inspect schools."
    assert ofsted["legitimacy"] is not None and ofsted["decision-making"] is None
    assert DOC[ofsted["legitimacy"].start : ofsted["legitimacy"].end] == ofsted["legitimacy"].quote
    (recommendation,) = recommendations(_chunks())
    assert recommendation.text.startswith("RECOMMENDATION: The inspectorate should aggregate")


def test_quiz_marking_and_choice() -> None:
    item = QuizItem(
        "q", "Who?", "power", ("inspection",), "Ofsted.", (("Ofsted",), ("1992", "Act"))
    )
    assert mark("ofsted, by the Act", item).score == 1.0
    half = mark("Ofsted", item)
    assert half.found == ("Ofsted",) and half.missed == ("1992 or Act",) and half.score == 0.5
    cased = QuizItem("c", "Whence?", "power", (), "x", (("Legitimacy", "legitimacy", "mandate"),))
    assert mark("", cased).missed == ("Legitimacy or mandate",)
    other = QuizItem("r", "Why?", "role", ("improvement",), "x", (("x",),))
    assert choose([item, other], ["power"], [], seed=1) == [item]
    assert choose([item, other], [], ["improvement"], seed=1) == [other]
    assert sorted(i.id for i in choose([item, other], [], [], seed=3)) == ["q", "r"]


def test_actors_without_a_section_get_a_row_from_sentences_about_them() -> None:
    from app.governance_map import rows_from_sentences

    text = (
        "# The improvement space\n\n## Ofsted\n\n### Authority\n\nOfsted holds the power to "
        "inspect schools.\n\n## Other bodies\n\nMulti-academy trusts are accountable to:\n\n"
        "- parents\n\nMulti-academy trusts are accountable to the "
        "Secretary of State for the performance of their schools. Schools are many.\n"
    )
    chunks = chunk_sections(SourceInfo("t", "t.md", "T"), parse_sections(text), text)
    rows = rows_from_sentences(chunks, ["Ofsted"])
    assert [row.actor for row in rows] == ["Multi-academy trusts (MATs)"]
    (row,) = rows
    assert row.from_sentences and row.cells["authority"] is None
    cited = row.cells["accountability"]
    assert cited is not None and cited.quote.startswith("Multi-academy trusts are accountable")
    assert cited.quote.endswith("of their schools.")  # not the list's lead-in above it


SCHEME = """# Scheme of delegation

## The board of trustees

The trustees must approve the trust's annual budget. The trustees may appoint the chief
executive officer.

## Members

The members may, by special resolution, direct the trustees to take specified action.
If the members are unhappy, they must write to the chair.

## The chief executive officer

The chief executive officer must report to the trustees each term.
"""


def test_the_roles_a_trusts_own_document_gives_duties_to_get_rows() -> None:
    from app.governance_map import rows_from_duties
    from index.duty_registers import build_register

    chunks = chunk_sections(SourceInfo("s", "s.md", "Scheme"), parse_sections(SCHEME), SCHEME)
    register = build_register(chunks)
    rows = {row.actor: row for row in rows_from_duties({c.id: c for c in chunks}, register, [])}
    quotes = {
        actor: {d: " ".join(c.quote.split()) for d, c in row.cells.items() if c}
        for actor, row in rows.items()
    }
    trustees = quotes["Governing boards"]  # the trustees, by the name every library knows
    assert trustees["decision-making"].startswith("The trustees must approve the trust")
    assert trustees["authority"].startswith("The trustees may appoint the chief executive")
    members = next(q for actor, q in quotes.items() if "ember" in actor)
    assert members == {
        "authority": "The members may, by special resolution, direct the "
        "trustees to take specified action."
    }  # not the condition "If ..."
    executive = next(q for actor, q in quotes.items() if "xecutive" in actor)
    assert executive["accountability"].startswith("The chief executive officer must report to")
    # A row the map has already is not drawn twice: its empty cells are filled.
    assert not rows_from_duties({c.id: c for c in chunks}, register, list(rows))
    from app.governance_map import ActorRow, merged

    board = ActorRow("Governing boards", "", dict.fromkeys(rows["Governing boards"].cells))
    (filled, *others) = merged([board], list(rows.values()))
    assert filled.cells["decision-making"] is rows["Governing boards"].cells["decision-making"]
    assert [row.actor for row in others] == [a for a in rows if a != "Governing boards"]


def test_starter_questions_come_from_the_library_answered_from() -> None:
    from app.starters import WRITTEN, starter_questions
    from index.duty_registers import build_register

    text = (
        "# Scheme of delegation\n\n## Who approves the budget?\n\nThe trustees must approve "
        "the budget. The trustees must appoint the auditors. The trustees must publish the "
        "accounts.\n\n## Scheme of delegation\n\nThis scheme is reviewed each year.\n"
    )
    chunks = chunk_sections(
        SourceInfo("s", "s.md", "Scheme of delegation"), parse_sections(text), text
    )
    register = build_register(chunks)
    # The written starters only while their sources are indexed.
    assert starter_questions(chunks, register, WRITTEN) == list(WRITTEN)
    assert starter_questions(chunks, register, []) == [
        "Who approves the budget?",  # the question a heading asks
        "What must governing boards do?",  # who the documents give most duties to
    ]


def test_escaped_text_makes_no_link_image_or_web_address() -> None:
    from app.ui.common import escape

    shown = escape("# [Click](https://evil.example/p) ![b](http://127.0.0.1:9/b.png) www.x.org")
    assert "[Click](" not in shown and "![b](" not in shown
    assert "://" not in shown.replace("\\", "") and "www." not in shown.replace("\\", "")
    assert escape("ratio 1:8") == "ratio 1\\:8"  # other colons stay as they are


def test_an_empty_recommendations_tab_says_where_the_shoulds_are() -> None:
    from app.governance_map import no_recommendations_notice

    assert no_recommendations_notice(0) == (
        "No section of these documents is headed as recommendations."
    )
    assert "They say 1,204 times what someone should do" in no_recommendations_notice(1204)
    assert "They say once what" in no_recommendations_notice(1)
