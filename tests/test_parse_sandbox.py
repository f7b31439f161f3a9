"""Hostile files that cost a parser far more than their size, and the sandbox that reads files.

Each bomb is built here, small, at test time. What must hold: it is refused quickly with a
reason naming what is wrong; the memory of this process and of the reading child stays bounded;
no parse thread or busy child is left after the limit; the rest of a folder is indexed; and
ordinary files read exactly as they do in-process.
"""

from __future__ import annotations

import io
import os
import threading
import time
import zipfile
import zlib
from pathlib import Path
from typing import TYPE_CHECKING

import docx
import pytest
from conftest import CST
from test_loaders import make_pdf

from ingest.chunking import ChunkingConfig, whitespace_token_count
from ingest.pipeline import parse_document, parse_document_in_time
from ingest.sources import IngestError

if TYPE_CHECKING:
    from ingest.sandbox import ParseLimits

LIMIT_S = 30.0  # generous: each bomb below is refused in well under a second
MB = 1024 * 1024


def _pdf(objects: list[bytes]) -> bytes:
    """A PDF from numbered object bodies (object n is objects[n - 1]), with a correct xref."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _stream(dictionary: bytes, content: bytes) -> bytes:
    return b"<< %s /Length %d >>\nstream\n%s\nendstream" % (dictionary, len(content), content)


def nested_forms_pdf(path: Path, depth: int = 9, draws: int = 10) -> Path:
    """One page drawing a Form XObject `draws` times, each form drawing the next `draws`
    times, `depth` deep: draws**depth renders of one short text (10**9 for the defaults)."""
    font = 3
    first_form = 5
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
        b"/Resources << /XObject << /X %d 0 R >> >> >>" % (first_form + depth, first_form),
    ]
    draw_next = b" ".join([b"q /X Do Q"] * draws)
    for level in range(depth):
        number = first_form + level
        if level < depth - 1:
            resources = b"/Resources << /XObject << /X %d 0 R >> >>" % (number + 1)
            content = draw_next
        else:
            resources = b"/Resources << /Font << /F %d 0 R >> >>" % font
            content = b"BT /F 12 Tf 72 700 Td (Governors hold the head to account.) Tj ET"
        objects.append(
            _stream(b"/Type /XObject /Subtype /Form /BBox [0 0 612 792] " + resources, content)
        )
    objects.append(_stream(b"", draw_next))
    path.write_bytes(_pdf(objects))
    return path


def many_objects_pdf(path: Path, count: int) -> Path:
    """A one-page PDF padded with `count` tiny unused objects."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
    ]
    objects.extend(b"0" for _ in range(count))
    path.write_bytes(_pdf(objects))
    return path


def flate_bomb_pdf(path: Path, megabytes: int) -> Path:
    """A page whose content stream inflates to `megabytes` MB of spaces (~1000:1)."""
    compressor = zlib.compressobj(9)
    block = b" " * 1_000_000
    content = b"".join(compressor.compress(block) for _ in range(megabytes)) + compressor.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        _stream(b"/Filter /FlateDecode", content),
    ]
    path.write_bytes(_pdf(objects))
    return path


def expanding_docx(path: Path, xml_megabytes: int) -> Path:
    """A real Word document whose body is `xml_megabytes` MB of repetitive XML, deflated
    (~100 MB of XML fits in ~350 KB)."""
    document = docx.Document()
    document.add_paragraph("The board sets the budget.")
    buffer = io.BytesIO()
    document.save(buffer)
    paragraph = (
        b"<w:p><w:r><w:t>The trust board approves the annual budget each spring.</w:t></w:r></w:p>"
    )
    with zipfile.ZipFile(buffer) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    body = parts["word/document.xml"]
    head, tail = body.split(b"<w:body>", 1)
    repeats = xml_megabytes * 1_000_000 // len(paragraph)
    parts["word/document.xml"] = head + b"<w:body>" + paragraph * repeats + tail
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return path


def self_drawing_pdf(path: Path) -> Path:
    """A page drawing a form that draws itself (pdfminer would recurse until it fails)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R "
        b"/Resources << /XObject << /X 4 0 R >> >> >>",
        _stream(
            b"/Type /XObject /Subtype /Form /BBox [0 0 9 9] /Resources << /XObject "
            b"<< /X 4 0 R >> >>",
            b"/X Do",
        ),
        _stream(b"", b"/X Do"),
    ]
    path.write_bytes(_pdf(objects))
    return path


# --- measuring -----------------------------------------------------------------------------


def _own_peak_mb() -> float:
    """This process's peak resident memory so far (VmHWM)."""
    status = Path("/proc/self/status").read_text()
    line = next(x for x in status.splitlines() if x.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


class ChildPeak:
    """The highest peak resident memory (VmHWM) of our reading children while it is open,
    sampled every 5 ms. (getrusage's children figure cannot be used: a child started with
    vfork and exec inherits this process's high-water mark.)"""

    def __enter__(self) -> ChildPeak:
        self.mb = 0.0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="peak watcher")
        self._thread.start()
        return self

    def _watch(self) -> None:
        while not self._done.wait(0.005):
            for pid in _sandbox_children():
                try:
                    status = Path(f"/proc/{pid}/status").read_text()
                except OSError:
                    continue
                for line in status.splitlines():
                    if line.startswith("VmHWM:"):
                        self.mb = max(self.mb, int(line.split()[1]) / 1024)

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()


def _sandbox_children() -> dict[int, str]:
    """Our reading children still alive: pid -> state (R running, S sleeping, ...)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == os.getpid() and b"ingest.sandbox" in command:
            found[int(entry.name)] = fields[0]
    return found


def _refused(path: Path, limits: ParseLimits | None = None) -> tuple[str, float]:
    """The reason `path` is refused with, and how long that took, as ingest reads it."""
    # `limits` only when given, so these tests also run against a reader without them.
    extra = () if limits is None else (limits,)
    started = time.perf_counter()
    with pytest.raises(IngestError) as refused:
        parse_document_in_time(
            path, ChunkingConfig(), whitespace_token_count, 50_000_000, LIMIT_S, *extra
        )
    return str(refused.value), time.perf_counter() - started


def _assert_nothing_left_running(settle_s: float = 3.0) -> None:
    """No parse thread left, and every sandbox child idle. A child may still be on the CPU for
    a moment after it answered (freeing what it read): it is given `settle_s` to go idle, far
    less than a runaway parse would run."""
    assert not [t.name for t in threading.enumerate() if t.name.startswith("parse ")]
    deadline = time.monotonic() + settle_s
    states = _sandbox_children()
    while not all(state in "SI" for state in states.values()) and time.monotonic() < deadline:
        time.sleep(0.05)
        states = _sandbox_children()
    assert all(state in "SI" for state in states.values()), states


# --- bombs refused before they are read ----------------------------------------------------


def test_nested_form_xobjects_are_refused_before_rendering(tmp_path: Path) -> None:
    """9 levels of forms, each drawn 10 times: 10**9 renders from a 3 KB file."""
    path = nested_forms_pdf(tmp_path / "nested.pdf", depth=9, draws=10)
    assert path.stat().st_size < 4000
    own_before = _own_peak_mb()
    with ChildPeak() as child:
        reason, seconds = _refused(path)
    assert reason == (
        "the PDF draws its Form XObjects more than 100,000 times (by page 1), "
        "nested to render them over and over"
    )
    assert seconds < 10
    assert _own_peak_mb() - own_before < 100
    assert child.mb < 200
    _assert_nothing_left_running()


def test_deeply_nested_and_self_drawing_forms_are_refused(tmp_path: Path) -> None:
    deep = nested_forms_pdf(tmp_path / "deep.pdf", depth=14, draws=1)
    assert _refused(deep)[0] == "the PDF nests Form XObjects more than 12 deep"
    looped = self_drawing_pdf(tmp_path / "looped.pdf")
    assert _refused(looped)[0] == "the PDF has a Form XObject that draws itself"


def test_a_few_nested_forms_still_read(tmp_path: Path) -> None:
    """Forms a real document uses (3 deep, 3 draws each: 39 renders) are no reason to refuse."""
    path = nested_forms_pdf(tmp_path / "forms.pdf", depth=3, draws=3)
    document = parse_document_in_time(path, ChunkingConfig(), whitespace_token_count, None, LIMIT_S)
    assert document == parse_document(path)
    # The leaf's text drawn 3**3 times over itself: "Governors" read 27 times.
    assert " ".join(c.text for c in document.chunks).count("Governors") == 27


def test_a_pdf_with_too_many_objects_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In-process with a lowered limit: a real 2,000,001-object PDF is 85 MB."""
    from ingest.loaders import pdf

    monkeypatch.setattr(pdf, "MAX_OBJECTS", 50)
    path = many_objects_pdf(tmp_path / "many.pdf", 60)
    with pytest.raises(IngestError) as refused:
        pdf.load_pdf(path.read_bytes())
    assert str(refused.value) == "the PDF has 63 objects, more than the 50 allowed"


def test_a_docx_that_inflates_at_a_bombs_ratio_is_refused_unread(tmp_path: Path) -> None:
    """100 MB of XML in a ~370 KB Word file (2.6 GB and still parsing after 120 s before)."""
    path = expanding_docx(tmp_path / "bomb.docx", xml_megabytes=100)
    assert path.stat().st_size < 500_000
    own_before = _own_peak_mb()
    with ChildPeak() as child:
        reason, seconds = _refused(path)
    assert reason.startswith("the Word document's part word/document.xml expands ")
    assert reason.endswith("(to 100 MB), more than the 100 times allowed (a zip bomb?)")
    assert seconds < 10
    assert _own_peak_mb() - own_before < 100
    assert child.mb < 200
    _assert_nothing_left_running()


def test_a_docx_too_large_in_all_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In-process with a lowered limit (200 MB of parts at an ordinary ratio is a large file)."""
    from ingest.loaders import docx as docx_loader

    monkeypatch.setattr(docx_loader, "MAX_UNCOMPRESSED_MB", 1)
    path = expanding_docx(tmp_path / "big.docx", xml_megabytes=2)
    with zipfile.ZipFile(path) as archive:
        total_mb = sum(m.file_size for m in archive.infolist()) / 1e6
    with pytest.raises(IngestError) as refused:
        docx_loader.load_docx(path.read_bytes())
    assert str(refused.value) == (
        f"the Word document would expand to {total_mb:,.0f} MB, more than the 1 MB allowed "
        "(a zip bomb?)"
    )


# --- what the sandbox stops at its limits --------------------------------------------------


@pytest.mark.slow
def test_a_bomb_the_checks_miss_is_stopped_at_the_memory_limit(tmp_path: Path) -> None:
    """A page whose content inflates to 1 GB: the child fails to allocate past 512 MB and is
    replaced; neither it nor this process grows past that."""
    from ingest.sandbox import ParseLimits

    path = flate_bomb_pdf(tmp_path / "inflates.pdf", megabytes=1000)
    assert path.stat().st_size < 2_000_000
    own_before = _own_peak_mb()
    with ChildPeak() as child:
        reason, seconds = _refused(path, ParseLimits(memory_mb=512))
    assert reason == "reading it needed more than the 512 MB memory limit, so it was skipped"
    assert seconds < LIMIT_S
    assert _own_peak_mb() - own_before < 100
    assert 100 < child.mb <= 512  # it did try: the inflating page got that far
    _assert_nothing_left_running()
    # The next file gets a fresh child and reads as it does in-process.
    assert parse_document_in_time(
        CST, ChunkingConfig(), whitespace_token_count, None, LIMIT_S, ParseLimits(memory_mb=512)
    ) == parse_document(CST)


def spin(seconds: float) -> None:
    """Burn processor time (run in the child)."""
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


@pytest.mark.slow
def test_a_runaway_parse_is_stopped_at_the_processor_limit() -> None:
    from ingest.sandbox import ParseLimits, Sandbox

    sandbox = Sandbox(ParseLimits(wall_s=60, cpu_s=1))
    started = time.perf_counter()
    with pytest.raises(IngestError) as refused:
        sandbox.run(spin, 30.0)
    assert str(refused.value) == (
        "reading it used more than 1 s of processor time, so it was skipped"
    )
    assert time.perf_counter() - started < 10
    assert sandbox.pid is None


def test_a_stuck_parse_is_killed_at_the_wall_clock_limit() -> None:
    from ingest.sandbox import ParseLimits, Sandbox

    sandbox = Sandbox(ParseLimits(wall_s=0.5))
    assert sandbox.run(len, "warm") == 4
    child = sandbox.pid
    assert child in _sandbox_children()
    started = time.perf_counter()
    with pytest.raises(IngestError) as refused:
        sandbox.run(time.sleep, 60)
    assert str(refused.value) == "reading it took longer than 0.5 s, so it was skipped"
    assert time.perf_counter() - started < 3
    assert child not in _sandbox_children()
    with pytest.raises(ProcessLookupError):
        os.kill(child, 0)  # killed and reaped, not a zombie
    assert sandbox.run(len, "again") == 5 and sandbox.pid != child
    sandbox.stop()


def test_one_child_reads_file_after_file(tmp_path: Path) -> None:
    """Starting a child costs 0.1-0.25 s; passing a small file through it, well under 10 ms.
    It imports the parsers, never the embedding runtime or the store."""
    from ingest.loaders import load
    from ingest.sandbox import ParseLimits, Sandbox

    pdf = make_pdf(tmp_path / "scheme.pdf", [[("Scheme", 20), ("The board decides.", 11)]])
    word = tmp_path / "roles.docx"
    document = docx.Document()
    document.add_paragraph("The board sets the budget.")
    document.save(str(word))
    sandbox = Sandbox(ParseLimits())
    first = sandbox.run(load, CST)
    child = sandbox.pid
    for path in (CST, pdf, word):
        assert sandbox.run(load, path) == load(path)
    assert sandbox.run(load, CST) == first
    assert sandbox.pid == child
    heavy = "[m for m in ('torch', 'onnxruntime', 'chromadb') if m in __import__('sys').modules]"
    assert sandbox.run(eval, heavy) == []
    assert sandbox.run(eval, "'pdfplumber' in __import__('sys').modules") is True
    sandbox.stop()
    assert child not in _sandbox_children()


BUSY_AT_EXIT = """
import threading, time
from ingest.sandbox import ParseLimits, Sandbox
sandbox = Sandbox(ParseLimits())
threading.Thread(target=sandbox.run, args=(eval, "sum(range(10**12))"), daemon=True).start()
while sandbox.pid is None:
    time.sleep(0.01)
time.sleep(0.5)  # the child is now busy summing
print(sandbox.pid)
"""


def test_a_busy_child_does_not_outlive_its_process() -> None:
    """An ingest process that exits mid-parse (Ctrl-C, the app stopping) takes its child along."""
    import subprocess
    import sys

    finished = subprocess.run(
        [sys.executable, "-c", BUSY_AT_EXIT], capture_output=True, text=True, timeout=60
    )
    assert finished.returncode == 0, finished.stderr
    child = int(finished.stdout)
    with pytest.raises(ProcessLookupError):
        os.kill(child, 0)


# --- in a real ingest -----------------------------------------------------------------------


def test_bombs_are_named_with_their_reasons_and_the_rest_is_indexed(
    tmp_path: Path, fake_embedder
) -> None:
    from index.build import sync
    from index.store import ChromaDatabase

    docs = tmp_path / "docs"
    docs.mkdir()
    nested_forms_pdf(docs / "nested.pdf")
    expanding_docx(docs / "bomb.docx", xml_megabytes=100)
    (docs / "cst.md").write_bytes(CST.read_bytes())
    make_pdf(docs / "scheme.pdf", [[("Scheme", 20), ("The board approves the budget.", 11)]])
    database = ChromaDatabase.embedded(tmp_path / "chroma")
    started = time.perf_counter()
    report = sync([docs], database, fake_embedder, tmp_path / "manifest.json")
    assert time.perf_counter() - started < 60
    reasons = {Path(p.path).name: p.reason for p in report.problems}
    assert sorted(reasons) == ["bomb.docx", "nested.pdf"]
    assert reasons["nested.pdf"].startswith("the PDF draws its Form XObjects more than")
    assert "expands" in reasons["bomb.docx"]
    assert sorted(Path(p).name for p in report.files_updated) == ["cst.md", "scheme.pdf"]
    cst = parse_document(CST, count_tokens=fake_embedder.count_tokens)
    assert report.total_chunks == len(cst.chunks) + 1
    _assert_nothing_left_running()
