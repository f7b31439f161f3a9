"""Each metric on hand-made inputs with known values."""

import dataclasses
import math

import pytest

from app.gold import contains, normalise
from evals.metrics import (
    aggregate,
    by_split,
    citation_precision,
    citation_recall,
    first_match_ranks,
    hit_at,
    key_fact_recall,
    ndcg_at,
    percentile,
    recall_at,
    reciprocal_rank,
    score_item,
)


def test_matching_ignores_case_punctuation_spacing_and_markdown() -> None:
    assert normalise("**Decision-making**, who  decides?") == "decisionmakingwhodecides"
    assert contains("RSCs’ powers *trump* those", "rscs powers trump")
    assert not contains("anything", "")


def test_ranks_and_retrieval_metrics() -> None:
    passages = ["nothing here", "Ofsted draws its authority from Parliament.", "RSCs decide."]
    groups = [["draws its authority from Parliament"], ["RSCs decide"], ["never present"]]
    ranks = first_match_ranks(passages, groups)
    assert ranks == [2, 3, None]
    assert hit_at(ranks, 1) == 0.0 and hit_at(ranks, 2) == 1.0
    assert recall_at(ranks, 2) == pytest.approx(1 / 3)
    assert recall_at(ranks, 5) == pytest.approx(2 / 3)
    assert reciprocal_rank(ranks) == 0.5
    ideal = 1 + 1 / math.log2(3) + 1 / math.log2(4)
    assert ndcg_at(ranks, 5) == pytest.approx((1 / math.log2(3) + 1 / math.log2(4)) / ideal)
    assert ndcg_at([1], 5) == 1.0 and reciprocal_rank([None]) == 0.0


def test_citation_and_key_fact_metrics() -> None:
    cited = ["RSCs are accountable to the Secretary of State.", "Unrelated text."]
    groups = [["accountable to the Secretary of State"], ["elected councillors"]]
    assert citation_recall(cited, groups) == 0.5
    assert citation_precision(cited, groups, [["Secretary of State"]]) == 0.5
    assert citation_precision(["Mentions Parliament."], [], [["Parliament"]]) == 1.0
    assert citation_precision([], groups, []) == 0.0
    assert key_fact_recall("Ofsted, via Parliament", [["Ofsted"], ["Crown", "Parliament"]]) == 1
    assert key_fact_recall("Ofsted", [["Ofsted"], ["Crown"]]) == 0.5
    assert key_fact_recall("anything", []) == 1.0


def test_percentile_interpolates() -> None:
    assert percentile([10, 20, 30, 40], 50) == 25
    assert percentile([10, 20, 30, 40], 95) == pytest.approx(38.5)
    assert percentile([], 50) == 0.0


def _score(item_id: str, answerable: bool, abstained: bool, answer: str = "", cited=()):
    return score_item(
        item_id, "power" if answerable else "unanswerable", answerable, abstained, 10.0,
        answer, list(cited), list(cited), [["Parliament"]] if answerable else [],
        [["Parliament"]] if answerable else [],
    )  # fmt: skip


def test_abstention_rates_and_failures() -> None:
    scores = [
        _score("a", True, False, "Parliament [1]", ["Ofsted draws from Parliament."]),
        _score("b", True, True),  # a false abstention
        _score("u1", False, True),  # a correct abstention
        _score("u2", False, False),  # answered what the documents do not cover
    ]
    overall = aggregate(scores)
    assert overall["abstention_accuracy"] == 0.5
    assert overall["false_abstention_rate"] == 0.5
    assert overall["key_fact_recall"] == 0.5  # an abstention scores 0 on an answerable item
    assert overall["citation_recall"] == 0.5
    assert overall["citation_precision"] == 1.0  # only non-abstained answers count
    assert overall["failed_items"] == 2
    assert [s.failed for s in scores] == [False, True, False, True]


def test_by_split_aggregates_all_dev_and_test() -> None:
    scores = [
        dataclasses.replace(_score("a", True, False, "Parliament", ["Parliament."]), split="dev"),
        dataclasses.replace(_score("b", True, True), split="test"),
        dataclasses.replace(_score("c", True, False, "Parliament", ["Parliament."]), split="test"),
        dataclasses.replace(_score("u", False, True), split="test"),
    ]
    parts = by_split(scores)
    assert list(parts) == ["all", "dev", "test"]
    assert [parts[s]["items"] for s in ("all", "dev", "test")] == [4, 1, 3]
    assert parts["dev"]["citation_recall"] == 1.0
    assert parts["test"]["citation_recall"] == 0.5  # b abstained, c cited the source
    assert parts["test"]["abstention_accuracy"] == 1.0
    assert parts["dev"]["abstention_accuracy"] is None  # no unanswerable item in dev
    assert parts["all"]["citation_recall"] == pytest.approx(0.6667)


def test_by_split_of_a_file_without_splits_is_all_test() -> None:
    parts = by_split([_score("a", True, False, "Parliament", ["Parliament."])])
    assert parts["test"] == parts["all"]
    assert parts["dev"] == {"items": 0}


def test_a_refusal_that_names_the_section_holding_the_source_points_to_it() -> None:
    def refused(nearby: list[str]):
        return score_item(
            "b", "power", True, True, 10.0, "The documents don't cover this.", [], [],
            [["draws its authority from Parliament"]], [["Parliament"]], nearby=nearby,
        )  # fmt: skip

    pointing = refused(["Ofsted draws its authority from Parliament."])
    elsewhere = refused(["Ofsted inspects schools."])
    assert pointing.nearby_source == 1.0 and elsewhere.nearby_source == 0.0
    answered = _score("a", True, False, "Parliament [1]", ["Ofsted draws from Parliament."])
    assert answered.nearby_source is None and _score("u", False, True).nearby_source is None
    overall = aggregate([pointing, elsewhere, answered])
    assert overall["refusals_pointing_to_a_source"] == 0.5
    assert overall["false_abstention_rate"] == pytest.approx(2 / 3, abs=1e-4)
