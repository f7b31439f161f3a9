"""The CI gate: for each gated set, floors on one split and a tolerance below the baseline.

A set is named by its gold file (`gold`, `gold_rewordings`, `gold_devdocs`); `eval` writes each
set's metrics for all / dev / test under `sets` in metrics.json. The gate holds the test split:
the part of each set that is never tuned on.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, Field, ValidationError

from ingest.errors import GovassistError

# Metrics where lower is better: the gate's numbers for them are ceilings.
LOWER_IS_BETTER = {"false_abstention_rate", "latency_p50_ms", "latency_p95_ms"}


class SetGate(BaseModel):
    """What one set must keep on one split."""

    split: Literal["dev", "test", "all"] = "test"
    floors: dict[str, float] = Field(description="Lowest allowed value (highest, for rates).")
    compare_to_baseline: list[str] = Field(
        default_factory=list, description="Metrics also held to baseline - tolerance."
    )


class GateConfig(BaseModel):
    """evals/gate.yaml: what a change must keep."""

    sets: dict[str, SetGate] = Field(description="Gated sets by name.")
    tolerance: float = Field(0.02, description="Largest allowed drop below the baseline.")
    baselines: list[str] = Field(
        default_factory=list, description="Committed metrics.json files to compare against."
    )


class GateError(GovassistError):
    """A gate file or metrics file cannot be used; the message says which and why."""

    exit_code = 2


@dataclass(frozen=True)
class GateFailure:
    """One way a set falls short."""

    set: str
    split: str
    metric: str
    value: float | None
    limit: float
    reason: str

    def __str__(self) -> str:
        where = f"{self.set} ({self.split}): {self.metric}"
        if self.value is None:
            return f"{where} {self.reason}"
        return f"{where} = {self.value} {self.reason} {self.limit}"


def load_config(path: Path) -> GateConfig:
    """Read and validate a gate file."""
    try:
        return GateConfig.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, ValidationError) as error:
        raise GateError(f"{path} is not a usable gate file: {error}") from error


def merged_sets(metrics: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Every set of several metrics.json files by name; a name may appear only once."""
    sets: dict[str, dict[str, Any]] = {}
    for data in metrics:
        for name, values in data.get("sets", {}).items():
            if name in sets:
                raise GateError(f"the set {name!r} appears in more than one metrics file")
            sets[name] = values
    return sets


def _check_set(
    name: str,
    gate: SetGate,
    values: dict[str, Any],
    before: dict[str, Any] | None,
    tolerance: float,
) -> list[GateFailure]:
    failures: list[GateFailure] = []

    def fail(metric: str, value: float | None, limit: float, reason: str) -> None:
        failures.append(GateFailure(name, gate.split, metric, value, limit, reason))

    for metric, floor in gate.floors.items():
        value = values.get(metric)
        lower = metric in LOWER_IS_BETTER
        if value is None:
            fail(metric, None, floor, f"is missing; needs {floor}")
        elif lower and value > floor:
            fail(metric, value, floor, "is above its ceiling")
        elif not lower and value < floor:
            fail(metric, value, floor, "is below its floor")
    if before is not None:
        for metric in gate.compare_to_baseline:
            value, old = values.get(metric), before.get(metric)
            if value is None or old is None:
                continue
            if metric in LOWER_IS_BETTER and value > old + tolerance:
                fail(metric, value, round(old + tolerance, 4), "rose above baseline +")
            elif metric not in LOWER_IS_BETTER and value < old - tolerance:
                fail(metric, value, round(old - tolerance, 4), "fell below baseline -")
    return failures


def check(
    metrics: list[dict[str, Any]], config: GateConfig, baselines: list[dict[str, Any]]
) -> list[GateFailure]:
    """Every way the gated sets fall short; an empty list passes. A gated set missing from the
    metrics fails: a gate must not pass on what was never measured."""
    sets, before_sets = merged_sets(metrics), merged_sets(baselines)
    failures: list[GateFailure] = []
    for name, gate in config.sets.items():
        if name not in sets or not sets[name].get(gate.split, {}).get("items"):
            failures.append(
                GateFailure(
                    name, gate.split, "items", None, 1,
                    "is missing: no metrics.json given has this set's split (pass its eval's)",
                )
            )  # fmt: skip
            continue
        before = before_sets.get(name, {}).get(gate.split)
        failures += _check_set(name, gate, sets[name][gate.split], before, config.tolerance)
    return failures


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise GateError(f"{path} is not a readable metrics.json: {error}") from error
    if not isinstance(data, dict):
        raise GateError(f"{path} is not a metrics.json (not a JSON object)")
    return data


def check_files(metrics_paths: list[Path], config_path: Path) -> list[GateFailure]:
    """Load metrics.json files, the gate config and its baselines, and check."""
    config = load_config(config_path)
    root = config_path.resolve().parent.parent  # baselines are named from the project root
    baselines = []
    for name in config.baselines:
        path = Path(name) if Path(name).is_absolute() else root / name
        if path.is_file():
            baselines.append(_read_json(path))
    return check([_read_json(p) for p in metrics_paths], config, baselines)
