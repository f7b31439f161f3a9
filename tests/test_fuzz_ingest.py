"""Fuzzed ingest: every loader fed random bytes and mutated real files (hypothesis).

What must hold for any input: reading one file gives chunks or a per-file IngestError with a
plain reason, never another exception and never a hang. Markdown, text and HTML go through our
own code, so there even the inner `parse_document` may raise nothing but IngestError; PDF and
DOCX go through pdfplumber and python-docx, whose own exceptions the time-limited reader
(`parse_document_in_time`, what `govassist ingest` uses) turns into a per-file reason.
"""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import docx
import pytest
from conftest import CST
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_loaders import make_pdf

from ingest.chunking import ChunkingConfig, whitespace_token_count
from ingest.pipeline import ParsedDocument, parse_document, parse_document_in_time
from ingest.sources import SUPPORTED_SUFFIXES, IngestError

pytestmark = pytest.mark.slow
# Examples per test; CI runs the default, a longer local run can raise it.
EXAMPLES = int(os.environ.get("GOVASSIST_FUZZ_EXAMPLES", "500"))
TIME_LIMIT_S = 10.0
OWN_CODE_SUFFIXES = (".md", ".markdown", ".txt", ".text", ".html", ".htm")
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,  # the time limit below is the deadline that matters
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,  # no example files written into the checkout
)
CASES: Counter[str] = Counter()  # examples run per test, printed at the end of the session


def _read(name: str, data: bytes) -> ParsedDocument | IngestError:
    """What ingest does with one file: chunks, or the reason it was skipped."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        started = time.perf_counter()
        try:
            outcome: ParsedDocument | IngestError = parse_document_in_time(
                path, ChunkingConfig(), whitespace_token_count, 5_000_000, TIME_LIMIT_S
            )
        except IngestError as error:
            outcome = error
        assert time.perf_counter() - started < TIME_LIMIT_S + 2
        if path.suffix in OWN_CODE_SUFFIXES:
            with contextlib.suppress(IngestError):
                parse_document(path)
    return outcome


def _valid(outcome: ParsedDocument | IngestError) -> None:
    if isinstance(outcome, IngestError):
        assert str(outcome), "a skipped file needs a reason"
        return
    assert outcome.chunks
    for chunk in outcome.chunks:
        assert chunk.text.strip()
        assert 0 <= chunk.start <= chunk.end


@FUZZ
@given(suffix=st.sampled_from(sorted(SUPPORTED_SUFFIXES)), data=st.binary(max_size=6000))
def test_random_bytes_under_every_supported_name(suffix: str, data: bytes) -> None:
    CASES["random bytes"] += 1
    _valid(_read(f"random{suffix}", data))


@FUZZ
@given(
    suffix=st.sampled_from(OWN_CODE_SUFFIXES),
    text=st.text(alphabet=st.characters(codec="utf-8"), max_size=3000),
)
def test_random_text(suffix: str, text: str) -> None:
    CASES["random text"] += 1
    _valid(_read(f"random{suffix}", text.encode("utf-8")))


def _seed_files() -> dict[str, bytes]:
    """One small real file per format, built here, to be mutated."""
    with tempfile.TemporaryDirectory() as folder:
        pdf = make_pdf(
            Path(folder) / "seed.pdf",
            [[("Scheme of Delegation", 20), ("The board approves the budget.", 11)]],
            title="Scheme",
        ).read_bytes()
    document = docx.Document()
    document.add_heading("Roles of the board", level=1)
    document.add_paragraph("The trust board appoints the headteacher and sets the budget.")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Budget", "Board"
    buffer = io.BytesIO()
    document.save(buffer)
    markdown = CST.read_bytes()[:6000]
    html = (
        b"<html><head><title>Governance</title><script>alert(1)</script></head><body><nav>Home"
        b"</nav><h1>Roles</h1><p>The board holds the headteacher to account.</p><ul><li>One"
        b"</li></ul><table><tr><td>a</td><td>b</td></tr></table></body></html>"
    )
    return {".pdf": pdf, ".docx": buffer.getvalue(), ".md": markdown, ".html": html}


SEEDS = _seed_files()


@st.composite
def mutated(draw: st.DrawFn, suffix: str) -> bytes:
    """A real file with bytes flipped, a slice cut out or repeated, or the end cut off."""
    data = bytearray(SEEDS[suffix])
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "cut", "repeat", "truncate", "insert"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        size = draw(st.integers(1, 200))
        if kind == "flip" and data:
            data[at] = draw(st.integers(0, 255))
        elif kind == "cut":
            del data[at : at + size]
        elif kind == "repeat":
            data[at:at] = data[at : at + size] * draw(st.integers(2, 50))
        elif kind == "truncate":
            del data[at:]
        else:
            data[at:at] = draw(st.binary(min_size=1, max_size=size))
    return bytes(data)


@pytest.mark.parametrize("suffix", sorted(SEEDS))
def test_mutated_real_files(suffix: str) -> None:
    @FUZZ
    @given(data=mutated(suffix))
    def check(data: bytes) -> None:
        CASES[f"mutated {suffix}"] += 1
        _valid(_read(f"mutated{suffix}", data))

    check()


def test_every_seed_reads_before_mutation() -> None:
    """The mutations start from files that do read, so they probe the parsers' insides."""
    for suffix, data in SEEDS.items():
        outcome = _read(f"seed{suffix}", data)
        assert isinstance(outcome, ParsedDocument), (suffix, outcome)


def stuck(path: Path) -> None:
    """A loader that never returns (run in the reading child, so defined at module level)."""
    time.sleep(60)


def test_a_file_that_never_finishes_is_skipped_at_the_time_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A parser stuck in a loop (as hostile PDFs can make pdfminer) costs the limit, no more,
    and is stopped there: no parse thread is left behind."""
    import ingest.pipeline as pipeline

    monkeypatch.setattr(pipeline, "load_sections", stuck)
    path = tmp_path / "loop.pdf"
    path.write_bytes(b"%PDF-1.7")
    started = time.perf_counter()
    with pytest.raises(IngestError, match=r"took longer than 0\.5 s"):
        parse_document_in_time(path, ChunkingConfig(), whitespace_token_count, None, 0.5)
    assert time.perf_counter() - started < 2
    assert not [t for t in threading.enumerate() if t.name.startswith("parse ")]


@pytest.fixture(scope="module", autouse=True)
def report_cases() -> object:
    yield
    if CASES:
        print("\nfuzz cases run: " + ", ".join(f"{k} {v}" for k, v in sorted(CASES.items())))
