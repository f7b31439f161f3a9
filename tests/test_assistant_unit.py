"""Follow-ups, sentence selection, composition and abstention, on tiny inline documents with the
fake embedder and a real embedded Chroma."""

from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest
from conftest import fake_assistant

from engine.assistant import AbstentionPolicy, Assistant, Evidence
from engine.extractive import ScoredSentence, compose
from engine.followup import resolve
from index.types import Filters
from ingest.chunking import ChunkingConfig, chunk_sections
from ingest.structure import parse_sections
from ingest.types import Chunk, SourceInfo

DOC = """\
# The inspection space

## Ofsted

### Authority

Ofsted was set up by an Act of Parliament. It holds the power to inspect schools.

### Legitimacy

Ofsted draws its authority from Parliament.

# The intervention space

## Regional Schools Commissions (RSCs)

### Accountability

RSCs are accountable to the Secretary of State through the National Schools Commissioner.

## Local authorities

### Legitimacy

Local authorities draw their authority from directly elected councillors.
"""

RSC = "Regional Schools Commissioners (RSCs)"


def test_followup_carries_the_actor_forward() -> None:
    resolved = resolve("And who are they accountable to?", ["What powers do RSCs have?"])
    assert resolved.actors == (RSC,)
    assert resolved.dimensions == ("accountability",)
    assert resolved.text == "And who are RSCs accountable to?"
    assert resolved.from_history


def test_followup_asks_the_earlier_question_about_a_new_actor() -> None:
    resolved = resolve("What about the ESFA?", ["Where does Ofsted draw its legitimacy from?"])
    assert resolved.actors == ("ESFA",)
    assert resolved.dimensions == ("legitimacy",)
    assert resolved.text == "Where does ESFA draw its legitimacy from?"
    second = resolve("And local authorities?", ["Who are RSCs accountable to?"])
    assert second.text == "Who are local authorities accountable to?"


def test_followup_without_an_actor_leans_on_the_last_question() -> None:
    resolved = resolve("Why?", ["What does the report say about peer review?"])
    assert resolved.text == "Why? (What does the report say about peer review?)"
    assert resolved.from_history


def test_a_followup_is_about_the_last_topic_not_an_actor_from_before_it() -> None:
    history = ["Where does Ofsted draw its authority from?", "whats the ratio for 2 year olds"]
    resolved = resolve("and for under twos?", history)
    assert resolved.actors == ()
    assert resolved.text == "whats the ratio for under twos"
    # A follow-up on a follow-up still reaches the actor the conversation is about.
    chain = ["Who are RSCs accountable to?", "What about Ofsted?"]
    assert resolve("And where does it get its authority?", chain).actors == ("Ofsted",)


@pytest.mark.parametrize(
    ("history", "question", "asked"),
    [
        (
            ["what is the staff to child ratio for two year olds"],
            "and what about for three year olds?",
            "what is the staff to child ratio for three year olds",
        ),
        (
            ["what is the staff to child ratio for two year olds"],
            "what about three year olds",
            "what is the staff to child ratio for three year olds",
        ),
        (
            ["how long do we keep records of board decisions"],
            "and for general meetings?",
            "how long do we keep records for general meetings",
        ),
        (  # a follow-up on a follow-up: the question the last turn stood for
            ["what is the ratio for two year olds", "and what about for three year olds?"],
            "and under twos?",
            "what is the ratio under twos",
        ),
    ],
)
def test_a_followup_naming_something_else_asks_the_last_question_about_it(
    history: list[str], question: str, asked: str
) -> None:
    """Carried whole beside the follow-up, the last question's "two year olds" outweighed the
    new "three year olds", and the first answer came back for the second question."""
    resolved = resolve(question, history)
    assert resolved.text == asked and resolved.from_history


@pytest.mark.parametrize(
    "question",
    [
        "and who keeps them?",  # points back, asks anew
        "and what happens to the minutes?",  # asks anew
        "and the chair?",  # no preposition, nothing in common with "board decisions"
    ],
)
def test_a_followup_that_asks_something_of_its_own_is_not_rewritten(question: str) -> None:
    resolved = resolve(question, ["how long do we keep records of board decisions"])
    assert resolved.text == f"{question} (how long do we keep records of board decisions)"


@pytest.mark.parametrize(
    "question",
    [
        "Can a director vote on a contract with their own firm?",
        "If a governor misses three meetings, can they be removed?",
    ],
)
def test_a_question_about_someone_it_brings_in_is_no_followup(question: str) -> None:
    """ "their" is the director the question names: a trainer asking it after a ratio question,
    or after one about RSCs, got the ratios, or RSCs' authority, mixed into the answer."""
    for earlier in (
        "What is the staff to child ratio for two-year-olds?",
        "Who are RSCs accountable to?",
    ):
        resolved = resolve(question, [earlier])
        assert resolved.text == question and not resolved.from_history


@pytest.mark.parametrize(
    "question",
    [
        "As a new trustee, who do they answer to?",
        "Our school is in one - how much money do they have?",
        "Is there a limit on their term?",
    ],
)
def test_the_askers_own_situation_still_leaves_a_followup(question: str) -> None:
    assert resolve(question, ["Who are RSCs accountable to?"]).actors == (RSC,)


@pytest.mark.parametrize(
    "question",
    [
        "a dad turned up to collect his child and smelt of alcohol, what should i do",
        "If a parent complains, who deals with it?",
        "We have a teacher who is off sick, does she still count?",
    ],
)
def test_a_question_that_brings_in_its_own_someone_is_not_a_followup(question: str) -> None:
    # Its "his", "it" and "she" are the dad, the complaint and the teacher it names itself.
    resolved = resolve(question, ["What do we need for first aid at the setting?"])
    assert resolved.text == question and not resolved.from_history


def test_how_a_followup_was_read_is_told_in_words() -> None:
    from engine.followup import how_read

    assert how_read("Who decides?", "") == ""
    assert how_read("And who are they accountable to?", "And who are RSCs accountable to?") == (
        "Read as: “And who are RSCs accountable to?”"
    )
    assert how_read("what then?", "what then? (Who calls a general meeting?)") == (
        "Read together with your earlier question: “Who calls a general meeting?”"
    )


def test_an_earlier_turn_carries_whom_its_answer_was_about() -> None:
    from engine.followup import answered_turn

    quotes = ["Only Ofsted has the statutory power to inspect schools.", "It is independent."]
    turn = answered_turn("Who inspects our school?", quotes)
    assert turn == "Who inspects our school? (Ofsted)"
    assert resolve("and who are they accountable to?", [turn]).text == (
        "and who are Ofsted accountable to?"
    )
    # A question that names its actor, or an answer that names none, is left as asked.
    assert answered_turn("What powers do RSCs have?", quotes) == "What powers do RSCs have?"
    assert answered_turn("Who decides?", ["The board meets termly."]) == "Who decides?"
    assert answered_turn("Who decides?", []) == "Who decides?"


def test_a_who_question_carries_whom_its_answer_gave() -> None:
    from engine.answers import Answer, Citation
    from engine.followup import answered_turn, said

    # The question names academies but asks who: "them" next is whom the answer gave, read as
    # the answer says it (its quote alone opens "They make decisions ...").
    citation = Citation(1, "d", "D", "RSCs", None, "t", "They make decisions.", 0, 1, (0, 1))
    answer = Answer(
        "Who decides if a school becomes an academy?",
        "Regional Schools Commissioners (RSCs): They make decisions about new academies. [1]",
        False,
        citations=(citation,),
    )
    assert said(answer) == [
        "Regional Schools Commissioners (RSCs): They make decisions about new academies."
    ]
    turn = answered_turn(answer.question, said(answer))
    assert turn == "Who decides if a school becomes an academy? (Regional Schools Commissioners)"
    assert resolve("who holds them to account?", [turn]).text == (
        "who holds Regional Schools Commissioners to account?"
    )
    # An answer whose opening names no subject gives the first actor it names.
    introduced = ["2014 saw the introduction of regional schools commissioners (RSCs)."]
    assert answered_turn("Who approves academy conversions?", introduced).endswith(
        "(regional schools commissioners)"
    )
    # Answered about the actor the question names: nothing to add.
    assert answered_turn("Who are RSCs accountable to?", ["RSCs are civil servants."]) == (
        "Who are RSCs accountable to?"
    )
    assert said(Answer("q", "The documents don't cover this.", True)) == []


def test_standalone_question_is_left_alone() -> None:
    question = "Who holds the power to inspect schools?"
    resolved = resolve(question, ["Where does Ofsted draw its legitimacy from?"])
    assert resolved.text == question and not resolved.from_history
    assert resolve(question).dimensions == ("authority",)


def _chunk(text_doc: str = DOC):
    return chunk_sections(SourceInfo("d", "d.md", "D"), parse_sections(text_doc), text_doc)


def test_compose_brings_the_antecedent_of_a_pronoun_and_quotes_the_file() -> None:
    chunk = _chunk()[0]
    it_sentence = chunk.sentences[1]
    assert it_sentence.text == "It holds the power to inspect schools."
    text, sentences, citations = compose([ScoredSentence(it_sentence, chunk, 1, 0.9, 1.0, 1.0)])
    assert text == (
        "Ofsted was set up by an Act of Parliament. It holds the power to inspect schools. [1]"
    )
    assert [s.citation for s in sentences] == [1, 1]
    (citation,) = citations
    assert DOC[citation.start : citation.end] == citation.quote
    assert citation.quote == (
        "Ofsted was set up by an Act of Parliament. It holds the power to inspect schools."
    )
    assert citation.section == "The inspection space > Ofsted > Authority"
    assert chunk.text[citation.highlight[0] : citation.highlight[1]] == citation.quote


def test_compose_numbers_passages_in_order() -> None:
    chunks = _chunks = _chunk()
    picks = [
        ScoredSentence(chunks[2].sentences[0], chunks[2], 1, 0.9, 1.0, 1.0),
        ScoredSentence(chunks[1].sentences[0], chunks[1], 2, 0.8, 1.0, 0.9),
    ]
    text, _, citations = compose(picks)
    assert text.endswith("[2]") and "[1]" in text
    assert [c.section.split(" > ")[1] for c in citations] == [RSC.replace("ers", "s"), "Ofsted"]


LIST_DOC = """\
## Teaching schools

Teaching schools matter. Currently, the remit of teaching schools is three-fold:

- School-led Initial Teacher Training;
- Professional and leadership development; and
- School-to-school support.

But there is a lot of variation in the system.

## RSCs

They hold a power to intervene in very specific circumstances. This includes unacceptably low
standards. The intervention space is crowded. There is duplication of powers.

In 2012, he said: ‘Accountability was upward. We believe it should also be downwards.’ Then
nothing more.
"""


def _compose_one(doc: str, sentence_text: str) -> str:
    for chunk in _chunk(doc):
        for sentence in chunk.sentences:
            if sentence.text == sentence_text:
                return compose([ScoredSentence(sentence, chunk, 1, 0.9, 1.0, 1.0)])[0]
    raise AssertionError(f"no sentence {sentence_text!r}")


def test_compose_brings_a_list_after_its_introduction() -> None:
    text = _compose_one(LIST_DOC, "Currently, the remit of teaching schools is three-fold:")
    assert text == (
        "Currently, the remit of teaching schools is three-fold: School-led Initial Teacher "
        "Training; Professional and leadership development; and School-to-school support. [1]"
    )


DASH_DOC = """# Articles

## Appointing directors

Any person who is willing to act as a director may be appointed to be a director—

- (a) by ordinary resolution, or
- (b) by a decision of the directors.

Directors may retire.
"""


def test_compose_brings_the_items_a_dash_announces() -> None:
    text = _compose_one(
        DASH_DOC,
        "Any person who is willing to act as a director may be appointed to be a director—",
    )
    assert text == (
        "Any person who is willing to act as a director may be appointed to be a director— "
        "(a) by ordinary resolution, or (b) by a decision of the directors. [1]"
    )


RATIO_DOC = """# Framework

## Staff: child ratios

For children aged two:

- There must be at least one member of staff for every five children.
- At least half of all other staff must hold an approved level 2 qualification.

For children aged three and over:

- There must be at least one member of staff for every eight children.
"""


def test_a_list_item_is_read_and_quoted_with_its_lead_in() -> None:
    chunk = next(c for c in _chunk(RATIO_DOC) if "every eight" in c.text)
    by_text = {s.text: s for s in chunk.sentences}
    eight = by_text["There must be at least one member of staff for every eight children."]
    lead = chunk.lead_in(eight)
    assert lead is not None and lead.text == "For children aged three and over:"
    assert chunk.lead_in(by_text["For children aged two:"]) is None  # prose has none
    # Quoted with its lead-in, and the items between them so the quote stays one stretch.
    assert _compose_one(
        RATIO_DOC, "At least half of all other staff must hold an approved level 2 qualification."
    ) == (
        "For children aged two: There must be at least one member of staff for every five "
        "children. At least half of all other staff must hold an approved level 2 "
        "qualification. [1]"
    )


POLICY_DOC = """# Workload agreement

## Ensuring fair and reasonable workload

How the trust ensures fair and reasonable workload:

- the executive leadership team has a commitment to reducing work hours for all teachers
- we ensure that the appraisal of all staff includes a workload review of every kind
- we take supporting actions to ensure employers exercise their duty of care to employees
- we have a working party to review curriculum planning systems across the trust
- we ensure that the trust completes a workload impact assessment before any new policy
"""


def test_a_list_item_far_below_its_lead_in_is_quoted_with_the_lead_in_apart() -> None:
    # Quoting the four items between them would bury the one asked about at the end.
    text = _compose_one(
        POLICY_DOC,
        "we ensure that the trust completes a workload impact assessment before any new policy",
    )
    assert text == (
        "How the trust ensures fair and reasonable workload: … we ensure that the trust "
        "completes a workload impact assessment before any new policy [1] [2]"
    )


TEMPLATE_DOC = """# Board report

## For information only (will not be discussed unless board members want to)

- Sixth Form destinations
- Complaints are received at CEO level.
"""


def test_a_list_item_without_a_lead_in_is_given_its_heading() -> None:
    # The heading says what the items are; it is not quoted (it is no sentence of the passage).
    assert _compose_one(TEMPLATE_DOC, "Sixth Form destinations") == (
        "For information only (will not be discussed unless board members want to): "
        "Sixth Form destinations [1]"
    )
    # An item that is a sentence says what it is about itself; one with a lead-in has that.
    assert _compose_one(TEMPLATE_DOC, "Complaints are received at CEO level.").startswith(
        "Complaints are received"
    )
    assert _compose_one(
        RATIO_DOC, "There must be at least one member of staff for every eight children."
    ).startswith("For children aged three and over: There must be")


def test_compose_brings_an_elaboration_a_reason_and_the_rest_of_a_quotation() -> None:
    assert _compose_one(
        LIST_DOC, "They hold a power to intervene in very specific circumstances."
    ).endswith("This includes unacceptably low standards. [1]")
    assert _compose_one(LIST_DOC, "The intervention space is crowded.") == (
        "The intervention space is crowded. There is duplication of powers. [1]"
    )
    assert _compose_one(LIST_DOC, "In 2012, he said: ‘Accountability was upward.") == (
        "In 2012, he said: ‘Accountability was upward. We believe it should also be downwards.’ [1]"
    )


ARTICLES_DOC = """# Articles

## Termination of director's appointment

1. A person ceases to be a director as soon as—
2. (a) a bankruptcy order is made against that person;
3. (b) notification is received by the company that the person is resigning.

4. The directors may appoint a chairman.
"""


def test_a_numbered_article_is_the_lead_in_of_its_lettered_clauses() -> None:
    # Each numbered line is a list item; the article that announces the clauses is still their
    # lead-in, so a clause is never quoted without it.
    chunk = next(c for c in _chunk(ARTICLES_DOC) if "bankruptcy" in c.text)
    by_text = {s.text: s for s in chunk.sentences}
    clause = by_text["(b) notification is received by the company that the person is resigning."]
    lead = chunk.lead_in(clause)
    assert lead is not None and lead.text == "A person ceases to be a director as soon as—"
    assert chunk.lead_in(by_text["The directors may appoint a chairman."]) is None


@pytest.fixture
def assistant(tmp_path: Path, fake_embedder) -> Assistant:
    # The fake embedder's similarities run lower than the real model's: a looser dense floor.
    policy = AbstentionPolicy(min_dense=0.3, max_unknown_weight=0.45, min_evidence=0.3)
    return fake_assistant(tmp_path, DOC, fake_embedder, top_k=4, max_citations=2, policy=policy)


def test_answer_cites_the_matching_cell(assistant: Assistant) -> None:
    answer = assistant.answer("Who are RSCs accountable to?")
    assert not answer.abstained
    assert answer.citations[0].quote.startswith("RSCs are accountable to the Secretary of State")
    assert answer.text.startswith("RSCs are accountable")


def test_followup_answer_uses_history(assistant: Assistant) -> None:
    answer = assistant.answer(
        "And where do they draw their authority from?", history=["What powers does Ofsted hold?"]
    )
    assert answer.citations[0].quote == "Ofsted draws its authority from Parliament."


def test_filters_restrict_citations(assistant: Assistant) -> None:
    answer = assistant.answer(
        "Where do they draw their authority from?", filters=Filters(spaces=("intervention",))
    )
    assert answer.citations and all(
        c.section.startswith("The intervention space") for c in answer.citations
    )


def test_unknown_subject_abstains_without_citations(assistant: Assistant) -> None:
    answer = assistant.answer("What is the capital of France?")
    assert answer.abstained and answer.citations == ()
    assert answer.text.startswith("The documents don't cover this")


def test_empty_question_abstains(assistant: Assistant) -> None:
    answer = assistant.answer("   ")
    assert answer.abstained and answer.text.startswith("Please type a question")


def test_abstention_policy_thresholds() -> None:
    policy = AbstentionPolicy(min_dense=0.4, max_unknown_weight=0.5, min_evidence=0.3)
    assistant = Assistant.__new__(Assistant)
    assistant.policy = policy
    assert not assistant.should_abstain(Evidence(0.6, 0.5, 0.0))
    assert assistant.should_abstain(Evidence(0.39, 1.0, 0.0))  # loosely on topic
    assert assistant.should_abstain(Evidence(0.9, 1.0, 0.6))  # key terms absent from corpus
    assert assistant.should_abstain(Evidence(0.41, 0.0, 0.0))  # 0.55*0.41 = 0.23 < 0.3


def test_answer_json_matches_the_contract(assistant: Assistant) -> None:
    data = assistant.answer("Who are RSCs accountable to?").to_json()
    assert list(data) == ["question", "answer", "abstained", "citations", "latency_ms"]
    assert list(data["citations"][0]) == [
        "n", "doc_id", "title", "section", "page", "text", "quote", "start", "end",
    ]  # fmt: skip
    assert assistant.answer("x").to_json("q1")["id"] == "q1"


def test_a_followup_is_read_from_its_asking_clause_not_the_askers_situation() -> None:
    earlier = ["Where does Ofsted draw its authority from?", "And RSCs?"]
    resolved = resolve(
        "Thanks. I also govern a maintained school — what about local authorities?", earlier
    )
    assert resolved.actors == ("Local authorities",)
    assert resolved.text == "Where does local authorities draw its authority from?"
    resolved = resolve(
        "Useful for our academy governors. And local authorities, for our maintained schools?",
        ["Who are RSCs accountable to?"],
    )
    assert resolved.actors == ("Local authorities",)  # the governors are who is asking
    assert resolved.text == "Who are local authorities accountable to?"


def test_the_earlier_turn_a_followup_carries_is_not_what_it_asks() -> None:
    from index.question import asking_clause, asking_sentence

    carried = "What if there are fewer than that? (How many directors make a quorum?)"
    assert asking_sentence(carried) == "What if there are fewer than that?"
    assert asking_sentence("We met. Who chairs (the board)?") == "Who chairs (the board)?"
    assert asking_clause("I govern a school — what about councils?") == "what about councils?"
    assert asking_clause("Is a co-opted governor - elected?") == "Is a co-opted governor - elected?"


def test_a_comparison_prefers_the_sentence_that_sets_one_side_against_the_other() -> None:
    from engine.extractive import sets_against

    both = ("Ofsted", RSC)
    assert sets_against("Unlike Ofsted, they exercise 'executive' power.", both)
    assert not sets_against("Unlike Ofsted, they exercise 'executive' power.", (RSC,))
    assert not sets_against("Ofsted holds the power to inspect schools.", both)
    assert not sets_against("Unlike most bodies, they are elected.", both)


NOTIFY_DOC = (
    "# Framework\n\n## Food poisoning\n\n"
    "Registered providers must notify Ofsted of any food poisoning affecting two or more "
    "children. This must be done within 14 days of the incident. Records are kept for a year.\n"
)


def test_compose_brings_the_next_sentence_when_it_points_back_at_the_chosen_one() -> None:
    text = _compose_one(
        NOTIFY_DOC,
        "Registered providers must notify Ofsted of any food poisoning affecting two or more "
        "children.",
    )
    assert text == (
        "Registered providers must notify Ofsted of any food poisoning affecting two or more "
        "children. This must be done within 14 days of the incident. [1]"
    )


def _refusing(tmp_path: Path, fake_embedder, documents: dict[str, str]) -> Assistant:
    """An assistant over `documents` (file name: Markdown) that abstains on every question and
    names every passage as nearby."""
    from conftest import index_folder

    from index.search import HybridIndex

    folder = tmp_path / "docs"
    folder.mkdir()
    for name, text in documents.items():
        (folder / name).write_text(text, encoding="utf-8")
    store = index_folder(folder, tmp_path, fake_embedder)
    policy = AbstentionPolicy(min_dense=2.0, min_nearby=-1.0)
    return Assistant(HybridIndex.load(store, fake_embedder), policy=policy)


def test_nearby_sections_name_their_document_when_the_library_holds_several(
    tmp_path: Path, fake_embedder
) -> None:
    other = "# Membership\n\n## Termination of membership\n\nMembership is not transferable.\n"
    answer = _refusing(tmp_path, fake_embedder, {"a.md": DOC, "b.md": other}).answer(
        "Can a member hand their membership to someone else?"
    )
    assert answer.abstained and answer.nearby
    titles = {"The inspection space", "Membership"}
    assert all(entry.endswith(tuple(f" ({t})" for t in titles)) for entry in answer.nearby)
    assert "Nearby, they cover: " + "; ".join(answer.nearby) in answer.text


def test_nearby_sections_of_a_single_document_are_not_titled(tmp_path: Path, fake_embedder) -> None:
    refusing = _refusing(tmp_path, fake_embedder, {"a.md": DOC})
    answer = refusing.answer("Who inspects schools?")
    assert answer.abstained and answer.nearby
    sections = {chunk.section_path for chunk in refusing.index.chunks.values()}
    assert set(answer.nearby) <= sections


def test_a_refusal_names_the_sections_of_its_best_sentences_before_the_best_passages(
    tmp_path: Path, fake_embedder
) -> None:
    # The passage holding the answer to a refused question is often found through one of its
    # sentences, not ranked among the first passages: its section is named first.
    from engine.assistant import Retrieval
    from index.types import Hit

    refusing = _refusing(tmp_path, fake_embedder, {"a.md": DOC})
    # (A document's first passage may be its cover, which is never named.)
    chunks = [c for c in refusing.index.chunks.values() if c.id not in refusing.index.cover]
    assert len({chunk.section_path for chunk in chunks}) == len(chunks) == 3
    ranked, by_sentence = chunks[:1], chunks[1:]
    hits = [Hit(chunk, 1.0, rank, 0.9) for rank, chunk in enumerate(ranked, start=1)]
    scored = [
        ScoredSentence(sentence, chunk, 5, 0.8 - 0.1 * i, 0.5, 0.6 - 0.1 * i)
        for i, chunk in enumerate([by_sentence[0], by_sentence[0], by_sentence[1], ranked[0]])
        for sentence in chunk.sentences[:1]
    ]
    query = refusing.read("Who decides?")
    found = Retrieval(query, hits, scored, Evidence(0.1, 0.1, 0.0), abstain=True)
    answer = refusing.abstention("Who decides?", found, 0.0)
    assert answer.nearby == (
        by_sentence[0].section_path,
        by_sentence[1].section_path,
        ranked[0].section_path,
    )


CEASING_DOC = """# Articles

## Termination of director's appointment

A person ceases to be a director as soon as—

- (a) that person is prohibited from being a director by law;
- (b) a bankruptcy order is made against that person;
- (c) a composition is made with that person's creditors generally;
- (d) notification is received by the company that the director is resigning from office.

## Directors' remuneration

Directors may undertake any services for the company that the directors decide.
"""


def _small_passages(doc: str) -> tuple[list[Chunk], dict[str, Chunk]]:
    """`doc` cut into passages too small for its list, and the passage after each."""
    small = ChunkingConfig(max_tokens=60)
    chunks = chunk_sections(SourceInfo("d", "d.md", "D"), parse_sections(doc), doc, small)
    return chunks, {a.id: b for a, b in pairwise(chunks)}


def test_a_lettered_list_split_between_passages_is_quoted_to_its_end() -> None:
    chunks, following = _small_passages(CEASING_DOC)
    first = next(c for c in chunks if "as soon as" in c.text)
    assert "(d)" not in first.text and "(d)" in following[first.id].text
    lead = first.sentences[0]
    text, _, citations = compose(
        [ScoredSentence(lead, first, 1, 0.9, 1.0, 1.0)], lambda c: following.get(c.id)
    )
    assert "(c) a composition" in text and "(d) notification" in text and "resigning" in text
    assert text.index("(c)") < text.index("(d)")
    assert [c.chunk_id for c in citations][:1] == [first.id] and len(citations) >= 2
    # The next section is not the list's rest, and without neighbours nothing is added.
    assert "remuneration" not in text and "services" not in text
    alone, _, _ = compose([ScoredSentence(lead, first, 1, 0.9, 1.0, 1.0)])
    assert "(d)" not in alone


BULLETED_DOC = """# Framework

## Safeguarding policies

Safeguarding policies must include:

- The action to be taken when there are safeguarding concerns about a child.
- The action to be taken in the event of an allegation against a member of staff.
- How mobile phones and cameras are used in the setting.
- Procedures to check the suitability of new recruits.

Providers may find it helpful to read the local partnership's guidance.
"""


def test_a_bulleted_list_quoted_to_its_passages_end_goes_on_in_the_next() -> None:
    chunks, following = _small_passages(BULLETED_DOC)
    first = next(c for c in chunks if "must include" in c.text)
    assert first.sentences[-1].list_item and "new recruits" not in first.text
    lead = first.sentences[0]
    text, _, _ = compose(
        [ScoredSentence(lead, first, 1, 0.9, 1.0, 1.0)], lambda c: following.get(c.id)
    )
    assert "mobile phones" in text and "new recruits" in text
    assert "helpful to read" not in text  # the prose after the list is not one of its items


@pytest.mark.parametrize(
    ("earlier", "later", "expected"),
    [
        ("(a) by ordinary resolution", "(b) by a decision", True),
        ("(e) by reason of", "(f) notification", True),
        ("(iii) a member", "(iv) a director", True),
        ("(h) the chair", "(i) the clerk", True),
        ("2. The board", "3. The chair", True),
        ("The chairman of the meeting must—", "(a) either specify", True),
        ("(a) by ordinary resolution", "(c) by a decision", False),
        ("Help a baby who is choking.", "The full course lasts 12 hours.", False),
        ("The board meets termly.", "(a) either specify", False),
    ],
)
def test_which_clause_follows_which(earlier: str, later: str, expected: bool) -> None:
    from engine.extractive import follows

    assert follows(earlier, later) is expected


def test_a_turn_that_brings_a_word_no_document_uses_starts_afresh() -> None:
    from engine.query import read_query
    from index.vocabulary import Vocabulary

    vocabulary = Vocabulary.learn(
        ["Ofsted inspects schools and tells parents what it finds. Ofsted is accountable."] * 3
    )
    history = ["Who inspects schools?"]
    joke = read_query("Tell me a joke", history, vocabulary)
    assert joke.resolved.text == "Tell me a joke" and not joke.resolved.from_history
    # Words the documents use, or a word that points back, still follow on.
    assert read_query("Why?", history, vocabulary).resolved.from_history
    assert read_query("and what does it tell parents?", history, vocabulary).resolved.from_history
    assert read_query("And is that joke true of them?", history, vocabulary).resolved.from_history


def test_the_words_naming_the_document_asked_about_are_where_to_look_not_what_to_find() -> None:
    from engine.query import source_words

    assert source_words("What does the EYFS framework say about British values?") == {
        "eyf",
        "framework",
    }
    assert source_words("and what do the articles say about proxies") == {"articl"}
    assert source_words("What does Ofsted do?") == frozenset()  # an actor, not a document
    assert source_words("How does the ESFA intervene?") == frozenset()


SAFEGUARDING_DOC = """# Framework

## Further reading on safeguarding

Providers may find it helpful to read 'Safeguarding children in early years settings'.

## Safeguarding children

In every setting, a practitioner must be designated to take lead responsibility for
safeguarding children.
"""


def test_a_sentence_sending_the_reader_elsewhere_counts_less_unless_asked_where_to_read(
    tmp_path: Path, fake_embedder
) -> None:
    from engine.extractive import POINTER_PENALTY, _bonus

    policy = AbstentionPolicy(min_dense=0.0, max_unknown_weight=1.0, min_evidence=0.0)
    assistant = fake_assistant(tmp_path, SAFEGUARDING_DOC, fake_embedder, policy=policy)
    sentences = [(c, s) for c in assistant.index.chunks.values() for s in c.sentences]
    (pointer,) = [(c, s) for c, s in sentences if s.text.startswith("Providers may find")]
    (duty,) = [(c, s) for c, s in sentences if s.text.startswith("In every setting")]
    who = assistant.read("Who is responsible for safeguarding children?")
    assert _bonus(who, *pointer) == pytest.approx(_bonus(who, *duty) - POINTER_PENALTY)
    where = assistant.read("Where can we read more on safeguarding children?")
    assert _bonus(where, *pointer) == pytest.approx(_bonus(where, *duty))


def test_sentences_are_also_compared_with_the_asking_sentence_after_a_remark(
    assistant: Assistant,
) -> None:
    """The asker's remark pulls the whole question's vector away from the answer; each sentence
    is scored by the closer of the whole question and its asking sentence alone."""
    embed = assistant.index.embedder.embed
    alone = "Who holds the power to inspect schools?"
    assert assistant.asking_vector(assistant.read(alone)) is None
    # A short asking sentence says too little apart from its remark.
    assert assistant.asking_vector(assistant.read("Our board met today. Who inspects?")) is None
    remark = "Our governing board met yesterday to plan the budget and the staffing for next year."
    question = assistant.read(f"{remark} {alone}")
    vector = assistant.asking_vector(question)
    assert vector is not None and np.allclose(vector, embed([alone])[0])
    found = assistant.retrieve(question)
    whole = assistant.index.embed_query(question.search_text)
    closer = 0
    for scored in found.scored:
        stored = assistant.sentence_embeddings.get([(scored.chunk, scored.sentence)])[0]
        assert scored.dense == pytest.approx(max(stored @ whole, stored @ vector), abs=1e-5)
        closer += stored @ vector > stored @ whole
    assert closer  # the remark drew the whole question away from some sentence


def test_words_only_the_askers_story_uses_do_not_count_against_the_documents() -> None:
    from engine.assistant import weighed_terms
    from engine.query import read_query
    from index.lexical import tokenize
    from index.types import Terms
    from index.vocabulary import Vocabulary

    known = set(tokenize("Ofsted inspects schools. A child absent without notice is referred."))
    vocabulary = Vocabulary.learn(["Ofsted inspects schools."] * 3)

    def terms_of(question: str) -> Terms:
        query = read_query(question, (), vocabulary)
        words = {token: 1.0 for token in query.tokens}
        return weighed_terms(query, Terms(words, frozenset(set(words) - known)))

    story = terms_of("Mum isn't answering her phone. What if a child is absent without notice?")
    assert story.unknown == frozenset() and "mum" not in story.weights
    assert story.coverage(known) == 1.0
    # The thing asked about, unknown to the documents, still weighs as unknown.
    asked = terms_of("Mum asked me. What grade did Ofsted give Oakfield school?")
    assert {"oakfield", "grade"} <= asked.unknown and "mum" not in asked.weights
    assert asked.unknown_share > 0.3


def test_a_refusal_names_the_section_of_the_closest_sentence_first(
    tmp_path: Path, fake_embedder
) -> None:
    import dataclasses

    from engine.extractive import ScoredSentence

    refusing = _refusing(tmp_path, fake_embedder, {"a.md": DOC})
    found = refusing.retrieve(refusing.read("Who inspects schools?"))
    shown = {hit.chunk.section_path for hit in found.hits[:3]}
    elsewhere = next(c for c in refusing.index.chunks.values() if c.section_path not in shown)
    closest = ScoredSentence(elsewhere.sentences[0], elsewhere, 9, 0.5, 0.1, 0.4)
    found = dataclasses.replace(found, scored=[closest, *found.scored])
    answer = refusing.abstention("Who inspects schools?", found, 0.0)
    assert answer.abstained and answer.nearby[0] == elsewhere.section_path
    assert len(answer.nearby) == 3 and set(answer.nearby[1:]) <= shown


def test_a_question_asking_for_a_figure_gets_no_runner_up_without_one() -> None:
    """ "How much floor space per child?" was answered with 3.5 m² and then with "There should
    be a separate baby room", which scored close but gives no figure: padding that the reader
    must read past and that counts against the answer's precision."""
    from engine.extractive import select
    from engine.query import read_query
    from index.vocabulary import Vocabulary

    doc = (
        "## Indoor space\n\nChildren under two years need 3.5 square metres per child. "
        "There should be a separate baby room for babies. "
        "Outdoor play areas are counted at 9 square metres for each room.\n"
    )
    chunk = _chunk(doc)[0]
    figure, no_figure, other_figure = chunk.sentences
    scored = [
        ScoredSentence(figure, chunk, 1, 0.9, 1.0, 1.0),
        ScoredSentence(no_figure, chunk, 1, 0.9, 1.0, 0.95),
        ScoredSentence(other_figure, chunk, 1, 0.9, 1.0, 0.9),
    ]
    vocabulary = Vocabulary.learn([doc] * 3)
    how_much = read_query("How much floor space does each baby need?", (), vocabulary)
    assert [s.sentence for s in select(scored, how_much, 3)] == [figure, other_figure]
    # A question that asks for no figure keeps every close runner-up.
    what = read_query("What are the rules on indoor space for babies?", (), vocabulary)
    assert len(select(scored, what, 3)) == 3
