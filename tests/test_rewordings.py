"""The rewording set: built from its source and the gold set, and committed up to date."""

from pathlib import Path

import pytest
import yaml

from app.gold import GoldError, GoldItem, load_gold
from evals.gold import with_variants
from evals.rewordings import OUTPUT, Rewording, build, generate, load_rewordings, main, render

ORIGINALS = [
    GoldItem(
        id="q001",
        question="Who holds the power to inspect schools?",
        category="power",
        split="dev",
        history=["What is Ofsted?"],
        must_include=[["Ofsted"]],
        sources=[["It holds the power to inspect schools."]],
        reference="Ofsted.",
    ),
    GoldItem(id="q002", question="Which Act set up Ofsted?", category="fact", split="test"),
]


def test_a_rewording_inherits_everything_but_its_question() -> None:
    built = build(
        ORIGINALS,
        [
            Rewording(variant_of="q001", kind="typo", question="Who hols the power to inspct?"),
            Rewording(variant_of="q002", kind="casual", question="what act made ofsted"),
        ],
    )
    first = built[0]
    assert first.id == "q001-typo" and first.variant_of == "q001" and first.kind == "typo"
    assert first.question == "Who hols the power to inspct?"
    assert (first.category, first.split, first.history, first.answerable) == (
        "power", "dev", ["What is Ofsted?"], True,
    )  # fmt: skip
    assert first.must_include == [["Ofsted"]]
    assert first.sources == [["It holds the power to inspect schools."]]
    assert first.reference == "Ofsted."
    assert (built[1].id, built[1].split, built[1].category) == ("q002-casual", "test", "fact")


@pytest.mark.parametrize(
    ("rewordings", "message"),
    [
        ([Rewording(variant_of="q999", kind="verb", question="?")], "no gold item has the id"),
        (
            [Rewording(variant_of="q001", kind="verb", question="a?")] * 2,
            "a second verb rewording of q001",
        ),
    ],
)
def test_build_rejects_unknown_originals_and_repeated_kinds(rewordings, message) -> None:
    with pytest.raises(GoldError, match=message):
        build(ORIGINALS, rewordings)


def test_the_rendered_file_is_a_valid_gold_file(tmp_path: Path) -> None:
    built = build(ORIGINALS, [Rewording(variant_of="q001", kind="governor", question="As a gov?")])
    path = tmp_path / "rw.yaml"
    path.write_text(render(built), encoding="utf-8")
    assert load_gold(path) == built
    assert "must_include: [[Ofsted]]" in path.read_text()  # one line, as in evals/gold.yaml


def test_a_source_file_with_an_unknown_kind_is_named(tmp_path: Path) -> None:
    source = tmp_path / "src.yaml"
    source.write_text("- {variant_of: q001, kind: slang, question: yo}\n", encoding="utf-8")
    with pytest.raises(GoldError, match=r"src\.yaml: entry 0\.kind"):
        load_rewordings(source)


def test_main_writes_and_checks(tmp_path: Path) -> None:
    gold, source, out = tmp_path / "gold.yaml", tmp_path / "src.yaml", tmp_path / "out.yaml"
    gold.write_text(yaml.safe_dump([o.model_dump() for o in ORIGINALS]), encoding="utf-8")
    source.write_text("- {variant_of: q002, kind: verb, question: Which law}\n", encoding="utf-8")
    paths = ["--gold", str(gold), "--source", str(source), "--out", str(out)]
    assert main([*paths, "--check"]) == 1  # not written yet
    assert main(paths) == 0
    assert main([*paths, "--check"]) == 0
    source.write_text("- {variant_of: q002, kind: verb, question: What law}\n", encoding="utf-8")
    assert main([*paths, "--check"]) == 1


def test_with_variants_needs_an_original_and_unique_ids(tmp_path: Path) -> None:
    variant = GoldItem(id="q001-verb", question="?", variant_of="q001", kind="verb")
    assert with_variants(ORIGINALS, [variant], tmp_path) == [*ORIGINALS, variant]
    stray = GoldItem(id="x-verb", question="?", variant_of="x", kind="verb")
    with pytest.raises(GoldError, match="must name an item of the gold file"):
        with_variants(ORIGINALS, [stray], tmp_path)
    with pytest.raises(GoldError, match="also used by the gold file"):
        with_variants(ORIGINALS, [ORIGINALS[0]], tmp_path)


def test_the_committed_rewording_set_is_up_to_date_with_its_sources() -> None:
    items = generate()
    assert OUTPUT.read_text(encoding="utf-8") == render(items), "run: python -m evals.rewordings"
    answerable = [i for i in load_gold(OUTPUT.parent / "gold.yaml") if i.answerable]
    assert len(items) == 5 * len(answerable)  # five kinds for every answerable gold item
    assert {i.kind for i in items} == {"abbreviation", "verb", "casual", "typo", "governor"}
