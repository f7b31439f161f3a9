"""The `govassist` command: ingest documents, ask questions, start the app.

Heavy libraries (torch, chromadb, streamlit) are imported inside the commands, so `--help` and
argument errors answer at once.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

if TYPE_CHECKING:  # imported for real inside the commands, to keep start-up fast
    from app.settings import Settings

cli = typer.Typer(
    name="govassist",
    help="Cited answers on how the English school system is governed.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# soft_wrap: long paths and messages stay on one line, so logs can be searched and parsed.
stdout = Console(soft_wrap=True)
stderr = Console(stderr=True, soft_wrap=True)

APP_FILE = Path(__file__).resolve().parent / "streamlit_app.py"


def _settings() -> Settings:
    from pydantic import ValidationError

    from app.settings import Settings

    try:
        return Settings()
    except ValidationError as error:
        problems = "; ".join(
            f"GOVASSIST_{'_'.join(str(p) for p in e['loc']).upper()}: {e['msg']}"
            for e in error.errors()
        )
        stderr.print(f"[red]Invalid settings[/red]: {problems}")
        raise typer.Exit(2) from error


def _fail(message: str, code: int = 1) -> typer.Exit:
    stderr.print(f"[red]Error:[/red] {message}")
    return typer.Exit(code)


@cli.command()
def ingest(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Files or folders to ingest (default: the corpus folder)."),
    ] = None,
) -> None:
    """Add documents to the index; unchanged files are skipped, changed ones re-embedded."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from app.resources import IndexWriteError, build_index
    from index.store import StoreUnavailableError

    settings = _settings()
    targets = paths or [settings.corpus_dir]
    missing = [p for p in targets if not p.exists()]
    if missing and len(missing) == len(targets):
        raise _fail(f"nothing to ingest: {', '.join(map(str, missing))} not found", 2)
    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=stderr,
        transient=True,
    ) as progress:
        task = progress.add_task("Loading the embedding model", total=None)

        def on_progress(done: int, total: int, label: str) -> None:
            progress.update(task, description=f"Embedding {label}", completed=done, total=total)

        try:
            report = build_index(settings, targets, on_progress=on_progress)
        except (IndexWriteError, StoreUnavailableError) as error:
            raise _fail(str(error)) from error
    if report.repaired:
        stderr.print(
            f"[yellow]The index was damaged[/yellow] ({report.repaired}); it was set aside and "
            "rebuilt from the documents."
        )
    stdout.print(
        f"Files: {report.files_summary()}. "
        f"Chunks: {report.chunks_embedded} embedded, {report.chunks_kept} kept, "
        f"{report.chunks_deleted} deleted; {report.total_chunks} in the index."
    )
    for problem in report.problems:
        stderr.print(f"[yellow]Skipped[/yellow] {problem.path}: {problem.reason}")
    if report.problems:
        raise typer.Exit(3 if report.files_seen else 2)


@cli.command()
def ask(
    question: Annotated[str, typer.Argument(help="The question, in plain words.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the answer JSON.")] = False,
    doc: Annotated[
        list[str] | None, typer.Option("--doc", help="Only cite this document id (repeatable).")
    ] = None,
    space: Annotated[
        list[str] | None,
        typer.Option(help="Only this space: inspection, intervention or improvement."),
    ] = None,
    actor: Annotated[list[str] | None, typer.Option(help="Only this actor's sections.")] = None,
) -> None:
    """Answer one question with its citations."""
    from app.resources import (
        AnswererConfigError,
        IndexMissingError,
        index_status,
        load_assistant,
        make_answerer,
    )
    from index.store import StoreUnavailableError
    from index.types import Filters

    settings = _settings()
    manifest = index_status(settings)
    if manifest is None:
        raise _fail(f"no index in {settings.data_dir}: run `govassist ingest` first", 2)
    known = {entry.doc_id for entry in manifest.files.values()}
    unknown = [d for d in doc or [] if d not in known]
    if unknown:
        raise _fail(
            f"unknown document id(s): {', '.join(unknown)}. Known: {', '.join(sorted(known))}", 2
        )
    try:
        answerer = make_answerer(settings, load_assistant(settings))
    except (IndexMissingError, AnswererConfigError) as error:
        raise _fail(str(error), 2) from error
    except StoreUnavailableError as error:
        raise _fail(str(error), 1) from error
    try:
        answer = answerer.answer(
            question, filters=Filters(tuple(doc or ()), tuple(space or ()), tuple(actor or ()))
        )
    except StoreUnavailableError as error:
        raise _fail(str(error), 1) from error
    if answer.notice:
        stderr.print(f"[yellow]Note:[/yellow] {answer.notice}", highlight=False)
    if as_json:
        sys.stdout.write(json.dumps(answer.to_json(), ensure_ascii=False, indent=2) + "\n")
        return
    stdout.print(answer.text, highlight=False, markup=False)
    for citation in answer.citations:
        stdout.print(
            f"\n[bold][{citation.n}][/bold] {citation.title} — {citation.section}",
            highlight=False,
        )
        stdout.print(f"    “{citation.quote}” (characters {citation.start}–{citation.end})",
                  highlight=False, markup=False)  # fmt: skip


@cli.command(name="eval")
def evaluate(
    gold: Annotated[Path, typer.Option(help="A gold question file (YAML, the contract's form).")],
    out: Annotated[Path, typer.Option(help="Folder for results.jsonl, metrics.json, report.md.")],
    peer: Annotated[
        bool, typer.Option(help="Also run the LangChain tutorial RAG on the same items.")
    ] = True,
) -> None:
    """Run a gold set through the assistant and write results, metrics and a report."""
    from rich.progress import Progress

    from app.resources import AnswererConfigError, IndexMissingError, load_assistant, make_answerer
    from evals.gold import GoldError, load_gold
    from evals.peer import TutorialRag
    from evals.report import write_report
    from evals.runner import run, write_results

    settings = _settings()
    try:
        items = load_gold(gold)
    except GoldError as error:
        raise _fail(str(error), 2) from error
    try:
        assistant = load_assistant(settings)
        answerer = make_answerer(settings, assistant)
    except (IndexMissingError, AnswererConfigError) as error:
        raise _fail(str(error), 2) from error
    tutorial = TutorialRag([settings.corpus_dir], assistant.index.embedder) if peer else None
    name = settings.answerer + (
        f" ({settings.llm_model})" if settings.answerer != "extractive" else ""
    )
    with Progress(console=stderr, transient=True) as progress:
        task = progress.add_task("Answering the gold questions", total=len(items))
        outcome = run(
            items, answerer, name, str(gold), tutorial,
            on_item=lambda done, _: progress.update(task, completed=done),
        )  # fmt: skip
    try:
        write_results(outcome, out)
        report = write_report(outcome, out)
    except OSError as error:
        raise _fail(f"could not write to {out}: {error}") from error
    overall = outcome.metrics()["overall"]
    shown = ("hit@5", "citation_recall", "key_fact_recall", "abstention_accuracy",
             "false_abstention_rate", "latency_p50_ms")  # fmt: skip
    summary = ", ".join(f"{name} {overall[name]}" for name in shown)
    stdout.print(f"{len(items)} items: {summary}. Report: {report}", highlight=False)


@cli.command()
def gate(
    metrics: Annotated[Path, typer.Argument(help="The metrics.json written by `eval`.")],
    config: Annotated[Path, typer.Option(help="Floors, tolerance and baseline (YAML).")] = Path(
        "evals/gate.yaml"
    ),
) -> None:
    """Fail (exit 1) when a metric is below its floor or dropped below the baseline."""
    from evals.gate import check_files

    for path in (metrics, config):
        if not path.is_file():
            raise _fail(f"{path} not found", 2)
    failures = check_files(metrics, config)
    for failure in failures:
        stderr.print(f"[red]Gate:[/red] {failure}")
    if failures:
        raise typer.Exit(1)
    stdout.print(f"Gate passed: every metric in {metrics} meets {config}.")


@cli.command()
def bench(
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Also write the numbers to this JSON file.")
    ] = None,
    scale: Annotated[int, typer.Option(help="Size of the large synthetic corpus, x corpus.")] = 100,
    repeats: Annotated[
        int, typer.Option(min=1, help="Repeats of each timing; the numbers are their medians.")
    ] = 5,
) -> None:
    """Measure answer speed, ingest cost, scaling, start-up, a room of 30, and the peer."""
    from bench.run import run as run_bench

    results = run_bench(
        scale=scale, repeats=repeats, say=lambda message: stderr.print(f"[dim]{message}…[/dim]")
    )
    text = json.dumps(results, indent=2)
    if json_out is not None:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(text + "\n", encoding="utf-8")
    sys.stdout.write(text + "\n")


feedback_cli = typer.Typer(help="Feedback given in the app.", no_args_is_help=True)
cli.add_typer(feedback_cli, name="feedback")


@feedback_cli.command("export")
def feedback_export(
    out: Annotated[Path, typer.Option(help="Where to write the candidate gold items (YAML).")],
) -> None:
    """Write thumbs-down answers as candidate gold items, for a person to review."""
    import yaml

    from app.feedback import FeedbackStore, candidate_gold

    settings = _settings()
    path = settings.data_dir / "feedback.sqlite3"
    if not path.is_file():
        raise _fail(f"no feedback recorded yet in {settings.data_dir}", 2)
    items = candidate_gold(FeedbackStore(path).entries(rating=-1))
    header = (
        "# Candidate gold items from thumbs-down feedback. Review each: fill in must_include,\n"
        "# sources and reference (or set answerable: false), drop the review block, then move\n"
        "# the item into a gold file.\n"
    )
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(
            header + yaml.safe_dump(items, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
    except OSError as error:
        raise _fail(f"could not write {out}: {error.strerror}") from error
    stdout.print(f"Wrote {len(items)} candidate item(s) to {out}.")


@cli.command()
def app(
    port: Annotated[int, typer.Option(help="Port to serve on.")] = 8501,
    headless: Annotated[bool, typer.Option(help="Do not open a browser.")] = True,
) -> None:
    """Start the Streamlit app."""
    command = [
        sys.executable, "-m", "streamlit", "run", str(APP_FILE),
        "--server.port", str(port),
        "--server.headless", str(headless).lower(),
        "--browser.gatherUsageStats", "false",
        "--client.toolbarMode", "viewer",  # no "Deploy" button for a room of governors
        # Streamlit runs a full garbage collection after every script run by default; over a
        # loaded model and index that was 58% of the server's time with 30 people asking.
        "--runner.postScriptGC", "false",
    ]  # fmt: skip
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    # Become the server (no parent left behind): a stop signal reaches Streamlit itself.
    sys.stdout.flush()
    os.execve(sys.executable, command, env)


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
