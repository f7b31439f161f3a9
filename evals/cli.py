"""The measuring commands the evaluation adds to `govassist`: `eval` (a gold set through the
answerer, with the peer beside it), `gate` (the frozen test parts held to evals/gate.yaml) and
the scorer behind `govassist duties --evaluate`. Registered through the "govassist.commands"
entry point (pyproject.toml): the app, below, never imports the evaluation.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from app.gold import GoldItem


class Split(StrEnum):
    """A gold set's parts (see the `split` field of a gold item)."""

    dev = "dev"
    test = "test"


def register(cli: typer.Typer, measures: dict[str, Callable[[Path, Path | None], None]]) -> None:
    """Add `eval` and `gate` to the `govassist` command, and the duties scorer."""
    cli.command(name="eval")(evaluate)
    cli.command()(gate)
    measures["duties"] = evaluate_duties


def evaluate(
    gold: Annotated[Path, typer.Option(help="A gold question file (YAML, the contract's form).")],
    out: Annotated[Path, typer.Option(help="Folder for results.jsonl, metrics.json, report.md.")],
    peer: Annotated[
        bool, typer.Option(help="Also run the LangChain tutorial RAG on the same items.")
    ] = True,
    variants: Annotated[
        Path | None,
        typer.Option(
            help="Rewordings of the gold items (a gold file whose items name `variant_of`), "
            "scored beside their originals, with per-item consistency."
        ),
    ] = None,
    name: Annotated[
        str | None,
        typer.Option(
            help="The set's name in metrics.json and the gate (default: the gold file's name), "
            "for the same questions asked of another library."
        ),
    ] = None,
    split: Annotated[
        Split | None,
        typer.Option(
            help="Only the items of this part: `dev` while tuning (the test part stays unseen "
            "until a change is chosen); the default runs every item."
        ),
    ] = None,
) -> None:
    """Run a gold set through the assistant and write results, metrics and a report."""
    from rich.progress import Progress

    from app.cli import _fail, _settings, stderr
    from app.resources import load_assistant, make_answerer
    from evals.peer import TutorialRag
    from evals.report import write_report
    from evals.runner import run, write_results

    settings = _settings()
    items = _gold_items(gold, variants, split)
    assistant = load_assistant(settings)
    answerer = make_answerer(settings, assistant)
    tutorial = TutorialRag([settings.corpus_dir], assistant.index.embedder) if peer else None
    answerer_name = settings.answerer + (
        f" ({settings.llm_model})" if settings.answerer != "extractive" else ""
    )
    with Progress(console=stderr, transient=True) as progress:
        task = progress.add_task("Answering the gold questions", total=len(items))
        outcome = run(
            items, answerer, answerer_name, str(gold), tutorial,
            on_item=lambda done, _: progress.update(task, completed=done),
            variants_path=str(variants) if variants else None,
        )  # fmt: skip
    outcome.name = name
    try:
        write_results(outcome, out)
        report = write_report(outcome, out)
    except OSError as error:
        raise _fail(f"could not write to {out}: {error}") from error
    parts = (split.value,) if split is not None else ("test", "all")
    _print_summary(outcome.metrics()["sets"], report, parts)


def _gold_items(gold: Path, variants: Path | None, split: Split | None) -> list[GoldItem]:
    """The gold file's items, then their rewordings; only those of `split` when given."""
    from app.cli import _fail
    from app.gold import load_gold
    from evals.gold import with_variants

    items = load_gold(gold)
    if variants is not None:
        items = with_variants(items, load_gold(variants), variants)
    if split is None:
        return items
    chosen = [item for item in items if item.split == split.value]
    if not chosen:
        raise _fail(f"{gold} has no items in its {split.value} part", 2)
    return chosen


def _print_summary(
    sets: dict[str, dict[str, dict[str, Any]]], report: Path, parts: tuple[str, ...]
) -> None:
    """Each set's headline figures in the given parts, and where the report is."""
    from app.cli import plain, stdout

    shown = ("hit@5", "citation_recall", "key_fact_recall", "abstention_accuracy",
             "false_abstention_rate", "consistency")  # fmt: skip
    for set_name, splits in sets.items():
        for split in parts:
            values = splits[split]
            summary = ", ".join(f"{n} {values[n]}" for n in shown if values.get(n) is not None)
            stdout.print(f"{set_name} ({split}, {values['items']} items): {summary}.",
                         highlight=False)  # fmt: skip
    stdout.print(f"Report: {plain(report)}", highlight=False)


def gate(
    metrics: Annotated[
        list[Path],
        typer.Argument(help="The metrics.json files written by `eval` (one per gold set run)."),
    ],
    config: Annotated[Path, typer.Option(help="Floors, tolerance and baselines (YAML).")] = Path(
        "evals/gate.yaml"
    ),
) -> None:
    """Fail (exit 1) when a gated set's metric is below its floor or dropped below the baseline."""
    from app.cli import _fail, plain, stderr, stdout
    from evals.gate import check_files

    for path in (*metrics, config):
        if not path.is_file():
            raise _fail(f"{path} not found", 2)
    failures = check_files(list(metrics), config)
    for failure in failures:
        stderr.print(f"[red]Gate:[/red] {plain(failure)}", highlight=False)
    if failures:
        raise typer.Exit(1)
    shown = " ".join(str(p) for p in metrics)
    stdout.print(
        f"Gate passed: every gated set in {plain(shown)} meets {plain(config)}.", highlight=False
    )


def evaluate_duties(labels: Path, out: Path | None) -> None:
    """Precision and recall of duty detection, actor and strength accuracy, dev and test."""
    from app.cli import _fail, stdout
    from evals.duties_eval import evaluate_file

    report = evaluate_file(labels)
    text = json.dumps(report, indent=2)
    if out is not None:
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(text + "\n", encoding="utf-8")
        except OSError as error:
            raise _fail(f"could not write {out}: {error.strerror}") from error
    for split, values in report["splits"].items():
        stdout.print(
            f"duties ({split}, {values['sentences']} sentences, {values['duties']} duties): "
            f"precision {values['precision']}, recall {values['recall']}, "
            f"actor accuracy {values['actor_accuracy']}, "
            f"strength accuracy {values['strength_accuracy']}.",
            highlight=False,
        )
