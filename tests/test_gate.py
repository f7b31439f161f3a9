from evals.gate import GateConfig, check

CONFIG = GateConfig(
    floors={"hit@5": 0.9, "false_abstention_rate": 0.05},
    tolerance=0.02,
    baseline="unused",
    compare_to_baseline=["hit@5", "citation_recall", "false_abstention_rate"],
)
BASELINE = {"overall": {"hit@5": 0.95, "citation_recall": 0.9, "false_abstention_rate": 0.01}}


def _metrics(**overall: float) -> dict:
    values = {"hit@5": 0.95, "citation_recall": 0.9, "false_abstention_rate": 0.01}
    values.update(overall)
    return {"overall": values}


def test_passes_at_the_baseline() -> None:
    assert check(_metrics(), CONFIG, BASELINE) == []
    assert check(_metrics(**{"hit@5": 0.935}), CONFIG, BASELINE) == []  # within tolerance


def test_fails_below_a_floor_or_above_a_ceiling() -> None:
    failures = check(_metrics(**{"hit@5": 0.85, "false_abstention_rate": 0.1}), CONFIG, None)
    assert [(f.metric, f.reason) for f in failures] == [
        ("hit@5", "is below its floor"),
        ("false_abstention_rate", "is above its ceiling"),
    ]


def test_fails_on_a_drop_beyond_tolerance_from_the_baseline() -> None:
    failures = check(_metrics(citation_recall=0.87), CONFIG, BASELINE)
    assert [f.metric for f in failures] == ["citation_recall"]
    assert failures[0].limit == 0.9 - 0.02
    worse_rate = check(_metrics(false_abstention_rate=0.04), CONFIG, BASELINE)
    assert [f.metric for f in worse_rate] == ["false_abstention_rate"]


def test_missing_metric_fails() -> None:
    assert [f.metric for f in check({"overall": {}}, CONFIG, None)] == [
        "hit@5",
        "false_abstention_rate",
    ]
