"""Fusion, structure preference and hybrid search over a real embedded Chroma (fake vectors)."""

from pathlib import Path
from typing import cast

import numpy as np
import pytest
from conftest import index_folder

from index.lexical import LexicalIndex, tokenize
from index.search import HybridIndex, reciprocal_rank_fusion
from index.store import Store
from index.structural import StructureTable
from index.types import Filters, Preference
from ingest.chunking import chunk_sections
from ingest.structure import parse_sections
from ingest.types import SourceInfo

DOC = """\
# The inspection space

## Ofsted

### Authority

Ofsted holds the power to inspect schools.

### Accountability

Ofsted is ultimately accountable to Parliament.

# The intervention space

## Regional Schools Commissions (RSCs)

### Accountability

RSCs are accountable to the Secretary of State.
"""

# No store at all: the dense ranking runs on the index's own vectors, never on the store.
NO_STORE = cast(Store, None)


def _chunks():
    return chunk_sections(SourceInfo("d", "d.md", "D"), parse_sections(DOC), DOC)


def test_rrf_scores_are_sums_of_reciprocal_ranks() -> None:
    fused = reciprocal_rank_fusion({"dense": ["a", "b", "c"], "lexical": ["b", "d"]}, k=60)
    scores = {i: s for i, s, _ in fused}
    assert [i for i, _, _ in fused] == ["b", "a", "d", "c"]
    assert scores["b"] == pytest.approx(1 / 62 + 1 / 61)
    assert scores["a"] == pytest.approx(1 / 61)
    assert scores["d"] == pytest.approx(1 / 62)
    assert dict((i, src) for i, _, src in fused)["b"] == ("dense", "lexical")


def test_rrf_weights() -> None:
    fused = reciprocal_rank_fusion({"x": ["a"], "y": ["b"]}, weights={"y": 2.0}, k=0)
    assert [(i, s) for i, s, _ in fused] == [("b", 2.0), ("a", 1.0)]


def test_structural_ranking_picks_the_named_cells() -> None:
    chunks = _chunks()
    ofsted_auth, ofsted_acc, rsc_acc = (c.id for c in chunks)
    rsc = "Regional Schools Commissioners (RSCs)"

    def rank(preference: Preference) -> list[str]:
        return StructureTable(chunks).rank(preference, tie_break=[], filters=Filters(), k=30)

    assert rank(Preference(actors=(rsc,), dimensions=("accountability",))) == [rsc_acc]
    both = Preference(actors=("Ofsted", rsc), dimensions=("accountability", "authority"))
    assert rank(both) == [ofsted_auth, ofsted_acc, rsc_acc]  # ties in document order
    assert rank(Preference(dimensions=("accountability",))) == []  # a dimension alone: no
    assert rank(Preference(actors=("Ofsted",))) == []  # an actor alone: no
    assert rank(Preference()) == []


def test_lexical_search_filters_and_scores() -> None:
    chunks = _chunks()
    lexical = LexicalIndex(chunks)
    hits = lexical.search("who inspects schools", 5, Filters())
    assert hits[0][0] == chunks[0].id
    # Only the RSC chunk is in the intervention space, and it shares no word with this query.
    assert lexical.search("Ofsted inspects", 5, Filters(spaces=("intervention",))) == []
    assert "inspect" in lexical and "zebra" not in lexical


def test_hybrid_search_over_embedded_chroma(tmp_path: Path, fake_embedder) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "d.md").write_text(DOC, encoding="utf-8")
    store = index_folder(tmp_path / "docs", tmp_path, fake_embedder)
    index = HybridIndex.load(store, fake_embedder)
    hits = index.search("Who are RSCs accountable to?", k=3)
    assert hits[0].chunk.text == "RSCs are accountable to the Secretary of State."
    assert [h.rank for h in hits] == [1, 2, 3]
    assert hits[0].dense_similarity is not None and hits[0].dense_similarity > 0.3
    only_inspection = index.search("accountable", k=3, filters=Filters(spaces=("inspection",)))
    assert {h.chunk.tags.space for h in only_inspection} == {"inspection"}
    only_doc = index.search("accountable", k=3, filters=Filters(doc_ids=("other",)))
    assert only_doc == []


def test_dense_ranking_is_exact_and_the_same_in_every_process(
    tmp_path: Path, fake_embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The dense candidates are every chunk's cosine to the question, best first: not Chroma's
    HNSW query, whose graph an embedded Chroma rebuilds on opening in no fixed order, so that a
    passage near the end of the candidates was found in one process and missed in the next (a
    question answered in 9 runs of 10 and refused in the tenth)."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "d.md").write_text(DOC, encoding="utf-8")
    store = index_folder(tmp_path / "docs", tmp_path, fake_embedder)
    vectors = {c.id: v for page, rows in store.export() for c, v in zip(page, rows, strict=True)}

    def approximate(*_: object) -> list[tuple[str, float]]:
        raise AssertionError("the dense ranking asked Chroma's approximate index")

    monkeypatch.setattr(store, "search", approximate)
    index = HybridIndex.load(store, fake_embedder)
    question = "Who is Ofsted accountable to?"
    vector = fake_embedder.embed([question])[0]
    for filters in (Filters(), Filters(spaces=("inspection",))):
        allowed = [c for c in index.chunks.values() if filters.allows(c)]
        cosine = {c.id: float(vectors[c.id] @ vector) for c in allowed}
        exact = sorted(cosine, key=lambda i: -cosine[i])
        for k in (1, 2, 3):
            got = index.dense_search(vector, k, filters)
            assert [i for i, _ in got] == exact[:k]
            assert [s for _, s in got] == pytest.approx([cosine[i] for i in exact[:k]], abs=1e-6)
        hits = index.search(question, k=3, filters=filters)
        assert {h.chunk.id: h.dense_similarity for h in hits} == pytest.approx(
            {h.chunk.id: cosine[h.chunk.id] for h in hits}, abs=1e-6
        )


def test_dense_ties_go_to_document_order(fake_embedder) -> None:
    chunks = _chunks()
    same = np.full((len(chunks), 4), 0.5, dtype=np.float32)  # unit rows, every one as near
    index = HybridIndex(
        NO_STORE, fake_embedder, {c.id: c for c in chunks}, LexicalIndex(chunks), same
    )
    got = index.dense_search(np.ones(4, dtype=np.float32), 2, Filters())
    assert [i for i, _ in got] == [c.id for c in chunks[:2]]
    assert [s for _, s in got] == pytest.approx([1.0, 1.0])


def test_a_form_of_a_defined_abbreviation_is_no_unknown_word(fake_embedder) -> None:
    """The documents define "Regional Schools Commissions (RSCs)" and write "RSCs"; a question
    saying "RSC" uses no word they lack: it is neither weighed as a missing concept nor refused
    for it."""
    chunks = _chunks()
    vectors = np.ones((len(chunks), 4), dtype=np.float32)
    index = HybridIndex(
        NO_STORE, fake_embedder, {c.id: c for c in chunks}, LexicalIndex(chunks), vectors
    )
    assert "rsc" not in index.lexical and ("rsc",) in index.vocabulary.aliases
    assert index.terms(("rsc", "account")).unknown == frozenset()
    assert index.terms(("oakfield", "account")).unknown == {"oakfield"}  # a word they never use


def test_what_is_left_of_a_contraction_is_no_word_of_the_question() -> None:
    """ "We've got nine two year olds and our deputy hasn't got her level 3": the tokenizer
    splits at the apostrophe, and "ve" or "hasn" would count as words no document holds."""
    from index.lexical import tokenize

    tokens = tokenize(
        "We've got nine two year olds and our deputy hasn't got her level 3, isn't it?"
    )
    assert not {"ve", "got", "hasn", "isn"} & set(tokens)
    assert {"nine", "deputi", "level"} <= set(tokens)
    assert tokenize("they're sure we'll know what they didn't") == ("sure",)


def test_questions_are_split_into_words_as_bm25s_splits_the_index() -> None:
    """Questions and sentences are tokenised without bm25s (one text at a time, without its
    progress bars); the keyword index is tokenised by bm25s: a word split differently on
    either side would never match."""
    import bm25s

    from index.lexical import _STEMMER, STOPWORDS, tokenize

    root = Path(__file__).resolve().parent.parent
    lines = [
        line
        for path in sorted((root / "corpus").glob("*.md"))
        for line in path.read_text(encoding="utf-8").splitlines()
    ]
    lines += [
        "",
        "A",
        "the of and",
        "Ofsted's DBS-checks: 2.5m2, £195, 1:13 — naïve Café",
        "x_y 3rd",
    ]
    for line in lines:
        (expected,) = bm25s.tokenize(
            [line], stopwords=STOPWORDS, stemmer=_STEMMER, return_ids=False, show_progress=False
        )
        assert tokenize(line) == tuple(expected), line


def test_a_contraction_typed_without_its_apostrophe_is_no_topic_word() -> None:
    # "whats" and "dont" would otherwise each be a word no document holds: half the question
    # would look like it is about something absent.
    assert tokenize("whats the ratio, dont we need more staff") == tokenize(
        "what's the ratio, don't we need more staff"
    )
