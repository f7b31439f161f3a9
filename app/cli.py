"""The `govassist` command: ingest documents, ask questions, start the app.

Heavy libraries (torch, chromadb, streamlit) are imported inside the commands, so `--help` and
argument errors answer at once.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from typer._click.core import Context as ClickContext  # the click that typer vendors
from typer.core import TyperGroup

from ingest.errors import GovassistError

# The governance frame's names (a few regular expressions, 4 ms to import): the filters of
# `ask` are checked against them before the model loads.
from ingest.governance import ACTORS, SPACES

if TYPE_CHECKING:  # imported for real inside the commands, to keep start-up fast
    from rich.progress import Progress

    from app.settings import Settings
    from index.build import SyncReport
    from index.library import Document as LibraryDocument


class _ReportingGroup(TyperGroup):
    """Every product error of every command (sub-commands included) printed as its plain
    message with its own exit status: the one place errors become exit codes."""

    def invoke(self, ctx: ClickContext) -> Any:
        try:
            return super().invoke(ctx)
        except GovassistError as error:
            raise _fail(str(error), error.exit_code) from error


cli = typer.Typer(
    name="govassist",
    cls=_ReportingGroup,
    help="Cited answers on how the English school system is governed.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# soft_wrap: long paths and messages stay on one line, so logs can be searched and parsed.
# emoji=False: ":smile:" in a document stays those characters.
stdout = Console(soft_wrap=True, emoji=False)
stderr = Console(stderr=True, soft_wrap=True, emoji=False)

# C0 and C1 control characters but newline and tab (ESC starts the terminal's own commands:
# colours, titles, hyperlinks), and the bidirectional overrides that reorder what is shown.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def plain(text: object) -> str:
    """Document or user text made safe to print: no markup, no terminal control characters."""
    return escape(_CONTROL.sub("", str(text)))


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
        stderr.print(f"[red]Invalid settings[/red]: {plain(problems)}")
        raise typer.Exit(2) from error


def _fail(message: str, code: int = 1) -> typer.Exit:
    stderr.print(f"[red]Error:[/red] {plain(message)}", highlight=False)
    return typer.Exit(code)


@cli.command()
def ingest(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Files or folders to ingest (default: the corpus folder)."),
    ] = None,
) -> None:
    """Add documents to the index; unchanged files are skipped, changed ones re-embedded."""
    from app.resources import build_index

    settings = _settings()
    targets = paths or [settings.corpus_dir]
    missing = [p for p in targets if not p.exists()]
    if missing and len(missing) == len(targets):
        raise _fail(f"nothing to ingest: {', '.join(map(str, missing))} not found", 2)
    with _ingest_progress(settings.index_wait_s) as shown:
        report = build_index(
            settings, targets, on_progress=shown.on_progress, on_wait=shown.on_wait,
            on_read=shown.on_read,
        )  # fmt: skip
    _print_ingest_report(report)


class _IngestProgress:
    """An ingest's progress on stderr: one bar for the files being read, then one for every
    new passage (with its sentences) being embedded, each with the time left."""

    def __init__(self, progress: Progress, wait_s: float) -> None:
        self.progress = progress
        self.wait_s = wait_s
        self.reading = progress.add_task("Reading the files", total=None)
        self.embedding = progress.add_task("Embedding", total=None, visible=False)
        # Bars need a terminal: written to a log or a pipe, each step is a plain line instead.
        self.lines = not progress.console.is_terminal

    def on_read(self, done: int, total: int, label: str) -> None:
        label = plain(label)  # a file's name: no markup, no terminal control characters
        self.progress.update(
            self.reading, description=f"Reading {label}", completed=done, total=total
        )
        if self.lines:
            line = f"Reading {label}" if done < total else label.capitalize()
            self.progress.console.print(line, highlight=False)

    def on_progress(self, done: int, total: int, label: str) -> None:
        self.progress.update(
            self.embedding, description=f"Embedding {label}", completed=done, total=total,
            visible=True,
        )  # fmt: skip
        if self.lines:
            self.progress.console.print(f"Embedding {label}: {done} done", highlight=False)

    def on_wait(self, holder: str) -> None:
        self.progress.console.print(
            f"[yellow]Waiting[/yellow]: the index is being written by {plain(holder)}; "
            "this ingest starts when that one finishes "
            f"(waiting up to {self.wait_s:g} s).",
            highlight=False,
        )
        self.progress.update(self.reading, description="Waiting for the other writer to finish")


@contextmanager
def _ingest_progress(wait_s: float) -> Iterator[_IngestProgress]:
    """Progress bars on stderr for the length of the block, gone when it ends."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=stderr,
        transient=True,
    ) as progress:
        yield _IngestProgress(progress, wait_s)


def _print_ingest_report(report: SyncReport) -> None:
    """What the ingest did; exit status 3 when some files were skipped (2 when all were)."""
    if report.waited_s >= 0.05:  # an uncontended lock is taken in about a millisecond
        stderr.print(f"Waited {report.waited_s:.1f} s for the other writer to finish.")
    if report.repaired:
        stderr.print(
            f"[yellow]The index was damaged[/yellow] ({plain(report.repaired)}); it was set aside"
            " and rebuilt from the documents."
        )
    stdout.print(
        f"Files: {report.files_summary()}. "
        f"Chunks: {report.chunks_embedded} embedded, {report.chunks_kept} kept, "
        f"{report.chunks_deleted} deleted; {report.total_chunks} in the index."
    )
    for problem in report.problems:
        stderr.print(
            f"[yellow]Skipped[/yellow] {plain(problem.path)}: {plain(problem.reason)}",
            highlight=False,
        )
    if report.problems:
        raise typer.Exit(3 if report.files_seen else 2)


def _space_named(value: str) -> str | None:
    """The space `value` names, in any case, with or without "space": "Inspection space"."""
    words = value.casefold().split()
    if words[-1:] == ["space"]:
        words = words[:-1]
    name = " ".join(words)
    return name if name in SPACES else None


def _actor_named(value: str) -> str | None:
    """The actor `value` names: its full name in any case, or a whole alias the documents use
    for it ("ofsted", "RSCs", "multi-academy trust", "local authority")."""
    wanted = " ".join(value.split())
    for actor in ACTORS:
        if actor.name.casefold() == wanted.casefold() or actor.pattern.fullmatch(wanted):
            return actor.name
    return None


def _known_values(
    option: str,
    values: list[str],
    resolve: Callable[[str], str | None],
    valid: Sequence[str],
    more: str = "",
) -> tuple[str, ...]:
    """Each of `values` as the name the index tags passages with; an unknown one is an error
    (exit status 2) that lists the valid names (and says `more`)."""
    names = {value: resolve(value) for value in values}
    unknown = [value for value, name in names.items() if name is None]
    if unknown:
        raise _fail(
            f"unknown --{option} {', '.join(repr(v) for v in unknown)}. "
            f"Valid {option}s: {', '.join(valid)}{more}",
            2,
        )
    return tuple(dict.fromkeys(name for name in names.values() if name))


# What an unknown --actor is told beside the names the option takes.
ACTOR_NOTE = (
    "; it limits answers to the sections a document gives one of them. For what anyone else "
    "must do, name them in the question, or see `govassist duties --actor NAME`"
)


@cli.command()
def ask(
    question: Annotated[str, typer.Argument(help="The question, in plain words.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the answer JSON.")] = False,
    doc: Annotated[
        list[str] | None, typer.Option("--doc", help="Only cite this document id (repeatable).")
    ] = None,
    space: Annotated[
        list[str] | None,
        typer.Option(help="Only this space: inspection, intervention or improvement (repeatable)."),
    ] = None,
    actor: Annotated[
        list[str] | None,
        typer.Option(
            help="Only this actor's sections, by name or short name: Ofsted, RSCs, MATs, "
            "ESFA... (repeatable)."
        ),
    ] = None,
) -> None:
    """Answer one question with its citations."""
    # Checked before anything loads: a misspelt filter would otherwise match no passage and
    # answer "the documents don't cover this", which reads as a fact about the documents.
    spaces = _known_values("space", space or [], _space_named, SPACES)
    actors = _known_values("actor", actor or [], _actor_named, [a.name for a in ACTORS], ACTOR_NOTE)
    from app.resources import (
        index_status,
        load_assistant,
        make_answerer,
    )
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
    answerer = make_answerer(settings, load_assistant(settings))
    answer = answerer.answer(question, filters=Filters(tuple(doc or ()), spaces, actors))
    if answer.notice:
        stderr.print(f"[yellow]Note:[/yellow] {plain(answer.notice)}", highlight=False)
    if as_json:
        sys.stdout.write(json.dumps(answer.to_json(), ensure_ascii=False, indent=2) + "\n")
        return
    stdout.print(plain(answer.text), highlight=False)
    for citation in answer.citations:
        stdout.print(
            f"\n[bold]\\[{citation.n}][/bold] {plain(citation.title)} — {plain(citation.section)}",
            highlight=False,
        )
        stdout.print(
            f"    “{plain(citation.quote)}” (characters {citation.start}–{citation.end})",
            highlight=False,
        )


@cli.command()
def duties(
    doc: Annotated[
        list[str] | None, typer.Option("--doc", help="Only this document id (repeatable).")
    ] = None,
    actor: Annotated[
        str | None, typer.Option(help="Only this actor (any case; aliases such as 'boards').")
    ] = None,
    strength: Annotated[
        list[str] | None,
        typer.Option(help="Only this strength: must, must not, should, should not, may."),
    ] = None,
    output_format: Annotated[
        str, typer.Option("--format", help="csv, md (a checklist) or html (a printable page).")
    ] = "csv",
    out: Annotated[Path | None, typer.Option(help="Write to this file, not the screen.")] = None,
    evaluate: Annotated[
        Path | None,
        typer.Option(help="Score the extractor on a labelled file (evals/duties_labels.yaml)."),
    ] = None,
) -> None:
    """The duties register: who must, should or may do what, each duty cited."""
    if evaluate is not None:
        return _measure("duties", evaluate, out)
    from app.duty_register import EXPORTS, find_actor, load_register, select, valid_strength

    if output_format not in EXPORTS:
        raise _fail(f"unknown format {output_format!r}: use csv, md or html", 2)
    strengths = [valid_strength(s) for s in strength or []]
    if None in strengths:
        raise _fail(
            f"unknown strength in {', '.join(strength or [])}: use must, 'must not', should, "
            "'should not' or may",
            2,
        )
    settings = _settings()
    register = load_register(settings)
    unknown = sorted(set(doc or []) - set(register.titles))
    if unknown:
        known = ", ".join(sorted(register.titles))
        raise _fail(f"unknown document id(s): {', '.join(unknown)}. Known: {known}", 2)
    chosen = None
    if actor is not None:
        chosen = find_actor(register, actor)
        if chosen is None:
            valid = "; ".join(register.actors)
            raise _fail(f"no duties for actor {actor!r}. Actors in the register: {valid}", 2)
    rows = select(register, doc or [], chosen, [s for s in strengths if s])
    text = EXPORTS[output_format](rows)
    if out is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(text, encoding="utf-8")
        except OSError as error:
            raise _fail(f"could not write {out}: {error.strerror}") from error
        stdout.print(f"Wrote {len(rows)} duties to {plain(out)}.", highlight=False)
    if not rows:
        stderr.print("[yellow]No duties match those filters.[/yellow]")


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
    stdout.print(f"Wrote {len(items)} candidate item(s) to {plain(out)}.", highlight=False)


library_cli = typer.Typer(
    help="The documents indexed: list them, remove one, replace one, include one again.\n\n"
    "Without a command: every indexed document (title, author, year, format, pages, passages, "
    "size, when added), the excluded ones, and the files the last ingest skipped with the "
    "reason; --json prints the same for scripts.\n\n"
    "Removing a document takes it out of answers, the governance map and the training quiz. "
    "A file uploaded in the app is deleted from the uploads folder; any other file (the "
    "shipped corpus/, or a folder ingested from elsewhere) is never deleted: it is excluded "
    "from the index, every later ingest keeps it out, and `govassist library include ID` "
    "brings it back. A replacement keeps the document's id (links, filters and feedback still "
    "point at it) and is stored with the uploads.",
    no_args_is_help=False,
)
cli.add_typer(library_cli, name="library")


def _waiting(holder: str) -> None:
    stderr.print(
        f"[yellow]Waiting[/yellow]: the index is being written by {plain(holder)}.",
        highlight=False,
    )


def _write_json(record: object) -> None:
    """`record` as JSON on stdout. A file name with a byte that is no UTF-8 is held as a lone
    surrogate: written as "?", so the output stays UTF-8 that any JSON reader takes."""
    text = json.dumps(record, ensure_ascii=False, indent=2)
    sys.stdout.write(text.encode("utf-8", "replace").decode("utf-8") + "\n")


def _library_row(d: LibraryDocument) -> tuple[str, ...]:
    """One document's cells, in LIBRARY_COLUMNS order, safe to print."""
    from index.library import size_label, to_the_minute

    return (
        plain(d.doc_id), plain(d.title), plain(d.author), str(d.year or ""), d.format,
        str(d.pages or ""), str(d.passages), size_label(d.size),
        to_the_minute(d.added), d.origin,
    )  # fmt: skip


LIBRARY_COLUMNS = ("id", "title", "author", "year", "format", "pages", "passages", "size",
                   "added", "from")  # fmt: skip
# Terminal width from which the library is listed as a table.
WIDE_LISTING = 150


@library_cli.callback(invoke_without_command=True)
def library(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print the library as JSON.")] = False,
) -> None:
    """List every indexed document, the excluded ones and the files the last ingest skipped."""
    if ctx.invoked_subcommand is not None:
        return
    from rich.table import Table

    # index.library alone: the listing answers in a fraction of the time app.resources takes
    # to import (0.2 s against 1.8 s here), as it reads no model and no store.
    from index.library import Folders, document_as_json, read_library, to_the_minute

    settings = _settings()
    shelf = read_library(Folders(settings.data_dir, settings.corpus_dir, settings.uploads_dir))
    if as_json:
        _write_json({
            "documents": [document_as_json(d) for d in shelf.documents],
            "excluded": [e.model_dump() for e in shelf.excluded],
            "skipped": shelf.skipped.model_dump(),
        })  # fmt: skip
        return
    if not shelf.documents and not shelf.excluded and not shelf.skipped.files:
        raise _fail(f"no documents indexed in {settings.data_dir}: run `govassist ingest`", 2)
    built = to_the_minute(shelf.built_at)
    heading = f"{len(shelf.documents)} documents (index built {built} UTC; added in UTC)"
    rows = [_library_row(d) for d in shelf.documents]
    if stdout.width >= WIDE_LISTING:
        table = Table(title=heading)
        for column in LIBRARY_COLUMNS:
            # Ids are what the other commands take: folded onto more lines, never cut short.
            right = column in ("passages", "size")
            table.add_column(column, justify="right" if right else "left", overflow="fold")
        for row in rows:
            table.add_row(*row)
        stdout.print(table)
    else:
        # Ten columns in an ordinary terminal fold every cell a few letters wide: one block per
        # document instead, its id first (what the other commands take).
        stdout.print(heading, highlight=False)
        for doc_id, *details in rows:
            stdout.print(f"\n[bold]{doc_id}[/bold]", highlight=False)  # escaped by plain()
            for name, value in zip(LIBRARY_COLUMNS[1:], details, strict=True):
                if value:
                    stdout.print(f"  {name + ':':<10}{value}", highlight=False)
    for exclusion in shelf.excluded:
        stdout.print(
            f"Excluded: {plain(exclusion.doc_id)} ({plain(exclusion.path)}), since "
            f"{exclusion.excluded_at}; `govassist library include {plain(exclusion.doc_id)}` "
            "brings it back.",
            highlight=False,
        )
    for skipped in shelf.skipped.files:
        stdout.print(
            f"[yellow]Skipped[/yellow] by the last ingest: {plain(skipped.path)}: "
            f"{plain(skipped.reason)}",
            highlight=False,
        )


def _interactive() -> bool:
    """Whether a person is at the keyboard to answer a question: stdin is a terminal, even when
    the output goes through `| tee log` (a script feeding stdin is never asked)."""
    return sys.stdin.isatty()


def _confirm_removal(settings: Settings, doc_id: str) -> None:
    """Ask before removing: the id alone is easy to mistype for another document's. An id
    that names no document is left to the removal's own error, which lists the valid ones."""
    from index.library import Folders, read_library

    shelf = read_library(Folders(settings.data_dir, settings.corpus_dir, settings.uploads_dir))
    document = next((d for d in shelf.documents if d.doc_id == doc_id), None)
    if document is None:
        return
    what = "its uploaded file is deleted" if document.origin == "upload" else (
        "its file is kept and left out of every later ingest"
    )  # fmt: skip
    question = (
        f"Remove {plain(document.title or doc_id)} ({plain(doc_id)}, {document.passages} "
        f"passages) from answers, the map and the quiz? {what.capitalize()}."
    )
    if not typer.confirm(question, default=False):
        stdout.print("Nothing removed.", highlight=False)
        raise typer.Exit(1)


@library_cli.command("remove")
def library_remove(
    doc_id: Annotated[str, typer.Argument(help="The document's id (see `govassist library`).")],
    yes: Annotated[
        bool,
        typer.Option("--yes", "-y", help="Remove without asking (only a terminal is asked)."),
    ] = False,
) -> None:
    """Remove a document from the index: an upload is deleted, any other file is excluded."""
    from app.resources import remove_document

    settings = _settings()
    if not yes and _interactive():
        _confirm_removal(settings, doc_id)
    report = remove_document(settings, doc_id, on_wait=_waiting)
    stdout.print(
        f"Removed {plain(doc_id)}: {report.chunks_deleted} passages deleted; "
        f"{report.total_chunks} in the index.",
        highlight=False,
    )


@library_cli.command("replace")
def library_replace(
    doc_id: Annotated[str, typer.Argument(help="The document's id (see `govassist library`).")],
    file: Annotated[Path, typer.Argument(help="The new file; it keeps the document's id.")],
) -> None:
    """Replace a document with a new file under the same id (stored with the uploads)."""
    from app.resources import replace_document

    settings = _settings()
    try:
        data = file.read_bytes()
    except OSError as error:
        raise _fail(f"{file}: could not be read ({error.strerror})", 2) from error
    report = replace_document(
        settings, doc_id, file.name, data, int(settings.max_file_mb * 1_000_000),
        on_wait=_waiting,
    )  # fmt: skip
    stdout.print(
        f"Replaced {plain(doc_id)} with {plain(file)}: {report.chunks_embedded} passages "
        f"embedded, {report.chunks_kept} kept; {report.total_chunks} in the index.",
        highlight=False,
    )


@library_cli.command("include")
def library_include(
    doc_id: Annotated[str, typer.Argument(help="The excluded document's id.")],
) -> None:
    """Index an excluded document again, from its file where it was."""
    from app.resources import include_document

    settings = _settings()
    report = include_document(settings, doc_id, on_wait=_waiting)
    stdout.print(
        f"Included {plain(doc_id)} again: {report.total_chunks} passages in the index.",
        highlight=False,
    )


@cli.command()
def app(
    port: Annotated[int, typer.Option(help="Port to serve on.")] = 8501,
    headless: Annotated[bool, typer.Option(help="Do not open a browser.")] = True,
    address: Annotated[
        str | None,
        typer.Option(
            help="Address to listen on: 127.0.0.1 for this computer only. By default every "
            "network interface, so that learners in the room can join from their devices."
        ),
    ] = None,
) -> None:
    """Start the Streamlit app."""
    import math

    # Streamlit buffers an upload in memory before the app sees it: its own limit (200 MB by
    # default) is set to the app's, and app.upload_server keeps files only for admin sessions.
    upload_mb = str(math.ceil(_settings().upload_max_mb))
    command = [
        sys.executable, "-m", "app.upload_server", upload_mb, "run", str(APP_FILE),
        "--server.maxUploadSize", upload_mb,
        "--server.port", str(port),
        "--server.headless", str(headless).lower(),
        "--browser.gatherUsageStats", "false",
        # To print its "Network" and "External" URLs Streamlit connects a UDP socket towards
        # 8.8.8.8 and sends GET / to checkip.amazonaws.com at start; a set address skips both.
        # (The same settings are in .streamlit/config.toml for a plain `streamlit run`.)
        "--browser.serverAddress", "localhost",
        # With --no-headless Streamlit asks once for an e-mail address and posts it to them.
        "--server.showEmailPrompt", "false",
        "--client.toolbarMode", "viewer",  # no "Deploy" button for a room of governors
        # Streamlit runs a full garbage collection after every script run by default; over a
        # loaded model and index that was 58% of the server's time with 30 people asking.
        "--runner.postScriptGC", "false",
    ]  # fmt: skip
    if address:
        command += ["--server.address", address]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    # Become the server (no parent left behind): a stop signal reaches Streamlit itself.
    sys.stdout.flush()
    os.execve(sys.executable, command, env)


# The measuring commands (`eval`, `gate`, `bench`, and `duties --evaluate`'s scorer) belong to
# evals/ and bench/, which sit above the app and measure it: they add themselves through the
# "govassist.commands" entry points (pyproject.toml), so the app imports neither.
MEASURES: dict[str, Callable[[Path, Path | None], None]] = {}


def _measure(what: str, labels: Path, out: Path | None) -> None:
    if what not in MEASURES:
        raise _fail(f"scoring the {what} needs govassist's evals package, installed", 2)
    MEASURES[what](labels, out)


def _load_commands() -> None:
    from importlib.metadata import entry_points

    for point in entry_points(group="govassist.commands"):
        point.load()(cli, MEASURES)


_load_commands()


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
