"""A document's cover and its publication details answer only questions about the document."""

from __future__ import annotations

import pytest

from engine.extractive import (
    asks_about_publication,
    is_publication_detail,
    is_title_line,
    publishes,
)
from ingest.cover import cover_passages, is_field
from ingest.types import Chunk, Sentence

PROSE = (
    "The trust board holds the headteacher to account for the school's performance.",
    "It meets at least three times a year and publishes its minutes.",
)


def sentence(text: str) -> Sentence:
    return Sentence(text, 0, len(text), 0, len(text))


def chunk(id_: str, start: int, *texts: str, doc: str = "report", title: str = "T") -> Chunk:
    return Chunk(
        id_, doc, title, ("Section",), " ".join(texts), start, start + 100,
        tuple(sentence(t) for t in texts),
    )  # fmt: skip


def test_the_cover_is_what_comes_before_the_first_prose() -> None:
    chunks = [
        chunk("names", 0, "Chief Executive | CST | October 2018", "Published 2018"),
        chunk("slogan", 100, "Every child in a great school."),
        chunk("body", 200, *PROSE),
        chunk("signature", 300, "Leora Cruddas, Chief Executive"),  # after the body began
        *(chunk(f"more{i}", 400 + 100 * i, *PROSE) for i in range(10)),
    ]
    assert cover_passages(chunks) == {"names", "slogan"}


def test_a_document_that_opens_with_prose_has_no_cover_and_each_document_is_read_alone() -> None:
    chunks = [
        chunk("a-body", 0, *PROSE, doc="a"),
        chunk("b-title", 0, "SSAT Creative", doc="b"),
        chunk("b-body", 100, *PROSE, doc="b"),
        *(chunk(f"b{i}", 200 + 100 * i, *PROSE, doc="b") for i in range(10)),
    ]
    assert cover_passages(chunks) == {"b-title"}


def test_short_passages_past_the_first_part_of_a_document_are_not_cover() -> None:
    chunks = [chunk(f"short{i}", 100 * i, "Items for information") for i in range(10)]
    # The first 15% of the document only.
    assert cover_passages(chunks) == {"short0", "short1"}


def test_a_cover_field_still_answers() -> None:
    details = chunk(
        "details", 0, "School name: The Ascent Academies' Trust", "Number of pupils: 130"
    )
    assert is_field(details.sentences[1])
    assert not publishes(details, details.sentences[1], frozenset({"details"}))
    names = chunk("names", 0, "Chief Executive | CST | October 2018")
    assert publishes(names, names.sentences[0], frozenset({"names"}))
    assert not publishes(names, names.sentences[0], frozenset())


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("By the Confederation of School Trusts (CST)", True),
        ("ISBN: 978-0-9930511-9-7", True),
        ("© Crown copyright 2025", True),
        ("Registered Charity 1107640, Company Number 05303883", True),
        ("Published March 2018 Editor: Peter Chambers Design: SSAT Creative", True),
        ("How to cite this publication:", True),
        ("By September 2025, providers must notify Ofsted.", False),
        ("By law the board must meet three times.", False),
        ("Published guidance sets out the rules.", False),
        ("The company number must be shown on the website.", False),
    ],
)
def test_publication_details_are_recognised(text: str, detail: bool) -> None:
    assert is_publication_detail(sentence(text)) is detail


@pytest.mark.parametrize(
    ("question", "about"),
    [
        ("Who wrote the SSAT pamphlet?", True),
        ("When was the CST report published?", True),
        ("How should we cite this report?", True),
        ("What are the spaces in the CST report?", False),
        ("Who has authority over academies?", False),
        # Who is asking is not what is asked: only the asking sentence counts.
        ("I read the report CST published. Who inspects schools?", False),
    ],
)
def test_questions_about_the_document_itself(question: str, about: bool) -> None:
    assert asks_about_publication(question) is about


def test_the_title_with_its_subtitle_names_the_document() -> None:
    report = chunk("c", 0, "x", title="SSAT on the School-led System")
    subtitled = "SSAT on the School-led System: refocusing governance in local areas"
    assert is_title_line(report, sentence(subtitled))
    assert is_title_line(report, sentence("SSAT on the School-led System"))
    # A sentence that starts with the title and goes on to say something is not its title.
    assert not is_title_line(
        report, sentence("SSAT on the School-led System - it argues for a middle tier.")
    )
