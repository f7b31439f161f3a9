"""The CI gate: floors for each metric and a tolerance below the committed baseline."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import BaseModel, Field

# Metrics where lower is better: the gate's numbers for them are ceilings.
LOWER_IS_BETTER = {"false_abstention_rate", "latency_p50_ms", "latency_p95_ms"}


class GateConfig(BaseModel):
    """evals/gate.yaml: what a change must keep."""

    floors: dict[str, float] = Field(description="Lowest allowed value (highest, for rates).")
    tolerance: float = Field(0.02, description="Largest allowed drop below the baseline.")
    baseline: str = Field(description="A committed metrics.json to compare against.")
    compare_to_baseline: list[str] = Field(
        default_factory=list, description="Metrics also held to baseline - tolerance."
    )


@dataclass(frozen=True)
class GateFailure:
    metric: str
    value: float | None
    limit: float
    reason: str

    def __str__(self) -> str:
        return f"{self.metric} = {self.value} {self.reason} {self.limit}"


def load_config(path: Path) -> GateConfig:
    return GateConfig.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


def check(metrics: dict, config: GateConfig, baseline: dict | None) -> list[GateFailure]:
    """Every way `metrics["overall"]` falls short; an empty list passes."""
    overall = metrics["overall"]
    failures: list[GateFailure] = []
    for name, floor in config.floors.items():
        value = overall.get(name)
        lower = name in LOWER_IS_BETTER
        if value is None:
            failures.append(GateFailure(name, None, floor, "is missing; needs"))
        elif lower and value > floor:
            failures.append(GateFailure(name, value, floor, "is above its ceiling"))
        elif not lower and value < floor:
            failures.append(GateFailure(name, value, floor, "is below its floor"))
    if baseline is not None:
        for name in config.compare_to_baseline:
            value, before = overall.get(name), baseline["overall"].get(name)
            if value is None or before is None:
                continue
            if name in LOWER_IS_BETTER and value > before + config.tolerance:
                failures.append(
                    GateFailure(name, value, before + config.tolerance, "rose above baseline +")
                )
            elif name not in LOWER_IS_BETTER and value < before - config.tolerance:
                failures.append(
                    GateFailure(name, value, before - config.tolerance, "fell below baseline -")
                )
    return failures


def check_files(metrics_path: Path, config_path: Path) -> list[GateFailure]:
    """Load a metrics.json, the gate config and its baseline, and check."""
    metrics = json.loads(metrics_path.read_text(encoding="utf-8"))
    config = load_config(config_path)
    baseline_path = Path(config.baseline)
    if not baseline_path.is_absolute():
        baseline_path = config_path.parent.parent / baseline_path
    baseline = (
        json.loads(baseline_path.read_text(encoding="utf-8")) if baseline_path.is_file() else None
    )
    return check(metrics, config, baseline)
