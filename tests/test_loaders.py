"""Each loader on a small real file the test builds itself; exact sections, pages and text."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from fpdf import FPDF

from ingest.loaders import load
from ingest.pipeline import parse_document
from ingest.sources import IngestError


def make_pdf(path: Path, pages: list[list[tuple[str, int]]], title: str = "") -> Path:
    """A PDF whose pages hold (text, font size) lines, with a running header and footer."""
    pdf = FPDF()
    pdf.set_auto_page_break(False)
    if title:
        pdf.set_title(title)
        pdf.set_author("Jo Clerk")
    for number, lines in enumerate(pages, start=1):
        pdf.add_page()
        pdf.set_font("Helvetica", size=9)
        pdf.set_xy(10, 8)
        pdf.cell(0, 5, "Oakfield Trust - Scheme of Delegation")
        pdf.set_xy(10, 25)
        for text, size in lines:
            pdf.set_font("Helvetica", size=size)
            pdf.multi_cell(0, size * 0.5, text)
            pdf.ln(size * 0.4)
        pdf.set_font("Helvetica", size=9)
        pdf.set_xy(10, 285)
        pdf.cell(0, 5, f"Page {number} of {len(pages)}")
    pdf.output(str(path))
    return path


def test_pdf_pages_headings_and_running_lines(tmp_path: Path) -> None:
    path = make_pdf(
        tmp_path / "scheme.pdf",
        [
            [
                ("Scheme of Delegation", 20),
                ("The board delegates day-to-day management to the headteacher.", 11),
                ("2.1 Budget approval", 15),
                ("The trust board approves the annual budget each spring.", 11),
            ],
            [
                ("2.2 Admissions", 15),
                ("The local governing body hears admission appeals on behalf of the trust.", 11),
            ],
        ],
        title="Scheme of Delegation 2024",
    )
    loaded = load(path)
    assert "Oakfield Trust" not in loaded.text and "Page 1 of 2" not in loaded.text
    assert loaded.title == "Scheme of Delegation 2024" and loaded.author == "Jo Clerk"
    document = parse_document(path)
    found = [(c.section_path, c.page, c.text) for c in document.chunks]
    # The title set largest at the top of the first page is the document's title, not a
    # heading above every passage.
    assert found == [
        (
            "",
            1,
            "The board delegates day-to-day management to the headteacher.",
        ),
        (
            "2.1 Budget approval",
            1,
            "The trust board approves the annual budget each spring.",
        ),
        (
            "2.2 Admissions",
            2,
            "The local governing body hears admission appeals on behalf of the trust.",
        ),
    ]
    chunk = document.chunks[2]
    assert loaded.text[chunk.start : chunk.end] == chunk.text


def test_pdf_footnote_markers_are_left_out_and_numbers_kept(tmp_path: Path) -> None:
    """Digits set smaller than their line are a footnote marker; digits in the text stay."""
    pdf = FPDF()
    pdf.add_page()
    pdf.set_xy(10, 20)
    for text, size in [
        ("Most schools", 11),
        ("12", 6),
        (" are in trusts (section 2.3, 1998).", 11),
    ]:
        pdf.set_font("Helvetica", size=size)
        pdf.write(5, text)
    path = tmp_path / "note.pdf"
    pdf.output(str(path))
    assert load(path).text == "Most schools are in trusts (section 2.3, 1998).\n"


def test_a_pdf_first_heading_is_no_title_when_the_properties_name_the_document(
    tmp_path: Path,
) -> None:
    pdf = FPDF()
    pdf.set_title("Governors' Handbook 2024")
    pdf.add_page()
    pdf.set_font("Helvetica", size=20)
    pdf.cell(0, 12, "Foreword", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, 6, "This handbook replaces the 2023 edition and applies from April.")
    path = tmp_path / "handbook.pdf"
    pdf.output(str(path))
    parsed = parse_document(path)
    assert load(path).title == "Governors' Handbook 2024"
    assert [c.section for c in parsed.chunks] == [("Foreword",)]


def test_a_running_header_of_two_lines_is_left_out_whole(tmp_path: Path) -> None:
    said = ["The board meets each term.", "Its chair is elected yearly.", "Minutes are public."]
    pdf = FPDF()
    pdf.set_auto_page_break(False)
    for number in range(1, 4):
        pdf.add_page()
        pdf.set_font("Helvetica", size=8)
        for y, line in ((8, "Oakfield Academy Trust"), (12, "Governors' Handbook 2024")):
            pdf.set_xy(10, y)
            pdf.cell(0, 4, line)
        pdf.set_font("Helvetica", size=11)
        pdf.set_xy(10, 22)
        pdf.cell(0, 6, f"Appendix {number}")  # at the top once the header has gone: kept
        pdf.set_xy(10, 30)
        pdf.multi_cell(0, 6, said[number - 1])
        pdf.set_font("Helvetica", size=8)
        pdf.set_xy(10, 285)
        pdf.cell(0, 4, f"Page {number} of 3")
    path = tmp_path / "handbook.pdf"
    pdf.output(str(path))
    text = load(path).text
    assert "Oakfield" not in text and "Handbook" not in text
    assert all(f"Appendix {n} {line}" in text for n, line in enumerate(said, start=1))


class _TypedPage:
    """A PDF page typed in Helvetica line by line from `top` down, at the points given, as a
    word processor or a browser sets it."""

    def __init__(self, top: float, size: int) -> None:
        self.pdf = FPDF(unit="pt")
        self.pdf.add_page()
        self.size, self.y = size, top

    def type(self, x: float, text: str, style: str = "", size: int | None = None) -> float:
        """`text` at `x` on the current line; the x just after it and a space."""
        self.pdf.set_font("Helvetica", style, size or self.size)
        self.pdf.text(x, self.y, text)
        return x + self.pdf.get_string_width(text + " ")

    def down(self, step: float = 14) -> None:
        self.y += step

    def line(
        self, x: float, text: str, style: str = "", size: int | None = None, step: float = 14
    ) -> None:
        self.type(x, text, style, size)
        self.down(step)

    def save(self, path: Path) -> Path:
        self.pdf.output(str(path))
        return path


def test_a_pdf_list_ends_where_a_line_starts_left_of_its_bullets(tmp_path: Path) -> None:
    """Word sets bullets at an indent, each item's text at a hanging indent: the paragraph
    after the list, at the margin and the same line spacing, is not the last item's."""
    page = _TypedPage(top=100, size=10)
    page.line(56, "The governing board will make sure that the school:")
    for item in (["promotes good attendance and reduces absence, including", "persistent absence"],
                 ["publishes this policy on the school website"]):  # fmt: skip
        page.type(62, "-")  # the core fonts have no "•"
        for text in item:
            page.line(80, text)
    page.line(56, "The headteacher reports attendance figures to the board each half term.")
    (chunk,) = parse_document(page.save(tmp_path / "attendance.pdf")).chunks
    assert [(s.text, s.list_item) for s in chunk.sentences] == [
        ("The governing board will make sure that the school:", False),
        ("promotes good attendance and reduces absence, including persistent absence", True),
        ("publishes this policy on the school website", True),
        ("The headteacher reports attendance figures to the board each half term.", False),
    ]


def test_a_pdf_list_whose_items_wrap_left_of_their_bullets(tmp_path: Path) -> None:
    """Some lists wrap an item's lines back to the margin, left of its bullet: the item goes on
    while its sentence does (a lower-case word, or a line too full for the next word), and the
    paragraph after the list, at the same margin, starts after the item's sentence ends."""
    page = _TypedPage(top=100, size=10)
    page.line(56, "The board must make sure that:")
    page.type(62, "-")
    page.line(80, "the school publishes this policy on its website and reviews it every")
    page.line(
        56, "two years with the staff and the parents of all the pupils at the school, and the"
    )
    page.line(56, "Local Authority, which keeps it on file;")
    page.type(62, "-")
    page.line(80, "every governor completes safeguarding training within six months of")
    page.line(56, "appointment.")
    page.line(56, "The headteacher reports on the policy to the board each term.")
    (chunk,) = parse_document(page.save(tmp_path / "policy.pdf")).chunks
    assert [(s.text, s.list_item) for s in chunk.sentences] == [
        ("The board must make sure that:", False),
        (
            "the school publishes this policy on its website and reviews it every two years with "
            "the staff and the parents of all the pupils at the school, and the Local Authority, "
            "which keeps it on file;",
            True,
        ),
        ("every governor completes safeguarding training within six months of appointment.", True),
        ("The headteacher reports on the policy to the board each term.", False),
    ]


def test_a_pdf_without_bookmarks_tells_headings_from_bold_text(tmp_path: Path) -> None:
    """Read as a person reads a page printed from the web: a heading may ask a question and
    wrap onto a line in lower case; a paragraph set all in bold, and a line that only opens
    with a bold label, are text; a short line ended on purpose (a name above a role) is not
    run into the paragraph after it."""
    page = _TypedPage(top=80, size=11)
    page.line(56, "Trust governance handbook", "B", 22, step=34)
    page.line(56, "Local boards as drivers, enablers or", "B", 16, step=19)
    page.line(56, "inhibitors?", "B", 16, step=26)
    page.line(56, "Each board sets its own priorities for the schools in its area, and the trust")
    page.line(56, "board approves them once a year.", step=28)
    page.line(56, "RECOMMENDATION: The trust board should publish its scheme of delegation", "B")
    page.line(
        56, "and review it every year, so that parents can see who decides what.", "B", step=28
    )
    label_end = page.type(56, "A regulatory role:", "B")
    page.line(label_end, "making recommendations to the Secretary of State.", step=28)
    page.line(56, "Who decides?", "B", step=22)
    page.line(56, "The headteacher decides, within the budget the board sets.", step=28)
    page.line(56, "Andrew Warren")
    page.line(56, "Chair of the Trust Board", step=28)
    page.line(56, "To cite this article: Warren, A. (2024) Local boards. Trust Press.")
    path = page.save(tmp_path / "printed.pdf")
    chunks = parse_document(path).chunks
    assert list(dict.fromkeys(c.section for c in chunks)) == [
        ("Local boards as drivers, enablers or inhibitors?",),
        ("Local boards as drivers, enablers or inhibitors?", "Who decides?"),
    ]
    sentences = [s.text for c in chunks for s in c.sentences]
    assert (
        "RECOMMENDATION: The trust board should publish its scheme of delegation and review it "
        "every year, so that parents can see who decides what."
    ) in sentences
    assert "A regulatory role: making recommendations to the Secretary of State." in sentences
    assert "Andrew Warren Chair of the Trust Board" in sentences
    assert "To cite this article: Warren, A. (2024) Local boards." in sentences


def test_a_pdf_page_set_close_or_in_one_line_paragraphs_keeps_its_paragraphs(
    tmp_path: Path,
) -> None:
    """The line spacing is the narrowest common gap: lines set so close that their boxes
    overlap (single-spaced Arial at 11 pt) are still lines of one paragraph, and a page of
    one-line paragraphs does not take its paragraph gap for the line spacing."""
    pdf = FPDF(unit="pt")
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    y = 80.0
    for paragraph in (
        ["The governing board has agreed that no charge will be made for education",
         "provided during school hours."],
        ["Voluntary contributions may be requested for activities during the school",
         "day, but no pupil will be excluded."],
        ["This policy will be reviewed every two years."],
        ["The clerk keeps the register of interests."],
        ["The chair signs the minutes."],
    ):  # fmt: skip
        for text in paragraph:
            pdf.text(56, y, text)
            y += 10.5  # closer than the type's own box: the lines overlap a little
        y += 12
    path = tmp_path / "charging.pdf"
    pdf.output(str(path))
    assert load(path).text.split("\n\n") == [
        "The governing board has agreed that no charge will be made for education provided "
        "during school hours.",
        "Voluntary contributions may be requested for activities during the school day, but no "
        "pupil will be excluded.",
        "This policy will be reviewed every two years.",
        "The clerk keeps the register of interests.",
        "The chair signs the minutes.\n",
    ]


def test_a_pdf_list_whose_bullets_are_drawn_keeps_its_items(tmp_path: Path) -> None:
    """A browser prints a list's bullets as small discs, not as text: each line with a disc
    just before it is an item, and the paragraph after the list is not the last item's. A
    larger shape, or one far from the text, is no bullet."""
    pdf = FPDF(unit="pt")
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.text(30, 100, "Parents should:")
    for n, item in enumerate(
        ["Speak to the class teacher first.",
         "Contact the Head of Year if the concern is not resolved",
         "Put the complaint in writing to the Headteacher"]
    ):  # fmt: skip
        y = 114 + 14 * n
        pdf.ellipse(48, y - 6, 3.8, 3.8, style="F")
        pdf.text(60, y, item)
    pdf.rect(400, 90, 20, 20, style="F")  # a logo's box, not a bullet
    pdf.ellipse(500, 126, 3.8, 3.8, style="F")  # a dot far from any text
    pdf.text(30, 170, "The school keeps a record of every concern.")
    path = tmp_path / "complaints.pdf"
    pdf.output(str(path))
    (chunk,) = parse_document(path).chunks
    assert [(s.text, s.list_item) for s in chunk.sentences] == [
        ("Parents should:", False),
        ("Speak to the class teacher first.", True),
        ("Contact the Head of Year if the concern is not resolved", True),
        ("Put the complaint in writing to the Headteacher", True),
        ("The school keeps a record of every concern.", False),
    ]


def test_a_printed_line_pdfium_cut_at_a_footnote_marker_is_one_line() -> None:
    """pdfium may give one printed line as three pieces, the marker between them: they are
    one line again, without the marker; a piece on another line, or on a turned page, is not
    joined."""
    from ingest.loaders.pdf import _printed_lines
    from ingest.loaders.pdf_layout import Line

    cut = [
        Line("signed with the Secretary of State, including its agreements", 12.2, 673.6, 661.5,
             left=53, right=375),
        Line("5", 10.1, 676.4, 666.3, left=375, right=380),
        Line("for each academy that joins the trust", 12.2, 673.6, 661.5, left=383, right=542),
        Line("after it was first established.", 12.2, 659.3, 647.1, left=53, right=177),
    ]  # fmt: skip
    assert [line.text for line in _printed_lines(cut)] == [
        "signed with the Secretary of State, including its agreements for each academy that "
        "joins the trust",
        "after it was first established.",
    ]
    turned = [Line("Aims", 9.3, 700, 500, left=40, right=49), Line("Plan", 9.3, 700, 500, left=60)]
    assert len(_printed_lines(turned)) == 2


def test_a_pdf_without_bookmarks_keeps_two_headings_set_alike_apart(tmp_path: Path) -> None:
    """A section's heading and its first subsection's, set alike on consecutive lines, are two
    headings ("Health", "Medicines"): the second's first word would have fitted on the first
    line. A label above a title ("PART 2") and a line ending on a joining word are one."""
    page = _TypedPage(top=80, size=11)
    page.line(56, "Early years handbook", "B", 22, step=34)
    page.line(56, "Health", "B", 14, step=18)
    page.line(56, "Medicines", "B", 14, step=22)
    page.line(56, "Providers must have a policy for giving medicines to children.", step=28)
    page.line(56, "PART 2", "B", 14, step=18)
    page.line(56, "MEMBERS AND THEIR MEETINGS", "B", 14, step=22)
    page.line(56, "The members may call a general meeting at any time.", step=28)
    page.line(56, "Safety and suitability of premises, environment and", "B", 14, step=18)
    page.line(56, "Equipment", "B", 14, step=22)
    page.line(56, "Providers must make sure that the premises are fit for purpose.")
    chunks = parse_document(page.save(tmp_path / "handbook.pdf")).chunks
    assert [c.section for c in chunks] == [
        ("Medicines",),
        ("PART 2 MEMBERS AND THEIR MEETINGS",),
        ("Safety and suitability of premises, environment and Equipment",),
    ]


def test_a_pdf_without_bookmarks_keeps_numbered_and_bold_headings_over_bold_text(
    tmp_path: Path,
) -> None:
    """A numbered heading ("1. Aims") is a heading; a bold heading set right above a bold
    sentence is still a heading; a line that only opens and ends with bold terms is text."""
    page = _TypedPage(top=80, size=11)
    page.line(56, "Visitors policy", "B", 20, step=30)
    page.line(56, "1. Aims", "B", 14, step=20)
    page.line(56, "All visitors sign in at reception and wear a lanyard.", step=24)
    page.line(56, "Safeguarding statement", "B")
    page.line(56, "The trust is committed to safeguarding the welfare of children.", "B", step=24)
    x = page.type(56, "The", "B")
    x = page.type(x, "Local Governing Body", "B")
    x = page.type(x, "monitors the work of the")
    page.line(x, "Accounting Officer", "B")
    page.line(56, "in line with the Academy Trust Handbook.")
    path = page.save(tmp_path / "visitors.pdf")
    chunks = parse_document(path).chunks
    assert list(dict.fromkeys(c.section for c in chunks)) == [
        ("1. Aims",),
        ("1. Aims", "Safeguarding statement"),
    ]
    sentences = [s.text for c in chunks for s in c.sentences]
    assert "The trust is committed to safeguarding the welfare of children." in sentences
    assert (
        "The Local Governing Body monitors the work of the Accounting Officer in line with the "
        "Academy Trust Handbook."
    ) in sentences


def test_a_web_page_printed_to_pdf_loses_its_footnote_markers(tmp_path: Path) -> None:
    """A browser prints a <sup> at 83% of its line, raised (Chromium): still a marker, not a
    word; a number merely set a little smaller, on the line, stays."""
    pdf = FPDF()
    pdf.add_page()
    pdf.set_xy(10, 20)
    pdf.set_font("Helvetica", size=12)
    pdf.sup_scale = 0.83
    pdf.write(6, "Safeguarding arrangements")
    pdf.char_vpos = "SUP"
    pdf.write(6, "1")
    pdf.char_vpos = "LINE"
    pdf.write(6, " are reviewed on ")
    pdf.set_font("Helvetica", size=10)
    pdf.write(6, "14")
    pdf.set_font("Helvetica", size=12)
    pdf.write(6, " March.")
    path = tmp_path / "printed.pdf"
    pdf.output(str(path))
    assert load(path).text == "Safeguarding arrangements are reviewed on 14 March.\n"


def _text_box_run(text: str) -> str:
    """A run holding a text box the way Word writes it: the text twice, Choice and Fallback."""
    ns = (
        'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
        'xmlns:v="urn:schemas-microsoft-com:vml"'
    )
    box = f"<w:txbxContent><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:txbxContent>"
    return (
        f'<w:r {ns}><mc:AlternateContent><mc:Choice Requires="wps"><wps:txbx>{box}'
        f"</wps:txbx></mc:Choice><mc:Fallback><v:textbox>{box}</v:textbox></mc:Fallback>"
        "</mc:AlternateContent></w:r>"
    )


def make_docx(path: Path) -> Path:
    document = docx.Document()
    document.core_properties.title = "Governance Handbook"
    document.core_properties.author = "Clerk to the Board"
    document.add_heading("Governance Handbook", level=1)
    intro = document.add_paragraph("The board sets the strategy. See ")
    link = parse_xml(
        '<w:hyperlink xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:r><w:t>the DfE guidance</w:t></w:r></w:hyperlink>"
    )
    intro._p.append(link)
    intro.add_run(" for details.")
    document.add_heading("Committees", level=2)
    table = document.add_table(rows=2, cols=2)
    for row, (a, b) in zip(
        table.rows, [("Committee", "Chair"), ("Finance", "A. Patel")], strict=True
    ):
        row.cells[0].text, row.cells[1].text = a, b
    boxed = document.add_paragraph("Key dates follow.")
    boxed._p.append(parse_xml(_text_box_run("Budget due 1 May")))
    document.save(str(path))
    return path


def test_docx_title_from_a_large_first_line_when_it_has_no_title_property(tmp_path: Path) -> None:
    from docx.shared import Pt

    def first_line(size: int | None) -> str:
        document = docx.Document()
        run = document.add_paragraph().add_run("Trust Board Report")
        if size is not None:
            run.font.size = Pt(size)
        document.add_heading("Attendance", level=1)
        document.add_paragraph("Attendance rose this term.")
        path = tmp_path / f"report-{size}.docx"
        document.save(str(path))
        return load(path).title

    assert first_line(26) == "Trust Board Report"
    assert first_line(11) == ""  # body-sized: the first heading will title it
    assert first_line(None) == ""


def test_docx_headings_table_text_box_once_and_links(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "handbook.docx")
    loaded = load(path)
    assert loaded.title == "Governance Handbook" and loaded.author == "Clerk to the Board"
    assert loaded.text.count("Budget due 1 May") == 1
    document = parse_document(path)
    assert [(c.section_path, c.text) for c in document.chunks] == [
        (
            "Governance Handbook",
            "The board sets the strategy. See the DfE guidance for details.",
        ),
        (
            "Governance Handbook > Committees",
            "Committee: Chair\n\nFinance: A. Patel\n\nKey dates follow.\n\nBudget due 1 May",
        ),
    ]


_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _in_content_control(paragraphs: Sequence[object], gallery: str = "") -> object:
    """Wrap body paragraphs in a content control (`w:sdt`), as templates do; with `gallery`,
    one of Word's building blocks ("Table of Contents")."""
    part = f'<w:docPartObj><w:docPartGallery w:val="{gallery}"/></w:docPartObj>' if gallery else ""
    sdt = parse_xml(f"<w:sdt {_W}><w:sdtPr>{part}</w:sdtPr><w:sdtContent/></w:sdt>")
    first = paragraphs[0]._p  # type: ignore[attr-defined]
    first.addprevious(sdt)
    content = sdt.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}sdtContent")
    for paragraph in paragraphs:
        content.append(paragraph._p)  # type: ignore[attr-defined]
    return sdt


def test_docx_template_sections_custom_headings_and_nested_tables(tmp_path: Path) -> None:
    from docx.enum.style import WD_STYLE_TYPE

    document = docx.Document()
    trust_heading = document.styles.add_style("Trust Heading", WD_STYLE_TYPE.PARAGRAPH)
    trust_heading.base_style = document.styles["Heading 2"]
    document.add_heading("Scheme of delegation", level=1)
    contents = [document.add_paragraph("Contents"), document.add_paragraph("Finance ... 2")]
    _in_content_control(contents, "Table of Contents")
    section = [
        document.add_paragraph("Finance", style="Trust Heading"),
        document.add_paragraph("The board approves the budget."),
    ]
    _in_content_control(section)
    outlined = document.add_paragraph("Audit")
    outlined._p.get_or_add_pPr().append(parse_xml(f'<w:outlineLvl {_W} w:val="1"/>'))
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Audit committee"
    inner = table.rows[0].cells[1].add_table(rows=1, cols=1)
    inner.rows[0].cells[0].text = "Meets termly"
    path = tmp_path / "scheme.docx"
    document.save(str(path))
    assert load(path).text == (
        "# Scheme of delegation\n\n## Finance\n\nThe board approves the budget.\n\n"
        "## Audit\n\nAudit committee: Meets termly\n"
    )


HTML = """<!doctype html><html><head><title>Trust governance</title>
<style>body { color: red }</style><script>alert('x')</script></head>
<body><nav><a href="/">Home</a> | <a href="/about">About</a></nav>
<h1>Trust governance</h1><p>The trust board holds the authority.</p>
<h2>Members</h2><ul><li>Appoint trustees</li><li>Amend the articles</li></ul>
<table><tr><th>Role</th><th>Appointed by</th></tr><tr><td>Trustee</td><td>Members</td></tr>
</table><footer>Copyright 2024</footer></body></html>"""


def test_html_headings_lists_tables_without_navigation(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(HTML, encoding="utf-8")
    loaded = load(path)
    assert loaded.title == "Trust governance"
    for noise in ("Home", "alert", "color: red", "Copyright"):
        assert noise not in loaded.text
    document = parse_document(path)
    assert [(c.section_path, c.text) for c in document.chunks] == [
        ("Trust governance", "The trust board holds the authority."),
        (
            "Trust governance > Members",
            "Appoint trustees\n\nAmend the articles\n\nRole: Appointed by\n\nTrustee: Members",
        ),
    ]


SAVED_PAGE = """<!DOCTYPE html><html lang="en"><head><title>Governance handbook - GOV.UK</title>
<meta name="author" content="Department for Education">
<meta name="govuk:first-published-at" content="2019-03-14T09:30:00+00:00"></head>
<body><a href="#main" class="govuk-skip-link">Skip to main content</a>
<div class="govuk-cookie-banner" role="region"><p>We use some essential cookies.</p></div>
<div class="govuk-breadcrumbs"><ol><li>Home</li><li>Education</li></ol></div>
<p>Text outside the page's main content.</p>
<main id="main"><h1>Governance handbook</h1>
<div class="intro">For boards of schools and trusts.<br>Updated guidance.</div>
<h2>Roles of the board</h2>
<p>The board sets the direction.<span class="govuk-visually-hidden"> (opens in new tab)</span></p>
<ul><li>Holds the headteacher to account:
  <ul><li>for educational performance</li><li>for financial performance</li></ul></li>
  <li>Oversees the budget.</li></ul>
<div><div>The clerk advises the board.</div>The clerk is accountable to the chair.</div>
<p hidden>Draft text.</p><div style="display: none">Hidden text.</div>
<form action="/search"><label>Search</label><input name="q"></form>
<div class="gem-c-feedback"><h2>Is this page useful?</h2><p>Yes No</p></div>
</main><footer><p>Open Government Licence</p></footer></body></html>"""


def test_a_saved_web_page_is_read_as_its_main_content(tmp_path: Path) -> None:
    # What a governor saves from a browser: menus, banners, screen-reader text and a feedback
    # form around the content; text in plain <div>s; a nested list.
    path = tmp_path / "handbook.html"
    path.write_text(SAVED_PAGE, encoding="utf-8")
    loaded = load(path)
    assert (loaded.title, loaded.author, loaded.year) == (
        "Governance handbook",
        "Department for Education",
        2019,
    )
    assert loaded.text == (
        "# Governance handbook\n\nFor boards of schools and trusts. Updated guidance.\n\n"
        "## Roles of the board\n\nThe board sets the direction.\n\n"
        "- Holds the headteacher to account:\n\n- for educational performance\n\n"
        "- for financial performance\n\n- Oversees the budget.\n\n"
        "The clerk advises the board.\n\nThe clerk is accountable to the chair.\n"
    )


def test_web_page_text_is_spaced_as_shown_without_footnote_references(tmp_path: Path) -> None:
    path = tmp_path / "space.html"
    path.write_text(
        "<html><body><p>Rooms need 2.5m<sup>2</sup> per child<sup><a href='#fn1'>1</a></sup>"
        " under an un<b>usual</b> rule<sup>[2]</sup>.<br>A new line, published<sup>3</sup> in"
        " 2024.<sup>4</sup> Year 1<sup>st</sup> term.</p>"
        "<table><tr><td><p>Ratio</p><p>(under two)</p></td><td>1:3</td></tr></table>",
        encoding="utf-8",
    )
    assert load(path).text == (
        "Rooms need 2.5m2 per child under an unusual rule. A new line, published in 2024. "
        "Year 1st term.\n\nRatio (under two): 1:3\n"
    )


def test_a_page_wrapped_in_one_form_or_nested_deep_is_still_read(tmp_path: Path) -> None:
    path = tmp_path / "webforms.html"
    words = "The trust board meets six times a year. " * 8
    path.write_text(f"<html><body><form id='f1'><h1>Meetings</h1><p>{words}</p></form>", "utf-8")
    assert load(path).text.startswith("# Meetings\n\nThe trust board meets six times a year.")
    deep = tmp_path / "deep.html"
    deep.write_text("<html><body>" + "<div>" * 5000 + "<p>Deep text.</p>" + "</div>" * 5000)
    assert load(deep).text == "Deep text.\n"


def test_latin1_text_and_markdown_front_matter(tmp_path: Path) -> None:
    latin = tmp_path / "notes.txt"
    latin.write_bytes("MINUTES\n\nThe governors’ café budget was agreed: £200.\n".encode("cp1252"))
    document = parse_document(latin)
    assert [(c.section_path, c.text) for c in document.chunks] == [
        ("MINUTES", "The governors’ café budget was agreed: £200.")
    ]
    markdown = tmp_path / "policy.md"
    text = (
        "---\ntitle: Complaints Policy\nauthor: The Board\ndate: 2023-09-01\n---\n\n"
        "# Stage one\n\nComplaints go to the head {{ school_name }} first.<!-- draft -->\n"
    )
    markdown.write_text(text, encoding="utf-8")
    document = parse_document(markdown)
    assert (document.source.title, document.source.author, document.source.year) == (
        "Complaints Policy",
        "The Board",
        2023,
    )
    (chunk,) = document.chunks
    assert (chunk.section_path, chunk.text) == ("Stage one", "Complaints go to the head first.")
    sentence = chunk.sentences[0]
    assert text[sentence.start : sentence.start + 20] == "Complaints go to the"


def test_numbered_headings_nest_by_depth(tmp_path: Path) -> None:
    path = tmp_path / "plain.txt"
    path.write_text(
        "2 Governance\n\nThe board governs the trust and sets its strategy for all schools.\n\n"
        "2.1 Members\n\nMembers appoint the trustees and may amend the articles.\n",
        encoding="utf-8",
    )
    assert [c.section_path for c in parse_document(path).chunks] == [
        "2 Governance",
        "2 Governance > 2.1 Members",
    ]


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.pdf", b"", "the file is empty"),
        ("random.pdf", bytes(range(256)) * 8, "not a readable PDF"),
        ("random.docx", bytes(range(256)) * 8, "not a readable Word document"),
        ("binary.txt", b"\x00\x01\x02\x03" * 50, "the file is binary"),
        ("blank.md", b"   \n\n  ", "the file is empty"),
    ],
)
def test_bad_files_give_a_plain_reason(
    tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(IngestError, match=reason):
        parse_document(path)


def test_truncated_and_encrypted_pdfs(tmp_path: Path) -> None:
    good = make_pdf(tmp_path / "good.pdf", [[("Heading", 18), ("Some body text here.", 11)]])
    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes(good.read_bytes()[: len(good.read_bytes()) // 3])
    with pytest.raises(IngestError, match="PDF"):
        parse_document(truncated)
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.cell(0, 10, "Confidential minutes of the board.")
    pdf.set_encryption(owner_password="owner", user_password="secret")
    locked = tmp_path / "locked.pdf"
    locked.write_bytes(bytes(pdf.output()))
    with pytest.raises(IngestError, match="encrypted"):
        parse_document(locked)


def test_file_over_the_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("Governors meet termly. " * 100, encoding="utf-8")
    with pytest.raises(IngestError, match=r"larger than the 0\.001 MB limit"):
        parse_document(path, max_bytes=1000)


def test_docx_bytes_round_trip_in_memory() -> None:
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    assert buffer.getvalue()[:2] == b"PK"


def test_an_answer_about_a_pdf_cites_its_page(tmp_path: Path, fake_embedder) -> None:
    from conftest import index_folder

    from engine.assistant import AbstentionPolicy, Assistant
    from index.search import HybridIndex

    folder = tmp_path / "docs"
    folder.mkdir()
    make_pdf(
        folder / "scheme.pdf",
        [
            [("Scheme of Delegation", 20), ("The board delegates management to the head.", 11)],
            [("Admissions", 15), ("The local governing body hears admission appeals.", 11)],
        ],
    )
    store = index_folder(folder, tmp_path, fake_embedder)
    policy = AbstentionPolicy(min_dense=0.2, max_unknown_weight=0.9, min_evidence=0.2)
    assistant = Assistant(HybridIndex.load(store, fake_embedder), policy=policy)
    answer = assistant.answer("Who hears admission appeals?")
    assert not answer.abstained
    citation = answer.citations[0]
    assert citation.quote == "The local governing body hears admission appeals."
    assert citation.page == 2 and answer.to_json()["citations"][0]["page"] == 2


def test_a_long_page_of_line_breaks_is_read_in_time_linear_in_its_size(tmp_path: Path) -> None:
    # Through the standard library's parser a page's every <br> was checked against all those
    # before it: 20,000 took 20 s to read (100,000: six minutes). Read whole, well inside the
    # time a file is given (GOVASSIST_FILE_TIME_LIMIT_S).
    import time

    path = tmp_path / "minutes.html"
    rows = "".join(f"<p>Item {i} was agreed.<br>Action: clerk</p>" for i in range(20_000))
    path.write_text(f"<html><body>{rows}</body></html>", encoding="utf-8")
    started = time.perf_counter()
    text = load(path).text
    assert time.perf_counter() - started < 12
    assert text.count("was agreed. Action: clerk") == 20_000


@pytest.mark.parametrize(
    ("page", "text"),
    [
        # A table in a cell is that cell's text, once.
        (
            "<table><tr><td>Outer</td><td><table><tr><td>In1</td><td>In2</td></tr></table>"
            "</td></tr></table>",
            "Outer: In1 In2\n",
        ),
        # Hidden main content, rows and list items are not read; the shown body is.
        ("<nav>Menu</nav><main hidden><p>Secret</p></main><p>Body text.</p>", "Body text.\n"),
        (
            "<table><tr><td>Seen</td><td>1</td></tr><tr style='display:none'><td>Secret</td>"
            "<td>2</td></tr></table>",
            "Seen: 1\n",
        ),
        ("<ul><li>A<ul><li hidden>secret</li><li>B</li></ul></li></ul>", "- A\n\n- B\n"),
        # An article's own header and footer, a box beside the text, a heading's button, text
        # shown when searched for, class names that only contain a dropped word: all read.
        (
            "<main><article><header><h1>Admissions</h1></header><p>We admit 30.</p><footer><p>"
            "Approved by the board.</p></footer><aside><p>Deadline 1 May.</p></aside></article>"
            "</main>",
            "# Admissions\n\nWe admit 30.\n\nApproved by the board.\n\nDeadline 1 May.\n",
        ),
        ("<h2><button>Writing a policy</button></h2>", "## Writing a policy\n"),
        ("<div hidden='until-found'><p>Accordion text.</p></div>", "Accordion text.\n"),
        ("<div class='wrap cookie-consent-given'><p>Everything.</p></div>", "Everything.\n"),
        # Inline elements of any age join the sentence; "<" and ">" as words stay.
        (
            "<div>This is <tt>code</tt>, <big>big</big> <img src=x> and <strike>old</strike></div>",
            "This is code, big and old\n",
        ),
        (
            "<p>Groups of &lt; 5 pupils need &gt; 2 staff.</p>",
            "Groups of < 5 pupils need > 2 staff.\n",
        ),
    ],
)
def test_web_page_parts_read_or_left_out_as_a_reader_sees_them(
    tmp_path: Path, page: str, text: str
) -> None:
    path = tmp_path / "page.html"
    path.write_text(f"<html><body>{page}</body></html>", encoding="utf-8")
    assert load(path).text == text


def test_pages_nested_deep_in_any_way_are_read_in_time(tmp_path: Path) -> None:
    import time

    pages = {
        "tables": "<table><tr><td>x" * 500 + "</td></tr></table>" * 500,
        "inline": "<div><span>" * 5000 + "<p>x</p>" + "</span></div>" * 5000,
        "lists": "<ul><li>x" * 2000 + "</li></ul>" * 2000,
    }
    for name, page in pages.items():
        path = tmp_path / f"{name}.html"
        path.write_text(f"<html><body>{page}</body></html>", encoding="utf-8")
        started = time.perf_counter()
        assert load(path).text.count("x") >= 1
        assert time.perf_counter() - started < 10, name


def test_word_repeating_sections_hidden_text_and_xml_too_deep(tmp_path: Path) -> None:
    document = docx.Document()
    table = document.add_table(rows=2, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Committee", "Chair"
    table.rows[1].cells[0].text, table.rows[1].cells[1].text = "Finance", "A. Patel"
    second = table.rows[1]._tr
    sdt = parse_xml(f"<w:sdt {_W}><w:sdtPr/><w:sdtContent/></w:sdt>")
    second.addprevious(sdt)
    sdt[1].append(second)  # a repeating section around the second row
    shown = document.add_paragraph("Shown")
    hidden = shown.add_run(" and hidden")
    hidden._r.get_or_add_rPr().append(parse_xml(f"<w:vanish {_W}/>"))
    path = tmp_path / "template.docx"
    document.save(str(path))
    assert load(path).text == "Committee: Chair\n\nFinance: A. Patel\n\nShown\n"

    deep = docx.Document()
    paragraph = deep.add_paragraph("Deep")
    wrapper = paragraph._p
    for _ in range(300):  # lxml reads no XML nested deeper than 256 elements
        outer = parse_xml(f"<w:sdt {_W}><w:sdtContent/></w:sdt>")
        wrapper.addprevious(outer)
        outer[0].append(wrapper)
        wrapper = outer
    deep_path = tmp_path / "deep.docx"
    deep.save(str(deep_path))
    with pytest.raises(IngestError, match="XML could not be read"):
        load(deep_path)


def test_a_web_page_table_with_spanned_cells_keeps_each_value_under_its_header(
    tmp_path: Path,
) -> None:
    path = tmp_path / "governors.html"
    path.write_text(
        "<table><tr><th>Name</th><th>Category</th><th>Appointed</th></tr>"
        '<tr><td rowspan="2">J Patel</td><td>Parent</td><td>2021</td></tr>'
        "<tr><td>Chair</td><td>2023</td></tr>"
        '<tr><td>R Owen</td><td colspan="2">Vacancy from July</td></tr></table>',
        "utf-8",
    )
    assert load(path).text.splitlines()[::2] == [
        "Name | Category | Appointed",
        "J Patel – Category: Parent; Appointed: 2021",
        "J Patel – Category: Chair; Appointed: 2023",
        "R Owen – Category: Vacancy from July; Appointed: Vacancy from July",
    ]
    # A long text spanning 64 by 64 cells is read once: repeated, a small page laid out
    # hundreds of megabytes of near-identical rows.
    remit = " ".join(["Oversees the budget and the audit of accounts."] * 3)
    bomb = tmp_path / "bomb.html"
    rows = "".join("<tr><td>x</td></tr>" for _ in range(63))
    bomb.write_text(
        f'<table><tr><th>A</th><th>B</th></tr><tr><td colspan="64" rowspan="64">{remit}</td>'
        f"</tr>{rows}</table>",
        "utf-8",
    )
    assert load(bomb).text.count("Oversees the budget") == 3  # its three sentences, once


def test_a_web_page_table_caption_and_a_heading_drawn_with_a_div_are_read(tmp_path: Path) -> None:
    path = tmp_path / "attendance.html"
    path.write_text(
        '<body><div role="heading" aria-level="2">Attendance</div>'
        "<table><caption>Attendance by year group, autumn 2023</caption>"
        "<tr><td>Year 7</td><td>95.2%</td></tr></table></body>",
        "utf-8",
    )
    assert load(path).text == (
        "## Attendance\n\nAttendance by year group, autumn 2023\n\nYear 7: 95.2%\n"
    )


def test_a_web_page_title_keeps_a_heading_that_starts_with_a_hash(tmp_path: Path) -> None:
    path = tmp_path / "priorities.html"
    path.write_text("<html><body><h2>#1 priority</h2><p>Reading.</p></body></html>", "utf-8")
    assert load(path).title == "#1 priority"


def test_word_cells_merged_down_a_column_label_each_row(tmp_path: Path) -> None:
    document = docx.Document()
    table = document.add_table(rows=3, cols=3)
    for row, cells in enumerate(
        (("Committee", "Member", "Meets"), ("Finance", "J Patel", "Termly"), ("", "R Owen", ""))
    ):
        for column, text in enumerate(cells):
            table.cell(row, column).text = text
    table.cell(1, 0).merge(table.cell(2, 0))  # "Finance" down two rows, as Word merges
    table.cell(1, 2).merge(table.cell(2, 2))
    path = tmp_path / "committees.docx"
    document.save(str(path))
    assert load(path).text.splitlines()[::2] == [
        "Committee | Member | Meets",
        "Finance – Member: J Patel; Meets: Termly",
        "Finance – Member: R Owen; Meets: Termly",
    ]


def test_word_numbering_with_a_huge_start_is_drawn_in_digits() -> None:
    """A list starting at 10^10 in roman numerals would be built one step at a time for
    minutes (a hostile file): past a few thousand it is drawn in digits."""
    from ingest.loaders.docx_numbering import Numbering, _Level

    numbering = Numbering(
        levels={"1": {0: _Level("lowerRoman", "%1.", 10**10)}}, abstract_of={"7": "1"}
    )
    paragraph = parse_xml(
        f'<w:p {_W}><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="7"/></w:numPr></w:pPr></w:p>'
    )
    assert numbering.label(paragraph) == "10000000000."
    assert numbering.label(paragraph) == "10000000001."


def test_word_numbering_switched_off_restarted_and_levelled_by_the_paragraph() -> None:
    from ingest.loaders.docx_numbering import Numbering, _Level

    def paragraph(num_pr: str, style: str = "") -> object:
        styled = f'<w:pStyle w:val="{style}"/>' if style else ""
        return parse_xml(f"<w:p {_W}><w:pPr>{styled}<w:numPr>{num_pr}</w:numPr></w:pPr></w:p>")

    levels = {0: _Level("decimal", "%1.", 1), 1: _Level("lowerLetter", "(%2)", 1)}
    numbering = Numbering(
        levels={"1": levels},
        abstract_of={"7": "1", "8": "1"},
        style_numbers={"Numbered": ("7", 0)},
        restarts={"8": {0: 1}},
    )
    item = '<w:ilvl w:val="0"/><w:numId w:val="7"/>'
    assert numbering.label(paragraph("", "Numbered")) == "1."
    assert numbering.label(paragraph('<w:numId w:val="0"/>', "Numbered")) == ""  # off
    assert numbering.label(paragraph('<w:ilvl w:val="1"/>', "Numbered")) == "(a)"
    assert numbering.label(paragraph(item)) == "2."
    # A second list of the same kind that starts again ("w:startOverride"), counted apart.
    again = '<w:ilvl w:val="0"/><w:numId w:val="8"/>'
    assert [numbering.label(paragraph(again)) for _ in range(2)] == ["1.", "2."]
    assert numbering.label(paragraph(item)) == "3."
    # "²" is a digit to str.isdigit, not to int: no number, and no crash.
    assert numbering.label(paragraph('<w:ilvl w:val="²"/><w:numId w:val="7"/>')) == ""


def test_word_automatic_numbering_is_read_before_headings_and_clauses(tmp_path: Path) -> None:
    """Word draws "1", "1.1" and "(a)" from its numbering definitions, not the text: the
    heading path keeps its numbers and a clause its letter."""
    document = docx.Document()
    numbering = document.part.numbering_part.element
    numbering.append(
        parse_xml(
            f'<w:abstractNum {_W} w:abstractNumId="90">'
            '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
            '<w:lvlText w:val="%1"/></w:lvl>'
            '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
            '<w:lvlText w:val="%1.%2"/></w:lvl>'
            '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/>'
            '<w:lvlText w:val="(%3)"/></w:lvl></w:abstractNum>'
        )
    )
    numbering.append(parse_xml(f'<w:num {_W} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))

    def numbered(text: str, level: int, style: str = "Normal") -> None:
        paragraph = document.add_paragraph(text, style=style)
        paragraph._p.get_or_add_pPr().append(
            parse_xml(f'<w:numPr {_W}><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>')
        )

    numbered("Removal of governors", 0, "Heading 1")
    numbered("Co-opted governors", 1, "Heading 2")
    document.add_paragraph("The board may remove a co-opted governor where—")
    numbered("the governor has been absent for six months;", 2)
    numbered("the board so resolves.", 2)
    numbered("Foundation governors", 1, "Heading 2")
    path = tmp_path / "removal.docx"
    document.save(str(path))
    assert load(path).text == (
        "# 1 Removal of governors\n\n## 1.1 Co-opted governors\n\n"
        "The board may remove a co-opted governor where—\n\n"
        "- (a) the governor has been absent for six months;\n\n- (b) the board so resolves.\n\n"
        "## 1.2 Foundation governors\n"
    )


def test_word_numbering_kept_as_a_list_style_inherited_and_in_table_cells(
    tmp_path: Path,
) -> None:
    """Three common ways a policy numbers its paragraphs: a multilevel list kept as a list
    style (the list the paragraphs use only points at the style, `w:numStyleLink`, and another
    list defines its levels, `w:styleLink`); a paragraph style based on a numbered style; a
    numbered column in a table. Each number is drawn, and all count in one list."""
    document = docx.Document()
    numbering = document.part.numbering_part.element
    levels = (
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
        '<w:lvlText w:val="%1."/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
        '<w:lvlText w:val="%1.%2"/></w:lvl>'
    )
    for xml in (
        f'<w:abstractNum {_W} w:abstractNumId="70"><w:styleLink w:val="PolicyList"/>'
        f"{levels}</w:abstractNum>",
        f'<w:abstractNum {_W} w:abstractNumId="71"><w:numStyleLink w:val="PolicyList"/>'
        "</w:abstractNum>",
        f'<w:num {_W} w:numId="70"><w:abstractNumId w:val="70"/></w:num>',
        f'<w:num {_W} w:numId="71"><w:abstractNumId w:val="71"/></w:num>',
    ):
        numbering.append(parse_xml(xml))
    styles = document.styles.element
    styles.append(
        parse_xml(
            f'<w:style {_W} w:type="paragraph" w:styleId="Clause"><w:name w:val="Clause"/>'
            '<w:pPr><w:numPr><w:ilvl w:val="1"/><w:numId w:val="71"/></w:numPr></w:pPr>'
            "</w:style>"
        )
    )
    styles.append(
        parse_xml(
            f'<w:style {_W} w:type="paragraph" w:styleId="ClauseBold">'
            '<w:name w:val="Clause Bold"/><w:basedOn w:val="Clause"/></w:style>'
        )
    )

    def numbered(paragraph: object, level: int) -> None:
        paragraph._p.get_or_add_pPr().append(  # type: ignore[attr-defined]
            parse_xml(f'<w:numPr {_W}><w:ilvl w:val="{level}"/><w:numId w:val="71"/></w:numPr>')
        )

    numbered(document.add_paragraph("Purpose of the policy."), 0)
    document.add_paragraph("The board approves this policy.", style="Clause")
    document.add_paragraph("The head reviews it each year.", style="Clause Bold")
    numbered(document.add_paragraph("Responsibilities."), 0)
    table = document.add_table(rows=2, cols=2)
    for row, (action, owner) in zip(
        table.rows, (("Approve the budget", "Board"), ("Set the budget", "Head")), strict=True
    ):
        numbered(row.cells[0].paragraphs[0], 1)
        row.cells[0].paragraphs[0].add_run(action)
        row.cells[1].paragraphs[0].add_run(owner)
    path = tmp_path / "policy.docx"
    document.save(str(path))
    text = load(path).text
    assert "- 1. Purpose of the policy." in text
    assert "- 1.1 The board approves this policy." in text
    assert "- 1.2 The head reviews it each year." in text
    assert "- 2. Responsibilities." in text
    assert "2.1 Approve the budget" in text and "2.2 Set the budget" in text


def test_word_numbering_skips_paragraphs_a_tracked_change_took_out(tmp_path: Path) -> None:
    """A numbered paragraph deleted (or moved away) by a tracked change is gone from the
    document Word shows, so the next one keeps its number: "2.", not "3."."""
    document = docx.Document()
    numbering = document.part.numbering_part.element
    numbering.append(
        parse_xml(
            f'<w:abstractNum {_W} w:abstractNumId="80"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
            '<w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl></w:abstractNum>'
        )
    )
    numbering.append(parse_xml(f'<w:num {_W} w:numId="80"><w:abstractNumId w:val="80"/></w:num>'))
    number = f'<w:numPr {_W}><w:ilvl w:val="0"/><w:numId w:val="80"/></w:numPr>'
    document.add_paragraph("The chair signs the minutes.")._p.get_or_add_pPr().append(
        parse_xml(number)
    )
    tracked = 'w:author="Clerk" w:date="2026-01-01T00:00:00Z"'
    for change, words in (("del", "delText"), ("moveFrom", "t")):
        taken = document.add_paragraph()._p
        properties = taken.get_or_add_pPr()
        properties.append(parse_xml(number))
        properties.append(parse_xml(f'<w:rPr {_W}><w:{change} w:id="1" {tracked}/></w:rPr>'))
        taken.append(
            parse_xml(
                f'<w:{change} {_W} w:id="2" {tracked}>'
                f"<w:r><w:{words}>Old clause.</w:{words}></w:r></w:{change}>"
            )
        )
    document.add_paragraph("The clerk keeps them.")._p.get_or_add_pPr().append(parse_xml(number))
    path = tmp_path / "minutes.docx"
    document.save(str(path))
    text = load(path).text
    assert "Old clause" not in text
    assert "- 1. The chair signs the minutes." in text and "- 2. The clerk keeps them." in text


def _with_footnote(path: Path, note: str) -> None:
    """Give a saved Word document a footnotes part holding `note`, as Word stores one."""
    import zipfile

    main = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    footnotes = (
        f'<w:footnotes xmlns:w="{main}"><w:footnote w:type="separator" w:id="-1"><w:p><w:r>'
        '<w:separator/></w:r></w:p></w:footnote><w:footnote w:id="1"><w:p><w:r><w:footnoteRef/>'
        f'</w:r><w:r><w:t xml:space="preserve"> {note}</w:t></w:r></w:p></w:footnote></w:footnotes>'
    )
    kind = "officeDocument/2006/relationships/footnotes"
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    rels = parts["word/_rels/document.xml.rels"].decode()
    parts["word/_rels/document.xml.rels"] = rels.replace(
        "</Relationships>",
        f'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/{kind}" '
        'Target="footnotes.xml"/></Relationships>',
    ).encode()
    types = parts["[Content_Types].xml"].decode()
    parts["[Content_Types].xml"] = types.replace(
        "</Types>",
        '<Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.wordprocessingml.footnotes+xml"/></Types>',
    ).encode()
    parts["word/footnotes.xml"] = footnotes.encode()
    with zipfile.ZipFile(path, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)


def test_word_footnotes_are_read_after_the_text(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Governors must declare any pecuniary interest.")
    path = tmp_path / "interests.docx"
    document.save(str(path))
    _with_footnote(path, "Regulation 14 of the School Governance Regulations 2013.")
    assert load(path).text == (
        "Governors must declare any pecuniary interest.\n\n# Notes\n\n"
        "Regulation 14 of the School Governance Regulations 2013.\n"
    )


def test_word_headings_set_in_bold_by_hand_are_headings(tmp_path: Path) -> None:
    """A document with no heading styles, its headings bold Normal lines; a bold name and
    address at the top stay text."""
    document = docx.Document()
    for text, bold in (
        ("Oakfield Primary School", True),
        ("High Street, Oakfield", True),
        ("Terms of reference for the finance committee.", False),
        ("Membership", True),
        ("At least four governors, including the headteacher.", False),
        ("Quorum", True),
        ("Three governors.", False),
    ):
        document.add_paragraph().add_run(text).bold = bold
    path = tmp_path / "terms.docx"
    document.save(str(path))
    assert [c.section for c in parse_document(path).chunks] == [(), ("Membership",), ("Quorum",)]


def _paragraph_xml(inner: str) -> object:
    return parse_xml(f"<w:p {_W}>{inner}</w:p>")


def test_word_run_contents_tracked_moves_and_prompts_read_as_shown(tmp_path: Path) -> None:
    """What a Word paragraph shows: a non-breaking hyphen, a symbol, a line break; text moved
    by a tracked change read once, where it went; a control's prompt and hidden text not at
    all; a run whose hiding is switched off read."""
    document = docx.Document()
    body = document.element.body
    sym = '<w:r><w:sym w:font="Symbol" w:char="F0B3"/></w:r>'
    paragraphs = [
        "<w:r><w:t>Co</w:t><w:noBreakHyphen/><w:t>opted governors may vote.</w:t></w:r>",
        f'<w:r><w:t xml:space="preserve">Quorum is </w:t></w:r>{sym}<w:r><w:t> 50%.</w:t></w:r>',
        "<w:r><w:t>The link governor will:</w:t><w:br/><w:t>• meet the SENCo</w:t><w:br/>"
        "<w:t>• visit the base</w:t></w:r>",
        "<w:moveFrom><w:r><w:t>The clerk keeps the register.</w:t></w:r></w:moveFrom>",
        '<w:r><w:t xml:space="preserve">Raise concerns with </w:t></w:r><w:sdt><w:sdtPr>'
        "<w:showingPlcHdr/></w:sdtPr><w:sdtContent><w:r><w:t>Click or tap here to enter text."
        '</w:t></w:r></w:sdtContent></w:sdt><w:r><w:t xml:space="preserve"> first.</w:t></w:r>',
        '<w:r><w:rPr><w:vanish w:val="0"/></w:rPr><w:t>Training within six months.</w:t></w:r>',
        "<w:moveTo><w:r><w:t>The clerk keeps the register.</w:t></w:r></w:moveTo>",
    ]
    for inner in paragraphs:
        body.insert(len(body) - 1, _paragraph_xml(inner))  # before the section properties
    path = tmp_path / "policy.docx"
    document.save(str(path))
    assert load(path).text == (
        "Co-opted governors may vote.\n\nQuorum is ≥ 50%.\n\n"
        "The link governor will:\n• meet the SENCo\n• visit the base\n\n"
        "Raise concerns with first.\n\nTraining within six months.\n\n"
        "The clerk keeps the register.\n"
    )
    texts = [s.text for c in parse_document(path).chunks for s in c.sentences]
    assert "meet the SENCo" in texts and "visit the base" in texts


def test_word_ticks_prompts_in_cells_and_a_hash_after_a_line_break(tmp_path: Path) -> None:
    document = docx.Document()
    body = document.element.body
    tick = '<w:r><w:sym w:font="Wingdings" w:char="F0FC"/></w:r>'
    body.insert(
        len(body) - 1,
        _paragraph_xml(f'<w:r><w:t xml:space="preserve">Attended: </w:t></w:r>{tick}'),
    )
    body.insert(
        len(body) - 1,
        _paragraph_xml("<w:r><w:t>Figures below.</w:t><w:br/><w:t># of exclusions: 3</w:t></w:r>"),
    )
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Date of meeting"
    prompt = parse_xml(
        f"<w:sdt {_W}><w:sdtPr><w:showingPlcHdr/></w:sdtPr><w:sdtContent><w:p><w:r>"
        "<w:t>Click or tap here to enter text.</w:t></w:r></w:p></w:sdtContent></w:sdt>"
    )
    cell = table.rows[0].cells[1]._tc
    main = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    cell.remove(cell.find(f"{main}p"))  # the cell's empty paragraph: the control stands in it
    cell.append(prompt)
    path = tmp_path / "minutes.docx"
    document.save(str(path))
    parsed = parse_document(path)
    assert all(c.section == () for c in parsed.chunks)  # "# of exclusions" is no heading
    assert [s.text for c in parsed.chunks for s in c.sentences] == [
        "Attended: ✓",
        "Figures below. # of exclusions: 3",  # one paragraph, its second line no heading
        "Date of meeting",  # the control's prompt is no value
    ]


def test_word_and_web_page_text_is_read_as_written_not_as_markdown(tmp_path: Path) -> None:
    """Placeholders, asterisks and a leading "#" in a Word document or a web page are its
    words, not Markdown; a type size written with its unit ("16pt") is read."""
    document = docx.Document()
    for text in (
        "Concerns should be raised with <name of designated governor> in the first instance.",
        "Mr J Smith* (Chair) signs the accounts; see [Annex B](page 12).",
        "# of exclusions this year: 3",
    ):
        document.add_paragraph(text)
    title = document.paragraphs[0].insert_paragraph_before("Pay Policy")
    title.runs[0]._r.get_or_add_rPr().append(parse_xml(f'<w:sz {_W} w:val="16pt"/>'))
    path = tmp_path / "policy.docx"
    document.save(str(path))
    assert load(path).title == "Pay Policy"
    parsed = parse_document(path)
    texts = [s.text for c in parsed.chunks for s in c.sentences]
    assert texts[-3:] == [
        "Concerns should be raised with <name of designated governor> in the first instance.",
        "Mr J Smith* (Chair) signs the accounts; see [Annex B](page 12).",
        "# of exclusions this year: 3",
    ]
    assert all(c.section == () for c in parsed.chunks)  # "# of" is no heading

    page = tmp_path / "page.html"
    page.write_text(
        "<html><body><h1>Admissions</h1><p>Classes of &lt;30 pupils; see &lt;Appendix A&gt;."
        "</p><p># of places: 60</p></body></html>",
        "utf-8",
    )
    chunks = parse_document(page).chunks
    assert [s.text for c in chunks for s in c.sentences] == [
        "Classes of <30 pupils; see <Appendix A>.",
        "# of places: 60",
    ]
    assert {c.section for c in chunks} == {("Admissions",)}


def test_pdf_words_broken_over_lines_and_a_foreword_before_the_bookmarks(tmp_path: Path) -> None:
    """A word the typesetter hyphenated at a line's end is one word again ("func-" "tion",
    British "cen-" "tre"),
    a hyphenated compound keeps its hyphen ("decision-" "making", and "co-" "ordinator" in a
    document that writes "co-ordinator" elsewhere); a page before the first
    bookmark that holds text (a foreword) is read, a contents page is not."""
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    pdf.add_page()
    pdf.multi_cell(0, 6, "This handbook replaces the 2023 edition and was approved by the board.")
    pdf.add_page()  # a contents page after the foreword, before the first bookmark: not read
    for line in ("Contents", "Part 1: The role and purpose of the trust board", "Delegation 3"):
        pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    pdf.add_page()
    pdf.start_section("1 Delegation")
    pdf.set_font("Helvetica", size=18)
    pdf.cell(0, 10, "1 Delegation", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=11)
    for line in ("The board stays accountable even where a func-", "tion is delegated to a",
                 "committee, and its decision-", "making is minuted. The SEN co-",
                 "ordinator reports termly.", "Each co-ordinator is named.",
                 "Each school is a cen-", "tre of its community.",
                 "Raise concerns with <name of governor> first."):  # fmt: skip
        pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    path = tmp_path / "handbook.pdf"
    pdf.output(str(path))
    texts = [s.text for c in parse_document(path).chunks for s in c.sentences]
    assert "This handbook replaces the 2023 edition and was approved by the board." in texts
    assert not any("Part 1" in text or "Contents" in text for text in texts)
    assert (
        "The board stays accountable even where a function is delegated to a committee, and "
        "its decision-making is minuted." in texts
    )
    # The document writes "co-ordinator" where no line breaks it: so it is read there too.
    assert "The SEN co-ordinator reports termly." in texts
    assert "Each school is a centre of its community." in texts  # spelt the British way
    assert "Raise concerns with <name of governor> first." in texts  # a PDF is not Markdown


def test_a_web_page_that_is_only_an_address_reads_without_advice_to_fetch_it(
    tmp_path: Path,
) -> None:
    """BeautifulSoup warns that text like "https://..." looks like a URL to fetch: a saved page
    holding only an address is read as that text, with nothing printed about fetching it."""
    import warnings

    path = tmp_path / "link.html"
    path.write_text("https://www.gov.uk/guidance/governance-handbook", encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert load(path).text.strip() == "https://www.gov.uk/guidance/governance-handbook"
