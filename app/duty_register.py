"""The duties register of the live index: loaded once per index version, filtered, exported.

`govassist ingest` stores the register beside each index version (index/duty_registers.py), so
it answers for every indexed document, the shipped corpus and uploads alike.
"""

from __future__ import annotations

import csv
import html
import io
import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from app.export import md
from index import duty_registers
from index.duty_registers import Register, build_register
from index.duty_registers import find_actor as find_actor  # the CLI looks actors up here too
from ingest.duties import STRENGTHS, Duty

if TYPE_CHECKING:
    from app.settings import Settings

CSV_COLUMNS = (
    "actor", "strength", "duty", "document", "section", "page", "doc_id", "start", "end",
)  # fmt: skip
# A spreadsheet runs a cell that starts with one of these as a formula ("=HYPERLINK(...)").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def select(
    register: Register,
    doc_ids: Sequence[str] = (),
    actor: str | None = None,
    strengths: Sequence[str] = (),
    text: str = "",
    section: str = "",
) -> list[Duty]:
    """The duties that pass every filter given (an empty filter lets all through); the search
    `text` is looked for in the duty and in its actor's name."""
    needle = text.lower().strip()
    return [
        d
        for d in register.duties
        if (not doc_ids or d.doc_id in doc_ids)
        and (actor is None or d.actor == actor)
        and (not strengths or d.strength in strengths)
        # "ofsted" finds "The inspectorate should ..." too: the actor the duty is read as
        # belonging to counts, not only the words of its sentence.
        and (not needle or needle in d.shown.lower() or needle in (d.actor or "").lower())
        and (not section or section in d.section)
    ]


def citation(duty: Duty) -> str:
    """Where a duty is written, as a reader looks it up: title, section and page. (The CSV
    export keeps the document id and character offsets in columns of their own.)"""
    page = f", page {duty.page}" if duty.page else ""
    section = f", {duty.section_path}" if duty.section else ""
    return f"{duty.title}{section}{page}"


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def to_csv(rows: Sequence[Duty]) -> str:
    """One row per duty: actor, strength, duty, document, section, page, doc_id, offsets."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for d in rows:
        values: list[object] = [d.actor or "(unnamed)", d.strength, d.shown, d.title]
        values.append(d.section_path)
        values += [d.page, d.doc_id, d.start, d.end]
        writer.writerow(_cell(v) for v in values)
    return buffer.getvalue()


def _by_actor(rows: Sequence[Duty]) -> list[tuple[str, list[Duty]]]:
    groups: dict[str, list[Duty]] = {}
    for d in rows:
        groups.setdefault(d.actor or "(unnamed)", []).append(d)
    return sorted(groups.items(), key=lambda g: (-len(g[1]), g[0]))


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")


def to_markdown(rows: Sequence[Duty], title: str = "Duties register") -> str:
    """A checklist grouped by actor: "- [ ]" per duty, its citation under it."""
    lines = [f"# {md(title)}", "", f"{len(rows)} duties, exported {_stamp()}.", ""]
    for actor, group in _by_actor(rows):
        lines += [f"## {md(actor)} ({len(group)})", ""]
        for d in group:
            sentence = md(" ".join(d.shown.split()))
            lines += [f"- [ ] **{d.strength.upper()}**: {sentence}", f"  — {md(citation(d))}"]
        lines.append("")
    return "\n".join(lines)


_CSS = (
    "body{font-family:Georgia,serif;max-width:60rem;margin:2rem auto;color:#111}"
    "table{border-collapse:collapse;width:100%;margin-bottom:2rem}"
    "td,th{border:1px solid #999;padding:.4rem;vertical-align:top;text-align:left}"
    "td.tick{width:2rem;font-size:1.4rem;text-align:center}"
    ".cite{display:block;font-size:.85em;color:#444;margin-top:.3rem}"
    ".must,.must-not{font-weight:bold;color:#8b0000}.should,.should-not{color:#00457c}"
    ".may{color:#2f5d2f}h2{page-break-after:avoid}tr{page-break-inside:avoid}"
)


def to_html(rows: Sequence[Duty], title: str = "Duties register") -> str:
    """A printable page: per actor a table with a tick column, each duty cited beneath it."""
    esc = html.escape
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{esc(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{esc(title)}</h1><p>{len(rows)} duties, exported {_stamp()}.</p>",
    ]
    for actor, group in _by_actor(rows):
        parts.append(f"<h2>{esc(actor)} ({len(group)})</h2><table>")
        parts.append("<tr><th>Done</th><th>Strength</th><th>Duty</th></tr>")
        for d in group:
            kind = d.strength.replace(" ", "-")
            parts.append(
                f"<tr><td class='tick'>☐</td><td class='{kind}'>{esc(d.strength)}</td>"
                f"<td>{esc(d.shown)}<span class='cite'>{esc(citation(d))}</span></td></tr>"
            )
        parts.append("</table>")
    parts.append("</body></html>")
    return "".join(parts)


EXPORTS = {"csv": to_csv, "md": to_markdown, "html": to_html}


def valid_strength(value: str) -> str | None:
    """The strength `value` names ("must-not", "Must not"), or None."""
    cleaned = " ".join(value.lower().replace("-", " ").replace("_", " ").split())
    return cleaned if cleaned in STRENGTHS else None


def load_register(settings: Settings) -> Register:
    """The register of the live index version, read once per version: the one ingest stored
    beside it, or for an index built before registers were stored, read from its passages
    (about 1 s for the corpus and the dev documents). IndexMissingError when there is no
    index."""
    from app.resources import IndexMissingError, index_status, open_database

    manifest = index_status(settings)
    if manifest is None or not manifest.collection:
        raise IndexMissingError(f"no index in {settings.data_dir}: run `govassist ingest` first")
    key = (str(settings.data_dir), settings.chroma_host, settings.chroma_port,
           manifest.collection, manifest.built_at)  # fmt: skip
    with _CACHE_LOCK:
        if key in _CACHE:
            return _CACHE[key]
    stored = duty_registers.register_path(settings.data_dir, manifest.collection)
    register = duty_registers.load(stored, manifest.collection)
    if register is None:
        database = open_database(settings)
        if manifest.collection not in database.names():
            raise IndexMissingError(
                f"the index named in {settings.manifest_path} is missing from the store: "
                "run `govassist ingest` to rebuild it"
            )
        register = build_register(database.collection(manifest.collection).all_chunks())
    with _CACHE_LOCK:
        while len(_CACHE) >= CACHED_VERSIONS:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = register
    return register


# Registers kept, one per index version (a new ingest makes a new version; the app may still
# serve the one before it for a moment).
CACHED_VERSIONS = 2
_CACHE: dict[tuple[object, ...], Register] = {}
_CACHE_LOCK = threading.Lock()
