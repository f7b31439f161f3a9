"""The duties extractor on tiny inline documents: which sentences are duties, their actor and
strength, and the register's filters and exports (exact values throughout)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from app.duty_register import (
    CSV_COLUMNS,
    build_register,
    select,
    to_csv,
    to_html,
    to_markdown,
    valid_strength,
)
from index.duty_registers import find_actor
from ingest.chunking import chunk_sections
from ingest.duties import Duty, abbreviations, actor_key, canonical_actor, duties, read_sentence
from ingest.sources import source_info
from ingest.structure import parse_sections
from ingest.types import Chunk


def chunks_of(text: str, doc_id: str = "guide") -> list[Chunk]:
    """A Markdown document as the ingest stage chunks it."""
    source = source_info(Path(f"/nowhere/{doc_id}.md"), text)
    return chunk_sections(source, parse_sections(text), text)


def by_text(found: list[Duty]) -> dict[str, tuple[str, str]]:
    return {d.text: (d.actor, d.strength) for d in found}


@pytest.mark.parametrize(
    ("sentence", "strength"),
    [
        ("Providers must keep a record of accidents.", "must"),
        ("Providers shall keep a record of accidents.", "must"),
        ("Providers are required to keep a record of accidents.", "must"),
        ("The board has a duty to promote high standards.", "must"),
        ("Local authorities are under a statutory duty to return this data.", "must"),
        ("The headteacher is responsible for the curriculum.", "must"),
        ("Providers must not allow smoking on the premises.", "must not"),
        ("Providers must never allow smoking on the premises.", "must not"),
        ("No person shall become a member unless approved.", "must not"),
        ("The directors may not delegate this power.", "must not"),
        ("Providers should read the guidance.", "should"),
        ("Trustees are expected to attend every meeting.", "should"),
        ("Staff should not work alone with children.", "should not"),
        ("The directors may appoint a secretary.", "may"),
        ("Members are entitled to attend general meetings.", "may"),
        ("Staff need to complete paediatric first aid training.", "must"),
        ("Providers must give each child the help they need to learn.", "must"),
    ],
)
def test_each_cue_maps_to_its_strength(sentence: str, strength: str) -> None:
    reading = read_sentence(sentence)
    assert reading is not None and reading.strength == strength


@pytest.mark.parametrize(
    "sentence",
    [
        "What framework should exist in multi-academy trusts?",
        "It may be useful to explore the relationship between the two councils.",
        "These partnerships may actually act as inhibitors.",
        "Schools are not required to have separate policies.",
        "Individual schools no longer have responsibility for their budget.",
        "The programmes set out what should be taught in each area.",
        "This section sets out the requirements providers must meet.",
        "Gove should have tested these organisations before closing them.",
        "All areas of learning are important and inter-connected.",
        "If any question should arise, it is decided by vote.",
        "This framework uses the word ‘must’ where the requirement is mandatory.",
        "Results are annulled should a school be found to cheat.",  # a condition
        "A group-based provider may need to use the goals to assess children.",
        # What they need, in a relative clause: no one is told to do anything.
        "All children deserve the care and support they need to have the best start in life.",
    ],
)
def test_sentences_that_state_no_duty_are_left_out(sentence: str) -> None:
    assert read_sentence(sentence) is None


@pytest.mark.parametrize(
    ("phrase", "actor"),
    [
        ("governing bodies and proprietors", "Governing boards"),
        ("the governing board", "Governing boards"),
        ("Boards", "Governing boards"),
        ("trustees", "Governing boards"),
        ("the registered provider", "Providers"),
        ("Early years providers", "Providers"),
        ("at least half of all other staff", "Staff"),
        ("members of staff", "Staff"),
        ("The DfE", "Department for Education (DfE)"),
        ("Department for Education (DfE)", "Department for Education (DfE)"),
        ("Schools’ partner providers", "Partner providers"),
        ("the chairman of the meeting", "Chairmen"),
        ("We", "We"),
        ("the Secretary of State", "Secretary of State for Education"),
        ("Registered providers, except CoDP providers,", "Providers"),
        ("Those expanding provision", "Those expanding provision"),
        ("At each mealtime and snack time providers", "Providers"),
    ],
)
def test_actor_names_are_normalised_with_their_aliases(phrase: str, actor: str) -> None:
    assert canonical_actor(phrase) == actor
    assert canonical_actor(actor) == actor  # a canonical name stays itself


def test_abbreviations_spelled_out_in_the_document_name_the_same_actor() -> None:
    spelled = abbreviations(["The designated safeguarding lead (DSL) must attend."])
    assert spelled == {"dsl": "designated safeguarding lead"}
    assert canonical_actor("The DSL", spelled) == canonical_actor("designated safeguarding lead")


GUIDE = """# Safeguarding guide

## Governance

The governing board must appoint a clerk. They should review the policy every year.
Policies must be reviewed by the trust board. It may be helpful to read the annex.

## Records

Records must be kept for six years.

Providers must:

- Keep a register of attendance.
- Tell parents about the key person.

Children at the expected level of development will:

- Talk about their lives.

## Meetings

The chair may adjourn a meeting if—

- the quorum is not present.
"""


def test_a_document_gives_its_duties_with_actor_strength_and_provenance() -> None:
    # Five duties name providers, so "providers" is the party the document addresses.
    extra = "".join(f"Providers must check item {n}.\n" for n in range(10))
    found = duties(chunks_of(GUIDE + "\n## More\n\n" + extra))
    got = by_text(found)
    assert got["The governing board must appoint a clerk."] == ("Governing boards", "must")
    # A pronoun takes the actor of the sentence before.
    assert got["They should review the policy every year."] == ("Governing boards", "should")
    # A passive takes its "by" agent.
    assert got["Policies must be reviewed by the trust board."] == ("Governing boards", "must")
    # A requirement on a thing goes to the party the document addresses.
    assert got["Records must be kept for six years."] == ("Providers", "must")
    # Items under "Providers must:" inherit its actor and strength.
    assert got["Keep a register of attendance."] == ("Providers", "must")
    assert got["Tell parents about the key person."] == ("Providers", "must")
    assert got["The chair may adjourn a meeting if—"] == ("Chairs", "may")
    # Not duties: a possibility, the items of a list that states none, conditions.
    for text in ("It may be helpful to read the annex.", "Talk about their lives.",
                 "the quorum is not present."):  # fmt: skip
        assert text not in got
    clerk = next(d for d in found if d.text.startswith("The governing board must"))
    source = GUIDE
    assert source[clerk.start : clerk.end] == clerk.text
    assert clerk.section == ("Safeguarding guide", "Governance")
    assert clerk.doc_id == "guide"


def test_a_report_with_no_main_party_leaves_a_requirement_on_a_thing_unnamed() -> None:
    found = duties(chunks_of("# Report\n\nThe DfE should act. There should be one body.\n"))
    assert by_text(found) == {
        "The DfE should act.": ("Department for Education (DfE)", "should"),
        "There should be one body.": ("", "should"),
    }


def test_a_thing_just_dealt_with_by_a_party_is_that_partys_to_handle() -> None:
    # The document mostly addresses providers, but "the report" was just given to the
    # inspectors, and "This" stands for what the sentence before asked of the trustees.
    extra = "".join(f"Providers must check item {n}.\n" for n in range(10))
    text = (
        "# Guide\n\n## Inspection\n\nInspectors have ten days in which they must write the "
        "report. The report must be published within this period. Records must be kept.\n\n"
        "## Notice\n\nTrustees must tell the clerk about a vacancy. This should be done "
        "within a week.\n\n## More\n\n" + extra
    )
    got = by_text(duties(chunks_of(text)))
    assert got["The report must be published within this period."] == ("Inspectors", "must")
    assert got["Records must be kept."] == ("Providers", "must")  # no one dealt with them
    assert got["This should be done within a week."] == ("Governing boards", "should")


def test_with_no_main_party_any_thing_follows_the_party_that_dealt_with_it() -> None:
    text = (
        "# Articles\n\n## Meetings\n\nAny director may call a meeting by giving notice to "
        "the members. Notice of a meeting must be given in writing. A vote must be recorded.\n"
    )
    got = by_text(duties(chunks_of(text)))
    assert got["Notice of a meeting must be given in writing."] == ("Directors", "must")
    assert got["A vote must be recorded."] == ("", "must")


def test_what_a_subject_undergoes_or_does_through_its_possessor() -> None:
    extra = "".join(f"Providers must check item {n}.\n" for n in range(10))
    text = (
        "# Guide\n\n## Ratios\n\nA student on placement may count within the ratio.\n\n"
        "## Our view\n\nBut we (school leaders) should not wait. Rather our leadership must "
        "be bold. We must act.\n\n## More\n\n" + extra
    )
    got = by_text(duties(chunks_of(text)))
    # "may count within the ratio": the student is counted, by the party addressed.
    assert got["A student on placement may count within the ratio."] == ("Providers", "may")
    # The writers say who "we" are; "our leadership" is how they lead.
    assert got["But we (school leaders) should not wait."] == ("School leaders", "should not")
    assert got["Rather our leadership must be bold."] == ("School leaders", "must")
    assert got["We must act."] == ("School leaders", "must")


def register_of(text: str = GUIDE):
    return build_register(chunks_of(text))


def test_the_register_gives_each_duty_its_passage_around_it() -> None:
    register = register_of()
    duty = next(d for d in register.duties if d.text.startswith("They should"))
    assert register.context(duty) == (
        "The governing board must appoint a clerk. ",
        "They should review the policy every year.",
        " Policies must be reviewed by the trust board. It may be helpful to read the annex.",
    )


def test_actors_are_found_by_any_alias_and_in_any_case() -> None:
    register = register_of()
    for name in ("governing boards", "the governing board", "BOARDS", "trust board"):
        assert find_actor(register, name) == "Governing boards"
    assert find_actor(register, "Ofsted") is None


def test_filters_select_by_document_actor_strength_text_and_section() -> None:
    register = register_of()
    assert [d.text for d in select(register, actor="Governing boards", strengths=["should"])] == [
        "They should review the policy every year."
    ]
    assert {d.text for d in select(register, text="REGISTER")} == {"Keep a register of attendance."}
    assert select(register, doc_ids=["other"]) == []
    # The actor's name is searched too: "They should review ..." is the boards' duty.
    by_actor = select(register, text="governing BOARDS")
    assert by_actor and all(d.actor == "Governing boards" for d in by_actor)
    assert "They should review the policy every year." in {d.text for d in by_actor}
    assert {d.section[-1] for d in select(register, section="Meetings")} == {"Meetings"}
    assert valid_strength("Must-Not") == "must not"
    assert valid_strength("ought") is None


# Text from an uploaded document can hold anything: markup, links, a spreadsheet formula.
HOSTILE = (
    Duty(
        text="The board must read <b>this</b> & [link](http://evil.example) now.",
        doc_id="evil",
        title="<script>alert(1)</script> guide",
        section=("<script>alert(1)</script> guide", "Rules"),
        page=3,
        start=10,
        end=75,
        actor="Governing boards",
        actor_text="The board",
        strength="must",
    ),
    Duty(
        text='=HYPERLINK("http://evil.example") providers must pay.',
        doc_id="evil",
        title="<script>alert(1)</script> guide",
        section=("<script>alert(1)</script> guide", "Rules"),
        page=None,
        start=80,
        end=130,
        actor="Providers",
        actor_text="providers",
        strength="must",
    ),
)


def test_csv_has_the_contract_columns_and_cannot_run_a_formula() -> None:
    rows = list(csv.reader(io.StringIO(to_csv(HOSTILE))))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert rows[0][:6] == ["actor", "strength", "duty", "document", "section", "page"]
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["actor"] == "Governing boards"
    assert first["strength"] == "must"
    assert first["duty"] == "The board must read <b>this</b> & [link](http://evil.example) now."
    assert first["section"] == "<script>alert(1)</script> guide > Rules"
    assert rows[2][2].startswith("'=HYPERLINK")  # shown as text in a spreadsheet


def test_markdown_is_a_checklist_by_actor_with_escaped_text_and_citations() -> None:
    text = to_markdown(HOSTILE)
    assert "## Governing boards (1)" in text
    assert "- [ ] **MUST**: The board must read &lt;b>this&lt;/b> & \\[link\\]" in text
    assert "  — &lt;script>" in text
    assert "guide > Rules, page 3" in text  # the title, section and page
    assert "characters " not in text  # offsets are for the CSV's columns, not for readers
    assert "<b>" not in text and "[link](http" not in text


def test_html_is_a_printable_page_with_a_tick_column_and_nothing_unescaped() -> None:
    page = to_html(HOSTILE)
    assert "<script>" not in page and "<b>this" not in page
    assert "&lt;b&gt;this&lt;/b&gt; &amp; [link](http://evil.example)" in page
    assert page.count("<td class='tick'>☐</td>") == 2
    assert "<span class='cite'>&lt;script&gt;alert(1)&lt;/script&gt; guide, " in page


def test_actor_keys_compare_labels_and_extractions_alike() -> None:
    assert actor_key("the governing board") == actor_key("Governing boards")
    assert actor_key("registered providers") == actor_key("Providers")
    assert actor_key("") == ""


@pytest.mark.parametrize(
    ("sentence", "subject", "strength"),
    [
        # A pronoun whose party an opening condition names.
        ("If providers have concerns, they must notify the local authority.", "providers", "must"),
        # A passive's agent ends at a second verb.
        ("Records must be kept by the provider and shared with staff.", "provider", "must"),
        # "No person": a prohibition on no one party.
        ("No person shall become a member unless approved.", "", "must not"),
        (
            "The Secretary of State reserves the right to annul results.",
            "The Secretary of State",
            "may",
        ),
        (
            "At each mealtime providers must be clear about allergies.",
            "At each mealtime providers",
            "must",
        ),
    ],
)
def test_the_subject_read_for_a_duty(sentence: str, subject: str, strength: str) -> None:
    reading = read_sentence(sentence)
    assert reading is not None
    assert (reading.subject, reading.strength) == (subject, strength)


def test_a_not_item_under_a_should_lead_in_is_a_should_not() -> None:
    text = (
        "# Guide\n\n## Recruitment\n\nProviders should:\n\n- obtain references\n"
        "- Not rely on applicants to obtain their reference.\n"
    )
    found = by_text(duties(chunks_of(text)))
    assert found["Not rely on applicants to obtain their reference."] == ("Providers", "should not")


def test_a_passive_with_an_adverb_before_its_participle_names_no_holder() -> None:
    # "Sleeping children must be frequently checked": the children are checked, not told to.
    reading = read_sentence("Sleeping children must be frequently checked to ensure they are safe.")
    assert reading is not None and reading.subject == "" and not reading.agent


def test_an_actor_read_from_a_condition_names_no_one() -> None:
    # "(b) (if no directors are present), the meeting, must appoint ...": not the directors.
    assert canonical_actor("If the directors") == ""
    assert canonical_actor("When providers") == ""
    assert canonical_actor("The directors") == "Directors"


def test_a_list_item_is_shown_after_the_sentence_introducing_its_list() -> None:
    text = (
        "# Articles\n\n## Delegation\n\nThe directors may delegate any of their powers—\n\n"
        "- (a) to such person or committee;\n- (b) by such means; as they think fit.\n\n"
        "The directors must keep minutes.\n"
    )
    found = {d.text: d for d in duties(chunks_of(text))}
    item = found["(a) to such person or committee;"]
    assert (item.actor, item.strength) == ("Directors", "may")
    assert item.shown == (
        "The directors may delegate any of their powers— … (a) to such person or committee;"
    )
    assert found["The directors must keep minutes."].shown == "The directors must keep minutes."
    register = build_register(chunks_of(text))
    assert "The directors may delegate any of their powers— … (a)" in to_csv(register.duties)
    assert select(register, text="such person") and select(register, text="delegate any")
