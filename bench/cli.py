"""`govassist bench`: the benchmark, added to the command through the "govassist.commands"
entry point (pyproject.toml), so the app never imports it."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer


def register(cli: typer.Typer, measures: dict[str, Callable[[Path, Path | None], None]]) -> None:
    """Add `bench` to the `govassist` command."""
    cli.command()(bench)


def bench(
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Also write the numbers to this JSON file.")
    ] = None,
    scale: Annotated[int, typer.Option(help="Size of the large synthetic corpus, x corpus.")] = 100,
    repeats: Annotated[
        int, typer.Option(min=1, help="Repeats of each timing; the numbers are their medians.")
    ] = 5,
    pdf_pages: Annotated[
        int,
        typer.Option(
            min=1, help="Pages of the generated PDF whose ingest is timed (its keys name them)."
        ),
    ] = 200,
) -> None:
    """Measure answer speed, ingest cost, scaling, start-up, a room of 30, and the peer."""
    from app.cli import stderr
    from bench.run import run as run_bench

    results = run_bench(
        scale=scale,
        repeats=repeats,
        pdf_pages=pdf_pages,
        say=lambda message: stderr.print(f"[dim]{message}…[/dim]"),
    )
    text = json.dumps(results, indent=2)
    if json_out is not None:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(text + "\n", encoding="utf-8")
    sys.stdout.write(text + "\n")
