import json
from pathlib import Path

import pytest

from evals.gate import GateConfig, GateError, SetGate, check, check_files

CONFIG = GateConfig(
    sets={
        "gold": SetGate(
            floors={"hit@5": 0.9, "false_abstention_rate": 0.05},
            compare_to_baseline=["hit@5", "citation_recall", "false_abstention_rate"],
        ),
        "gold_rewordings": SetGate(floors={"consistency": 0.5}),
    },
    tolerance=0.02,
)
GOOD = {"hit@5": 0.95, "citation_recall": 0.9, "false_abstention_rate": 0.01, "items": 10}


def _metrics(
    test: dict[str, float] | None = None, *, rewordings: dict | None = None, dev: dict | None = None
) -> dict:
    """A metrics.json whose `gold` set has `test` values over GOOD on the test split."""
    return {
        "sets": {
            "gold": {
                "all": GOOD,
                "dev": {**GOOD, **(dev or {})},
                "test": {**GOOD, **(test or {})},
            },
            "gold_rewordings": {"test": rewordings or {"items": 50, "consistency": 0.6}},
        }
    }


BASELINE = _metrics()


def test_passes_at_the_baseline() -> None:
    assert check([_metrics()], CONFIG, [BASELINE]) == []
    assert check([_metrics({"hit@5": 0.935})], CONFIG, [BASELINE]) == []  # within tolerance


def test_only_the_test_split_is_gated() -> None:
    assert check([_metrics(dev={"hit@5": 0.1})], CONFIG, [BASELINE]) == []
    failures = check([_metrics({"hit@5": 0.1})], CONFIG, [BASELINE])
    assert {(f.set, f.split, f.metric) for f in failures} == {("gold", "test", "hit@5")}


def test_fails_below_a_floor_or_above_a_ceiling() -> None:
    failures = check([_metrics({"hit@5": 0.85, "false_abstention_rate": 0.1})], CONFIG, [])
    assert [(f.metric, f.reason) for f in failures] == [
        ("hit@5", "is below its floor"),
        ("false_abstention_rate", "is above its ceiling"),
    ]
    low = check([_metrics(rewordings={"items": 50, "consistency": 0.4})], CONFIG, [])
    assert [(f.set, f.metric) for f in low] == [("gold_rewordings", "consistency")]
    assert str(low[0]) == "gold_rewordings (test): consistency = 0.4 is below its floor 0.5"


def test_fails_on_a_drop_beyond_tolerance_from_the_baseline() -> None:
    failures = check([_metrics({"citation_recall": 0.87})], CONFIG, [BASELINE])
    assert [f.metric for f in failures] == ["citation_recall"]
    assert failures[0].limit == 0.88
    worse_rate = check([_metrics({"false_abstention_rate": 0.04})], CONFIG, [BASELINE])
    assert [f.metric for f in worse_rate] == ["false_abstention_rate"]


def test_a_missing_metric_or_set_fails() -> None:
    gutted = {"sets": {"gold": {"test": {"items": 3}}}}
    failures = check([gutted], CONFIG, [])
    assert [(f.set, f.metric) for f in failures] == [
        ("gold", "hit@5"),
        ("gold", "false_abstention_rate"),
        ("gold_rewordings", "items"),  # the rewordings' metrics were not given at all
    ]
    empty_split = {"sets": {**_metrics()["sets"], "gold_rewordings": {"test": {"items": 0}}}}
    assert [f.set for f in check([empty_split], CONFIG, [])] == ["gold_rewordings"]


def test_sets_come_from_several_metrics_files_but_only_once() -> None:
    both = _metrics()["sets"]
    split = [
        {"sets": {"gold": both["gold"]}},
        {"sets": {"gold_rewordings": both["gold_rewordings"]}},
    ]
    assert check(split, CONFIG, [BASELINE]) == []
    with pytest.raises(GateError, match="'gold' appears in more than one"):
        check([_metrics(), _metrics()], CONFIG, [])


def test_check_files_names_an_unreadable_metrics_file(tmp_path: Path) -> None:
    config = tmp_path / "evals" / "gate.yaml"
    config.parent.mkdir()
    config.write_text(json.dumps(CONFIG.model_dump()), encoding="utf-8")
    broken = tmp_path / "metrics.json"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(GateError, match=r"metrics\.json is not a readable"):
        check_files([broken], config)
    good = tmp_path / "good.json"
    good.write_text(json.dumps(_metrics()), encoding="utf-8")
    assert check_files([good], config) == []
