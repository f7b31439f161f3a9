from ingest.structure import parse_sections

DOC = """\
Cover Title

We are ACME, the **Schools** network. We help schools do well every single day.

Contents

Introduction **1**

National challenges **9**

Conclusions **39**

INTRODUCTION

Education in England is still in a transitional phase of moving to a school-led system, and
this paragraph is long enough to follow a plain title line that stands alone above it.

The context

Since 2010, ministers and officials at the Department for Education have presented a vision of a
school-led system with more autonomy than ever before, and this is the long paragraph after it.

**Figure one: where are we now?**

Some organisations included

geographically dispersed schools.

# The inspection space

## Ofsted

### **Authority**

It holds the power to inspect schools.<sup>1</sup>

---

**Decision making**

Inspectors make *decisions* on the basis of data.

We are ACME, the Schools network. We help schools do well every single day.
"""


def test_a_short_document_has_no_blurb_to_drop() -> None:
    """Terms of reference on one page: a line two committees each state is content, not a
    publisher's blurb on a cover and a back page."""
    doc = (
        "# Terms of reference\n\n## Finance committee\n\n"
        "The committee will report to the full board after each meeting.\n\n"
        "## Curriculum committee\n\nThe committee reviews the school development plan.\n\n"
        "## Pay committee\n\nThe committee will report to the full board after each meeting.\n"
    )
    assert [(path, texts) for path, texts in _as_text(parse_sections(doc))] == [
        ("Terms of reference > Finance committee",
         ["The committee will report to the full board after each meeting."]),
        ("Terms of reference > Curriculum committee",
         ["The committee reviews the school development plan."]),
        ("Terms of reference > Pay committee",
         ["The committee will report to the full board after each meeting."]),
    ]  # fmt: skip


def test_numbered_items_with_their_own_items_are_a_list_not_headings() -> None:
    doc = (
        "## Committees\n\nThe board has three committees:\n\n"
        "1. Finance and resources, which meets termly\n   - approves the budget\n"
        "2. Curriculum and standards\n   1. reviews pupil outcomes\n3. Pay\n\n"
        "Each committee reports to the board.\n"
    )
    (section,) = parse_sections(doc)
    assert section.path == ("Committees",)
    assert [p.text for p in section.paragraphs] == [
        "The board has three committees:",
        "Finance and resources, which meets termly",
        "approves the budget",
        "Curriculum and standards",
        "1. reviews pupil outcomes",
        "Pay",
        "Each committee reports to the board.",
    ]


def _as_text(sections):
    return [(" > ".join(s.path), [p.text for p in s.paragraphs]) for s in sections]


# The body of a report long enough to have a cover and a back page (the blurb rule's length).
LONG_BODY = "\n\n".join(
    f"Paragraph {n} of the body says something of its own about school number {n}."
    for n in range(200)
)


def test_sections_paths_and_cleaned_paragraphs() -> None:
    doc = DOC.replace("# The inspection space", LONG_BODY + "\n\n# The inspection space")
    sections = parse_sections(doc)
    assert _as_text(sections) == [
        ("", ["Cover Title", "Contents"]),
        (
            "INTRODUCTION",
            [
                "Education in England is still in a transitional phase of moving to a school-led "
                "system, and this paragraph is long enough to follow a plain title line that "
                "stands alone above it."
            ],
        ),
        (
            "INTRODUCTION > The context",
            [
                "Since 2010, ministers and officials at the Department for Education have "
                "presented a vision of a school-led system with more autonomy than ever before, "
                "and this is the long paragraph after it.",
                "Some organisations included geographically dispersed schools.",
                *(
                    f"Paragraph {n} of the body says something of its own about school number {n}."
                    for n in range(200)
                ),
            ],
        ),
        ("The inspection space > Ofsted > Authority", ["It holds the power to inspect schools."]),
        (
            "The inspection space > Ofsted > Decision making",
            ["Inspectors make decisions on the basis of data."],
        ),
    ]


def test_paragraph_offsets_point_into_the_original() -> None:
    sections = parse_sections(DOC)
    authority = next(s for s in sections if s.path[-1:] == ("Authority",))
    paragraph = authority.paragraphs[0]
    start, end = paragraph.original_span(0, len(paragraph.text))
    assert DOC[start:end] == "It holds the power to inspect schools."


def test_paragraph_broken_by_a_page_keeps_both_offsets() -> None:
    sections = parse_sections(DOC)
    joined = next(p for s in sections for p in s.paragraphs if p.text.startswith("Some org"))
    start, end = joined.original_span(0, len(joined.text))
    assert DOC[start:end] == "Some organisations included\n\ngeographically dispersed schools."


def test_numbered_heading_levels_nest_implicit_headings() -> None:
    doc = "# Part\n\nINTRO\n\nText under intro heading here.\n\n## Sub\n\nMore text.\n"
    assert _as_text(parse_sections(doc)) == [
        ("Part > INTRO", ["Text under intro heading here."]),
        ("Part > Sub", ["More text."]),
    ]


def test_list_items_are_separate_paragraphs() -> None:
    doc = "## Remit\n\nThe remit is:\n\n- Training;\n- Development; and\n- Support.\n"
    assert _as_text(parse_sections(doc)) == [
        ("Remit", ["The remit is:", "Training;", "Development; and", "Support."]),
    ]


def test_a_paragraph_repeated_in_the_body_is_content() -> None:
    clause = "Trustees must declare any business interest at the start of every meeting."
    filler = "\n\n".join(f"Paragraph {i} of the policy says something different." for i in range(8))
    doc = (
        f"# Policy\n\n{filler}\n\n## Finance\n\n{clause}\n\n## Admissions\n\n{clause}\n\n{filler}\n"
    )
    texts = [p.text for s in parse_sections(doc) for p in s.paragraphs]
    assert texts.count(clause) == 2


def test_underlined_headings_quotations_and_a_rule_after_a_blank_line() -> None:
    doc = (
        "Trust governance\n================\n\nThe board holds the authority.\n\n"
        "Members\n-------\n\n> The members appoint trustees.\n\n---\n\n> 30 pupils per class\n"
    )
    assert _as_text(parse_sections(doc)) == [
        ("Trust governance", ["The board holds the authority."]),
        ("Trust governance > Members", ["The members appoint trustees.", "> 30 pupils per class"]),
    ]


def test_a_markdown_table_is_a_line_per_row_quoting_the_row_as_written() -> None:
    doc = (
        "## Who appoints\n\n| Role | Appointed by |\n|---|---|\n| Trustee | Members |\n\n"
        "## Ratios\n\n| Age | Staff | Children |\n| :--- | ---: | --- |\n"
        "| Under two | 1 | 3 |\n| Two-year-olds | 1 | |\nAfter the table.\n"
    )
    sections = parse_sections(doc)
    assert _as_text(sections) == [
        ("Who appoints", ["Role: Appointed by", "Trustee: Members"]),
        (
            "Ratios",
            [
                "Age | Staff | Children",
                "Under two – Staff: 1; Children: 3",
                "Two-year-olds – Staff: 1",
                "After the table.",
            ],
        ),
    ]
    row = sections[1].paragraphs[1]
    start, end = row.original_span(0, len(row.text))
    assert doc[start:end] == "Under two | 1 | 3"


def test_a_byte_order_mark_short_table_rules_and_alike_rows_are_read() -> None:
    assert _as_text(parse_sections("\ufeff# Heading\n\nBody text here.\n")) == [
        ("Heading", ["Body text here."])
    ]
    assert _as_text(parse_sections("| Role | Who |\n|:--|--:|\n| Trustee | Members |\n")) == [
        ("", ["Role: Who", "Trustee: Members"])
    ]
    # A table's rows are alike by design, at the file's start and end too: none is a blurb.
    rows = "\n".join(f"| Governor {c} | Parent | Appointed by the board | 2026 |" for c in "ABCDEF")
    table = f"| Name | Type | How | Ends |\n|---|---|---|---|\n{rows}\n"
    (section,) = parse_sections(f"# Board\n\n{table}")
    assert len(section.paragraphs) == 7 and section.paragraphs[1].text.startswith("Governor A")


def test_words_between_less_than_and_greater_than_signs_are_kept() -> None:
    doc = "Classes with < 5 pupils and > 3 staff merge.\n\nFewer (<5) or more (>10).<br>Next.\n"
    assert _as_text(parse_sections(doc)) == [
        ("", ["Classes with < 5 pupils and > 3 staff merge.", "Fewer (<5) or more (>10). Next."])
    ]
