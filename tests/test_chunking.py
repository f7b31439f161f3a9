from ingest.chunking import ChunkingConfig, chunk_sections, whitespace_token_count
from ingest.governance import find_actors, find_dimensions, tag_section
from ingest.structure import parse_sections
from ingest.types import GovernanceTags, SourceInfo

SOURCE = SourceInfo(doc_id="doc", path="doc.md", title="A document")

DOC = """\
# The intervention space

## Regional Schools Commissions (RSCs)

### Accountability

RSCs are accountable to the Secretary of State. They do not inspect.

**RECOMMENDATION: The DfE should consider the creation of a single Intervention Actor.**

# The improvement space

## Teaching Schools in the Improvement Space

Teaching schools are key enablers of improvement.
"""


def _chunks(doc: str = DOC, max_tokens: int = 200):
    return chunk_sections(
        SOURCE, parse_sections(doc), doc, ChunkingConfig(max_tokens=max_tokens),
        whitespace_token_count,
    )  # fmt: skip


def test_chunks_carry_section_tags_and_exact_sentence_offsets() -> None:
    chunks = _chunks()
    assert [(c.section_path, c.text) for c in chunks] == [
        (
            "The intervention space > Regional Schools Commissions (RSCs) > Accountability",
            "RSCs are accountable to the Secretary of State. They do not inspect.",
        ),
        (
            "The intervention space > Regional Schools Commissions (RSCs) > Accountability",
            "RECOMMENDATION: The DfE should consider the creation of a single Intervention Actor.",
        ),
        (
            "The improvement space > Teaching Schools in the Improvement Space",
            "Teaching schools are key enablers of improvement.",
        ),
    ]
    assert chunks[0].tags == GovernanceTags(
        "intervention", "Regional Schools Commissioners (RSCs)", "accountability", False
    )
    assert chunks[1].tags.recommendation is True
    assert chunks[2].tags == GovernanceTags("improvement", "Teaching schools", "", False)
    second = chunks[0].sentences[1]
    assert (second.text, DOC[second.start : second.end]) == ("They do not inspect.",) * 2
    assert chunks[0].text[second.chunk_start : second.chunk_end] == "They do not inspect."
    # The bold markers stay in the file but not in the cleaned text.
    rec = chunks[1]
    assert DOC[rec.start - 2 : rec.start] == "**"
    assert rec.quote(rec.sentences[0].start, rec.sentences[0].end) == rec.sentences[0].text


def test_chunk_ids_are_stable_content_hashes() -> None:
    first, again = _chunks(), _chunks()
    assert [c.id for c in first] == [c.id for c in again]
    edited = _chunks(DOC.replace("key enablers", "important enablers"))
    assert [c.id for c in edited][:2] == [c.id for c in first][:2]
    assert edited[2].id != first[2].id


def test_long_paragraphs_split_at_sentences_within_the_token_budget() -> None:
    sentence = "Local authorities draw their authority from directly elected councillors."
    doc = "## Local authorities\n\n" + " ".join([sentence] * 12) + "\n"
    chunks = _chunks(doc, max_tokens=40)
    assert len(chunks) > 1
    context = "Local authorities"
    for chunk in chunks:
        assert whitespace_token_count(f"{context}\n{chunk.text}") <= 40
        assert all(s.text == sentence for s in chunk.sentences)
    assert sum(len(c.sentences) for c in chunks) == 12


def test_actor_and_dimension_lexicon() -> None:
    assert find_actors("How do the Teaching Schools Council and teaching schools differ?") == [
        "Teaching Schools Council",
        "Teaching schools",
    ]
    assert find_actors("Who are regional schools commissioners accountable to?") == [
        "Regional Schools Commissioners (RSCs)"
    ]
    assert find_dimensions("Who decides, and who are they accountable to?") == [
        "decision-making",
        "accountability",
    ]
    # "draw its authority from" asks where authority comes from: legitimacy.
    assert find_dimensions("Where does the ESFA draw its authority from?") == ["legitimacy"]
    assert find_dimensions("What power does the ESFA hold and where does it come from?") == [
        "authority",
        "legitimacy",
    ]


def test_tag_section_takes_the_deepest_naming_heading() -> None:
    tags = tag_section(("The inspection space", "Ofsted", "Legitimacy"), "Ofsted draws...")
    assert tags == GovernanceTags("inspection", "Ofsted", "legitimacy", False)
    assert tag_section(("Afterword",), "RECOMMENDATION: x").recommendation is True
