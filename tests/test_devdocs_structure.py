"""Structure read from the documents themselves, on the public dev documents (evals/devdocs),
and each layout rule on a tiny inline input."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from ingest.loaders import load
from ingest.loaders.pdf_layout import Line, OutlineEntry, drop_contents, lay_out, split_footnotes
from ingest.pipeline import ParsedDocument, parse_document
from ingest.structure import parse_sections
from ingest.text import clean
from ingest.types import Sentence

DEVDOCS = Path(__file__).resolve().parent.parent / "evals" / "devdocs"
EYFS = DEVDOCS / "eyfs-statutory-framework-group-and-school-providers.pdf"
CONSTITUTION = DEVDOCS / "so-make-it-constitution.pdf"
CASE_STUDY = DEVDOCS / "academy-trust-workload-agreement.md"


@cache
def parsed(path: Path) -> ParsedDocument:
    return parse_document(path)


def sentences(path: Path) -> list[tuple[tuple[str, ...], Sentence]]:
    return [(c.section, s) for c in parsed(path).chunks for s in c.sentences]


def find(path: Path, start: str) -> tuple[tuple[str, ...], Sentence]:
    hits = [(section, s) for section, s in sentences(path) if s.text.startswith(start)]
    assert len(hits) == 1, [s.text for _, s in hits]
    return hits[0]


def test_eyfs_title_from_the_pdf_properties() -> None:
    assert load(EYFS).title == "EYFS statutory framework for group and school-based providers"


def test_a_login_name_is_not_an_author() -> None:
    from ingest.loaders.base import author_name

    assert load(EYFS).author == "Department for Education"
    assert load(CONSTITUTION).author == ""  # its PDF property is the login "AHarcombe"
    for login in ("AHarcombe", "jsmith", "DOMAIN\\user1", "j.smith@example.org"):
        assert author_name(login) == ""
    for name in ("David Lowbridge-Ellis", "DfE", "Ofsted", "NGA"):
        assert author_name(name) == name


def test_eyfs_section_path_and_page_from_the_outline() -> None:
    section, sentence = find(EYFS, "Staffing arrangements must meet the needs of all children")
    assert section == (
        "Section 3 – The safeguarding and welfare requirements",
        "Staff: child ratios",
    )
    assert sentence.page == 30
    # Neither the cover ("birth to five") nor the contents list ("Contents") is a heading.
    paths = {part for c in parsed(EYFS).chunks for part in c.section}
    assert not paths & {"Contents", "birth to five", "statutory framework"}


def test_eyfs_sentence_across_a_page_break_is_whole_and_cites_its_first_page() -> None:
    _, sentence = find(EYFS, "Providers must prepare food in a suitable way")
    assert sentence.text == (
        "Providers must prepare food in a suitable way for each child’s individual "
        "developmental needs, working with parents and/or carers to help children move on to "
        "the next stage at a pace right for the child."
    )
    assert sentence.page == 36
    # The footnote of p. 36 is not inside it, and is read as a passage of its own.
    _, note = find(EYFS, "Non-prescription medicines can include")
    assert note.page == 36


def test_no_sentence_starts_with_a_paragraph_or_footnote_number() -> None:
    numbered = re.compile(r"^(\d{1,2}\.\d{1,3}\s*[A-Z]|\d{1,3}\.\s?—|\d{1,3}\.$|\d{1,3} [A-Z])")
    for path in (EYFS, CONSTITUTION):
        starts = [s.text[:40] for _, s in sentences(path) if numbered.match(s.text)]
        assert starts == []
    _, sentence = find(EYFS, "Medicine (both prescription and non-prescription)")
    assert sentence.page == 36


def test_footnote_markers_are_gone_and_offsets_slice_the_original() -> None:
    text = load(EYFS).text
    _, sentence = find(EYFS, "Managers appointed on or after 4 January 2024 must have")
    assert "qualification in maths or must" in sentence.text
    for path in (EYFS, CONSTITUTION):
        original = load(path).text
        for chunk in parsed(path).chunks:
            for s in chunk.sentences:
                assert original[s.start : s.end] == chunk.quote(s.start, s.end)
    # Markers that were glued to their words ("maths31 or", "children36.", "offence15.").
    for glued, plain in [
        ("maths31", "maths or"),
        ("children36", "children."),
        ("offence15", "offence."),
    ]:
        assert glued not in text and plain in text


def test_constitution_articles_under_their_parts_without_the_cover_title() -> None:
    section, _ = find(CONSTITUTION, "No business other than the appointment of the chairman")
    assert section == (
        "PART 3 MEMBERS",
        "ORGANISATION OF GENERAL MEETINGS",
        "Quorum for general meetings",
    )
    assert all("BY GUARANTEE" not in " ".join(c.section) for c in parsed(CONSTITUTION).chunks)
    # The article index is dropped: no passage is a run of numbered titles.
    texts = " ".join(c.text for c in parsed(CONSTITUTION).chunks)
    assert "24. Quorum for general meetings 25." not in texts
    assert "Quorum for general meetings 25" not in texts
    _, clause = find(CONSTITUTION, "Subject to the articles, the directors are responsible")
    assert clause.page == 3


def test_list_items_are_sentences_of_their_own() -> None:
    _, item = find(EYFS, "to provide early years childcare on domestic premises (CoDP); or")
    assert item.list_item and item.text == (
        "to provide early years childcare on domestic premises (CoDP); or"
    )


def test_markdown_component_tags_are_blanked() -> None:
    text = load(CASE_STUDY).text
    assert "{inset-text}" not in text and "{/inset-text}" not in text
    assert all("inset-text" not in c.text for c in parsed(CASE_STUDY).chunks)


# Each rule on a tiny input.


def line(text: str, top: float, size: float = 10.0, marked: bool = False) -> Line:
    return Line(text=text, size=size, top=top, bottom=top - size, marked=marked)


def test_a_paragraph_cut_by_a_page_break_is_joined_and_its_footnote_set_before_it() -> None:
    pages = [
        [
            line("Providers must keep records. Staff must", 700),
            line("Records are kept for three years.", 60, size=8, marked=True),
        ],
        [line("be trained.", 700), line("Staff read it.", 690), line("Next paragraph.", 660)],
    ]
    laid = lay_out(pages, [])
    assert laid.text == (
        "Records are kept for three years.\n\n"
        "Providers must keep records. Staff must be trained. Staff read it.\n\n"
        "Next paragraph.\n"
    )
    # Page 2 starts where its words start, inside the joined paragraph.
    assert laid.page_starts == (0, laid.text.index("be trained."))


def test_a_page_ending_with_a_lead_in_has_its_footnotes_set_before_the_lead_in() -> None:
    pages = [
        [
            line("Staff must be trained.", 720),
            line("For children aged three and over:", 700),
            line("An instructor is a person at the school.", 60, size=8, marked=True),
        ],
        [line("- There must be one member of staff for every 13 children.", 700)],
    ]
    text = lay_out(pages, []).text
    assert text.index("An instructor") < text.index("For children aged three and over:")
    assert "over:\n\n- There must be one member of staff for every 13 children." in text


def test_eyfs_lead_in_and_its_items_across_a_page_break_stay_together() -> None:
    document = parsed(EYFS)
    flow = [s.text for c in document.chunks for s in c.sentences]
    lead = flow.index(
        "For children aged three and over in maintained nursery schools and nursery classes in "
        "maintained schools:"
    )
    assert flow[lead + 1] == "There must be at least one member of staff for every 13 children."


def test_footnotes_are_the_small_lines_below_the_body() -> None:
    body = [line("Body text here.", 700), line("More body text.", 688)]
    notes = [line("First note", 60, 8, True), line("runs on.", 52, 8), line("Second.", 44, 8, True)]
    kept, found, carried = split_footnotes(body + notes, 10.0)
    assert kept == body and found == ["First note runs on.", "Second."] and carried == ""
    # Small lines that do not start with a marker are not footnotes.
    assert split_footnotes([*body, line("Caption", 60, 8)], 10.0)[1] == []
    assert split_footnotes([*body, line("Caption", 60, 8), *notes], 10.0)[1] == []


def test_a_footnote_cut_by_a_page_break_is_read_whole_with_the_next_pages_notes() -> None:
    # EYFS page 33 ends its note 42 mid-sentence ("a 1:13 ratio where a person with a"); page
    # 34's notes open, unnumbered and in lower case, with the rest of it.
    pages = [
        [
            line("Staff must be trained in the policy.", 700),
            line("Staff read the policy.", 688),
            line("Staff sign the register.", 676),
            line("Staff keep it.", 664),
            line("41 See the regulations.", 60, size=8, marked=True),
            line("42 They can apply a 1:13 ratio where a person with a", 50, size=8, marked=True),
        ],
        [
            line("Records are kept.", 700),
            line("Records are checked.", 688),
            line("Records are signed.", 676),
            line("Records are filed.", 664),
            line("suitable qualification works with the children.", 60, size=8),
            line("43 Where children stay longer.", 50, size=8, marked=True),
        ],
    ]
    laid = lay_out(pages, [])
    assert laid.text == (
        "Staff must be trained in the policy. Staff read the policy. Staff sign the register. "
        "Staff keep it.\n\n41 See the regulations.\n\n"
        "Records are kept. Records are checked. Records are signed. Records are filed.\n\n"
        "42 They can apply a 1:13 ratio where a person with a suitable qualification works "
        "with the children.\n\n43 Where children stay longer.\n"
    )
    assert laid.page_starts == (0, laid.text.index("Records"))


def test_contents_lists_are_dropped() -> None:
    dots = [line("Contents", 800, 14)] + [
        line(f"Part {n} ........ {n + 3}", 780 - 12 * n) for n in range(1, 5)
    ]
    assert drop_contents([*dots, line("The text begins here.", 500)])[-1].text == (
        "The text begins here."
    )
    index = [line("INDEX", 800)] + [
        line(f"{n}. Title number {n}", 780 - 12 * n) for n in range(1, 6)
    ]
    assert drop_contents(index) == []
    prose = [line("1. In the articles, unless the context requires otherwise—", 700)]
    assert drop_contents(prose) == prose


def test_outline_titles_become_headings_and_pages_before_them_are_dropped() -> None:
    pages = [
        [line("Big Cover Title", 700, 30)],
        [line("Summary", 700, 14), line("The text says something.", 680)],
    ]
    laid = lay_out(pages, [OutlineEntry(1, "Summary", 2)])
    assert laid.text == "# Summary\n\nThe text says something.\n"
    assert laid.cover_title == "Big Cover Title"


def test_paragraph_numbers_are_left_out_of_the_quoted_text() -> None:
    original = "3.85 There should be a plan.\n\n13.—(1) If the numbers fall.\n\n(2) Then act.\n"
    texts = [p.text for s in parse_sections(original) for p in s.paragraphs]
    assert texts == ["There should be a plan.", "If the numbers fall.", "Then act."]
    paragraph = parse_sections(original)[0].paragraphs[1]
    start, end = paragraph.original_span(0, len(paragraph.text))
    assert original[start:end] == "If the numbers fall."
    # A number that is the sentence's own subject stays.
    assert clean("1.5 million pupils").text == "1.5 million pupils"
    assert [
        p.text for s in parse_sections("1.5 million pupils moved.\n") for p in s.paragraphs
    ] == ["1.5 million pupils moved."]


@pytest.mark.parametrize("tag", ["{inset-text}", "{/inset-text}", "{details}"])
def test_component_tags_are_blanked_in_markdown(tag: str) -> None:
    from ingest.loaders.text import load_text

    text = load_text(f"Before.\n{tag}\nAfter.\n".encode(), markdown=True).text
    assert tag not in text and len(text) == len(f"Before.\n{tag}\nAfter.\n")


def test_a_word_document_without_a_title_property_is_titled_by_its_large_first_line() -> None:
    from ingest.loaders.docx import load_docx

    # Its first line is Normal style set in 26 pt bold; its first heading is "Attendance
    # reports", which is what an upload without sources.yaml had been titled.
    loaded = load_docx((DEVDOCS / "board-report-template.docx").read_bytes())
    assert loaded.title == "Governing Board Report – [DATE]"


def test_board_report_contents_groups_become_lists_under_their_titles() -> None:
    board = DEVDOCS / "board-report-template.docx"
    found = sentences(board)
    texts = [s.text for _, s in found]
    assert "Items for board approval" not in texts  # a heading now, never quoted
    approval = [
        (s.text, s.list_item) for section, s in found if section == ("Items for board approval",)
    ]
    assert approval == [("Parent Advisory Board membership", True), ("Policies", True)]
    assert (
        "Parental Complaints – Stage 2 – Term 1: 0; Term 1: 0; Term 1: 0; Term 1: 0; Total: 0"
        in texts
    )


def test_a_grouped_linked_contents_list_keeps_its_groups() -> None:
    original = (
        "For approval\n\nBudget\n\nPolicies\n\nFor information\n\nStaffing update\n\n"
        "# Budget\n\nThe budget balanced.\n\n# Policies\n\nTwo policies are new.\n\n"
        "# Staffing updates\n\nTwo posts are open.\n"
    )
    sections = parse_sections(original)
    assert [(s.path, [p.text for p in s.paragraphs], sorted(s.list_items)) for s in sections][
        :2
    ] == [
        (("For approval",), ["Budget", "Policies"], [0, 1]),
        (("For information",), ["Staffing update"], [0]),
    ]


def test_case_study_fields_and_html_list_items() -> None:
    section, field = find(CASE_STUDY, "Number of pupils: 130 to 200")
    assert field.text == "Number of pupils: 130 to 200" and section[-1] == "School details"
    section, item = find(CASE_STUDY, "a fair and reasonable workload")
    assert item.list_item and item.text == "a fair and reasonable workload"
    assert section[-1] == "Impact and outcomes"  # the <h2> inside the HTML block
    _, email = find(CASE_STUDY, "Contact details:")
    assert email.text.endswith("cmorgan@ascenttrust.org")


def test_html_blocks_in_markdown_give_headings_and_items() -> None:
    original = (
        '<div class="box">\n  <h2 class="m">\n    Impact\n  </h2>\n  <p>\n    Staff can expect:\n'
        "    <ul>\n      <li>\n        fair workload\n      </li>\n      <li>\n"
        "        good training\n      </li>\n    </ul>\n  </p>\n</div>\n"
    )
    [section] = parse_sections(original)
    assert section.path == ("Impact",)
    assert [p.text for p in section.paragraphs] == [
        "Staff can expect:",
        "fair workload",
        "good training",
    ]
    assert section.list_items == frozenset({1, 2})


def test_autolinks_keep_their_address() -> None:
    assert clean("Email <jo@example.org> or <https://x.org/a>.").text == (
        "Email jo@example.org or https://x.org/a."
    )


def test_a_linked_contents_list_is_dropped() -> None:
    original = (
        "Contents\n\nAttendance\n\nBudget\n\nStaffing\n\n# Attendance\n\nAttendance rose to 95% "
        "this year.\n\n# Budget\n\nThe budget balanced.\n\n# Staffing\n\nTwo posts are open.\n"
    )
    paragraphs = [p.text for s in parse_sections(original) for p in s.paragraphs]
    assert paragraphs == [
        "Attendance rose to 95% this year.",
        "The budget balanced.",
        "Two posts are open.",
    ]


def test_table_rows_read_as_label_and_value() -> None:
    from ingest.loaders.base import table_lines

    assert table_lines([["Number of pupils", "7,215"], ["Phase", ""]]) == [
        "Number of pupils: 7,215",
        "Phase",
    ]
    assert table_lines(
        [["Review", "School 1", "School 2"], ["Reading", "Good", ""], ["SEND", "", ""]]
    ) == ["Review | School 1 | School 2", "Reading – School 1: Good", "Review: SEND"]


def test_html_tables_read_as_label_and_value() -> None:
    from ingest.loaders.html import load_html

    markup = (
        b"<html><body><h1>Trust</h1><table><tr><td>Number of pupils</td><td>7,215</td></tr>"
        b"<tr><td>Schools</td><td>12</td></tr></table></body></html>"
    )
    assert load_html(markup).text == "# Trust\n\nNumber of pupils: 7,215\n\nSchools: 12\n"


def test_pdf_label_value_lines_are_separate_paragraphs() -> None:
    pages = [[line("Number of pupils: 7,215", 700), line("Number of schools: 12", 690)]]
    assert lay_out(pages, []).text == "Number of pupils: 7,215\n\nNumber of schools: 12\n"


def test_word_numbered_paragraphs_are_list_items(tmp_path: Path) -> None:
    """A paragraph in Word's numbering (w:numPr) is a list item whatever its style's name."""
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = docx.Document()
    document.add_paragraph("The board will:")
    for text in ("approve the budget", "appoint the head"):
        paragraph = document.add_paragraph(text)
        numbering = OxmlElement("w:numPr")
        for tag in ("w:ilvl", "w:numId"):
            child = OxmlElement(tag)
            child.set(qn("w:val"), "1" if tag == "w:numId" else "0")
            numbering.append(child)
        paragraph._p.get_or_add_pPr().append(numbering)
    path = tmp_path / "items.docx"
    document.save(str(path))
    found = [(s.text, s.list_item) for c in parse_document(path).chunks for s in c.sentences]
    assert found == [
        ("The board will:", False),
        ("approve the budget", True),
        ("appoint the head", True),
    ]


def test_a_number_glued_to_its_paragraph_is_left_out() -> None:
    _, sentence = find(EYFS, "Headteachers must make the final decision about whether")
    assert sentence.page == 51
    texts = [p.text for s in parse_sections("18.Headteachers decide.\n") for p in s.paragraphs]
    assert texts == ["Headteachers decide."]


def test_lettered_clauses_are_list_items() -> None:
    pages = [[line("A director may be appointed—", 700), line("(a) by resolution, or", 690)]]
    assert lay_out(pages, []).text == "A director may be appointed—\n\n- (a) by resolution, or\n"
    _, clause = find(CONSTITUTION, "(a) by ordinary resolution, or")
    assert clause.list_item


def test_a_small_digit_after_a_unit_is_its_power_not_a_footnote_marker() -> None:
    # "3.5m²" is set with a small "2", as footnote markers are; it stays in the text.
    _, sentence = find(EYFS, "Children under two years")
    assert sentence.text == "Children under two years: 3.5m2 per child."
    _, sentence = find(EYFS, "Two-year-olds")
    assert sentence.text.startswith("Two-year-olds: 2.5m2 per child")


@pytest.mark.parametrize(
    "gold_file",
    [
        "gold_devdocs.yaml",
        "gold_devdocs_r3.yaml",
        "gold_devdocs_r4.yaml",
        "gold_devdocs_r5.yaml",
        "gold_devdocs_r6.yaml",
    ],
)
def test_every_source_quote_of_the_devdocs_gold_sets_is_in_a_document(gold_file: str) -> None:
    """A gold item whose quote no document holds could never be cited: it would count against
    every answerer alike and say nothing. Each quote must be in one document's text as read."""
    from app.gold import group_matched, load_gold

    texts = [
        " ".join(chunk.text for chunk in parsed(path).chunks)
        for path in sorted(DEVDOCS.iterdir())
        if path.suffix in {".pdf", ".docx", ".md"}
    ]
    items = load_gold(DEVDOCS.parent / gold_file)
    missing = [
        (item.id, group)
        for item in items
        for group in item.sources
        if not any(group_matched(text, group) for text in texts)
    ]
    assert not missing
    assert all(item.sources for item in items if item.answerable and not item.history)
    assert not [item.id for item in items if not item.answerable and item.sources]
