"""The library with the fake embedder: listing, removing, replacing and including documents
again, under the writer lock, and what a removal does to answers, the map and the quiz."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import FakeEmbedder

from app.governance_map import build_map
from app.resources import (
    build_index,
    include_document,
    library,
    load_assistant,
    remove_document,
    replace_document,
)
from app.settings import Settings
from engine.assistant import AbstentionPolicy, Assistant
from index.library import SKIPPED_NAME, LibraryError, UnknownDocumentError
from index.manifest import Manifest

INSPECTION = """# Inspection handbook

## The inspection space

### Ofsted

#### Authority

Ofsted holds the power to inspect schools. It was set up by an act of parliament in 1992.

#### Accountability

Ofsted is accountable to parliament for the quality of its inspections.
"""
FUNDING = """# Funding guide

## The intervention space

### ESFA

#### Accountability

The ESFA is accountable to the secretary of state for the funding of academies. It checks how
trusts spend public money.
"""
SOURCES = """- file: inspection.md
  title: Inspection handbook
  author: A. Inspector
  year: 2019
"""
POLICY = AbstentionPolicy(min_dense=0.3, max_unknown_weight=0.45, min_evidence=0.3)


@pytest.fixture
def config(tmp_path: Path) -> Settings:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "inspection.md").write_text(INSPECTION, encoding="utf-8")
    (corpus / "sources.yaml").write_text(SOURCES, encoding="utf-8")
    uploads = tmp_path / "data" / "uploads"
    uploads.mkdir(parents=True)
    (uploads / "funding.md").write_text(FUNDING, encoding="utf-8")
    return Settings(data_dir=tmp_path / "data", corpus_dir=corpus, _env_file=None)


def _ingest(config: Settings, embedder: FakeEmbedder) -> None:
    report = build_index(config, [config.corpus_dir, config.uploads_dir], embedder)
    assert report.problems == []


def _assistant(config: Settings, embedder: FakeEmbedder) -> Assistant:
    loaded = load_assistant(config, embedder)
    return Assistant(loaded.index, top_k=4, max_citations=2, policy=POLICY)


def _ids(config: Settings) -> list[str]:
    return [d.doc_id for d in library(config).documents]


def test_the_library_lists_each_document_with_its_details(
    config: Settings, fake_embedder: FakeEmbedder
) -> None:
    _ingest(config, fake_embedder)
    funding, inspection = library(config).documents  # by title
    assert (inspection.doc_id, inspection.title) == ("inspection", "Inspection handbook")
    assert (inspection.author, inspection.year, inspection.format) == (
        "A. Inspector", 2019, "Markdown"
    )  # fmt: skip
    assert inspection.size == len(INSPECTION.encode()) and inspection.pages is None
    assert inspection.passages == 2 and inspection.origin == "corpus"
    assert inspection.added.endswith("+00:00")
    assert (funding.doc_id, funding.title, funding.origin) == ("funding", "Funding guide", "upload")
    assert (funding.author, funding.year) == ("", None)


def test_an_ingests_skipped_files_are_kept_for_a_later_process(
    config: Settings, fake_embedder: FakeEmbedder
) -> None:
    (config.corpus_dir / "empty.md").write_text("  \n", encoding="utf-8")
    (config.corpus_dir / "notes.xyz").write_text("x", encoding="utf-8")
    report = build_index(config, None, fake_embedder)
    assert len(report.problems) == 2
    record = json.loads((config.data_dir / SKIPPED_NAME).read_text(encoding="utf-8"))
    reasons = {Path(f["path"]).name: f["reason"] for f in record["files"]}
    assert reasons == {"empty.md": "the file is empty", "notes.xyz": "unsupported file type '.xyz'"}
    assert record["by"] == "govassist ingest"
    skipped = library(config).skipped
    assert sorted(Path(f.path).name for f in skipped.files) == ["empty.md", "notes.xyz"]
    # The next ingest's problems replace them: a fixed file is no longer listed.
    (config.corpus_dir / "empty.md").write_text("# Empty no more\n\nText.\n", encoding="utf-8")
    (config.corpus_dir / "notes.xyz").unlink()
    build_index(config, None, fake_embedder)
    assert library(config).skipped.files == []


def test_an_unreadable_upload_deleted_since_is_no_longer_listed_as_skipped(
    config: Settings, fake_embedder: FakeEmbedder
) -> None:
    garbage = config.uploads_dir / "garbage.pdf"
    garbage.write_bytes(b"%PDF-1.4 not a PDF at all")
    (config.corpus_dir / "notes.xyz").write_text("x", encoding="utf-8")
    build_index(config, [config.corpus_dir, config.uploads_dir], fake_embedder)
    skipped = library(config).skipped
    assert sorted(Path(f.path).name for f in skipped.files) == ["garbage.pdf", "notes.xyz"]
    garbage.unlink()  # as the Admin page does: an upload no ingest can read is not kept
    # A missing file of the corpus stays listed: it is someone's to put back or fix.
    (config.corpus_dir / "notes.xyz").unlink()
    assert [Path(f.path).name for f in library(config).skipped.files] == ["notes.xyz"]


def test_removing_an_upload_deletes_it_and_takes_it_out_of_answers_and_the_map(
    config: Settings, fake_embedder: FakeEmbedder
) -> None:
    _ingest(config, fake_embedder)
    question = "Who is the ESFA accountable to for the funding of academies?"
    before = _assistant(config, fake_embedder)
    assert {c.doc_id for c in before.answer(question).citations} == {"funding"}
    assert "ESFA" in [row.actor for row in build_map(before.index.chunks.values())]

    report = remove_document(config, "funding", fake_embedder)

    assert report.files_removed == [str((config.uploads_dir / "funding.md").resolve())]
    assert not (config.uploads_dir / "funding.md").exists()
    assert list((config.data_dir / ".library").iterdir()) == []  # nothing left set aside
    assert _ids(config) == ["inspection"]
    after = _assistant(config, fake_embedder)
    assert {c.doc_id for c in after.index.chunks.values()} == {"inspection"}
    assert "funding" not in {c.doc_id for c in after.answer(question).citations}
    assert [row.actor for row in build_map(after.index.chunks.values())] == ["Ofsted"]
    # The admin's rebuild does not bring it back.
    build_index(config, [config.corpus_dir, config.uploads_dir], fake_embedder)
    assert _ids(config) == ["inspection"]


def test_removing_a_corpus_file_excludes_it_until_it_is_included_again(
    config: Settings, fake_embedder: FakeEmbedder
) -> None:
    _ingest(config, fake_embedder)
    shipped = config.corpus_dir / "inspection.md"
    remove_document(config, "inspection", fake_embedder)
    assert shipped.read_text(encoding="utf-8") == INSPECTION  # the shipped file is kept
    assert _ids(config) == ["funding"]
    (excluded,) = library(config).excluded
    assert (excluded.doc_id, excluded.title, excluded.path) == (
        "inspection", "Inspection handbook", str(shipped.resolve())
    )  # fmt: skip
    # Every later ingest of the corpus honours the exclusion.
    report = build_index(config, None, fake_embedder)
    assert report.files_excluded == [str(shipped)] and report.files_seen == 0
    assert "1 excluded in the library" in report.files_summary()
    assert _ids(config) == ["funding"]

    include_document(config, "inspection", fake_embedder)
    assert sorted(_ids(config)) == ["funding", "inspection"]
    assert library(config).excluded == ()
    with pytest.raises(UnknownDocumentError, match="Valid ids: none"):
        include_document(config, "inspection", fake_embedder)


def test_an_unknown_id_names_the_valid_ones_and_changes_nothing(
    config: Settings, fake_embedder: FakeEmbedder
) -> None:
    _ingest(config, fake_embedder)
    manifest = config.manifest_path.read_bytes()
    with pytest.raises(UnknownDocumentError) as error:
        remove_document(config, "nope", fake_embedder)
    assert str(error.value) == "no document has the id 'nope'. Valid ids: funding, inspection"
    with pytest.raises(UnknownDocumentError, match="Valid ids: funding, inspection"):
        replace_document(config, "nope", "x.md", b"# X\n\nText.", 10_000, fake_embedder)
    assert config.manifest_path.read_bytes() == manifest


def test_replacing_an_upload_keeps_its_id_and_embeds_only_what_changed(
    config: Settings, fake_embedder: FakeEmbedder
) -> None:
    _ingest(config, fake_embedder)
    fake_embedder.embedded.clear()
    edited = FUNDING + "\n#### Legitimacy\n\nThe ESFA draws its authority from the minister.\n"
    replace_document(config, "funding", "new funding.md", edited.encode(), 10_000, fake_embedder)

    stored = config.uploads_dir / "funding.md"
    assert stored.read_text(encoding="utf-8") == edited  # under the old name, so the old id
    assert sorted(p.name for p in config.uploads_dir.iterdir()) == ["funding.md"]
    document = next(d for d in library(config).documents if d.doc_id == "funding")
    assert (document.title, document.passages, document.size) == ("Funding guide", 2, len(edited))
    # The accountability passage is unchanged: only the new one (and its one sentence, stored
    # for answering) was embedded.
    assert len(fake_embedder.embedded) == 2
    assert all("draws its authority" in text for text in fake_embedder.embedded)
    chunks = _assistant(config, fake_embedder).index.chunks.values()
    assert any("draws its authority" in c.text for c in chunks if c.doc_id == "funding")


def test_replacing_a_corpus_file_stores_the_new_one_as_an_upload_under_the_same_id(
    config: Settings, fake_embedder: FakeEmbedder
) -> None:
    _ingest(config, fake_embedder)
    new = "# Inspection handbook 2024\n\n## Ofsted\n\nOfsted now inspects every four years.\n"
    replace_document(config, "inspection", "handbook.txt", new.encode(), 10_000, fake_embedder)
    assert (config.corpus_dir / "inspection.md").read_text(encoding="utf-8") == INSPECTION
    assert (config.uploads_dir / "inspection.txt").read_text(encoding="utf-8") == new
    document = next(d for d in library(config).documents if d.doc_id == "inspection")
    assert (document.format, document.origin) == ("Text", "upload")
    assert [e.doc_id for e in library(config).excluded] == ["inspection"]
    chunks = _assistant(config, fake_embedder).index.chunks.values()
    texts = " ".join(c.text for c in chunks if c.doc_id == "inspection")
    assert "every four years" in texts and "1992" not in texts
    # The shipped file cannot come back while the replacement holds its id.
    with pytest.raises(LibraryError, match="remove that one first"):
        include_document(config, "inspection", fake_embedder)


def test_an_unreadable_replacement_is_refused_and_nothing_changes(
    config: Settings, fake_embedder: FakeEmbedder
) -> None:
    from app.uploads import UploadRejected

    _ingest(config, fake_embedder)
    manifest = config.manifest_path.read_bytes()
    with pytest.raises(LibraryError, match=r"broken.pdf cannot be read: .*Nothing was changed"):
        replace_document(config, "funding", "broken.pdf", b"%PDF-1.4 not really", 10**6,
                         fake_embedder)  # fmt: skip
    with pytest.raises(UploadRejected, match=r"only .* files can be added"):
        replace_document(config, "funding", "virus.exe", b"MZ", 10**6, fake_embedder)
    with pytest.raises(UploadRejected, match="larger than"):
        replace_document(config, "funding", "big.md", b"# Big\n" * 100, 100, fake_embedder)
    assert config.manifest_path.read_bytes() == manifest
    assert (config.uploads_dir / "funding.md").read_text(encoding="utf-8") == FUNDING
    assert list((config.data_dir / ".library").iterdir()) == []


def test_a_failed_sync_puts_the_removed_file_back(
    config: Settings, fake_embedder: FakeEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    import app.resources
    import index.repair

    _ingest(config, fake_embedder)
    manifest = config.manifest_path.read_bytes()

    def full_disk(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(index.repair, "sync", full_disk)
    with pytest.raises(app.resources.IndexWriteError, match="disk is full"):
        remove_document(config, "funding", fake_embedder)
    with pytest.raises(app.resources.IndexWriteError):
        remove_document(config, "inspection", fake_embedder)
    assert (config.uploads_dir / "funding.md").read_text(encoding="utf-8") == FUNDING
    assert library(config).excluded == ()
    assert config.manifest_path.read_bytes() == manifest


def test_a_removal_waits_for_the_writer_lock(config: Settings, fake_embedder: FakeEmbedder) -> None:
    from index.lock import IndexBusyError, writer_lock

    _ingest(config, fake_embedder)
    busy = config.model_copy(update={"index_wait_s": 0.2})
    told: list[str] = []
    with (
        writer_lock(config.data_dir, "govassist ingest", 0),
        pytest.raises(IndexBusyError, match="being written by govassist ingest"),
    ):
        remove_document(busy, "funding", fake_embedder, on_wait=told.append)
    assert told and told[0].startswith("govassist ingest (process")
    assert (config.uploads_dir / "funding.md").exists() and "funding" in _ids(config)


def test_entries_from_an_older_manifest_get_their_details_without_embedding_again(
    config: Settings, fake_embedder: FakeEmbedder
) -> None:
    _ingest(config, fake_embedder)
    data = json.loads(config.manifest_path.read_text(encoding="utf-8"))
    for entry in data["files"].values():  # as written before the library's fields existed
        for key in ("author", "year", "format", "pages", "size", "added"):
            del entry[key]
    config.manifest_path.write_text(json.dumps(data), encoding="utf-8")
    assert {d.format for d in library(config).documents} == {""}
    fake_embedder.embedded.clear()
    build_index(config, [config.corpus_dir, config.uploads_dir], fake_embedder)
    assert fake_embedder.embedded == []
    assert {d.format for d in library(config).documents} == {"Markdown"}
    manifest = Manifest.load(config.manifest_path)
    assert manifest is not None and len(manifest.files) == 2


def test_a_removed_documents_questions_leave_the_quiz(
    config: Settings, fake_embedder: FakeEmbedder, tmp_path: Path
) -> None:
    from app.quiz import quiz_items

    gold = tmp_path / "gold.yaml"
    gold.write_text(
        """- id: q1
  question: Who holds the power to inspect schools?
  category: power
  answerable: true
  must_include: [["Ofsted"]]
  sources: [["Ofsted holds the power to inspect schools."]]
  reference: Ofsted.
- id: q2
  question: Who is the ESFA accountable to?
  category: accountability
  answerable: true
  must_include: [["secretary of state"]]
  sources: [["The ESFA is accountable to the secretary of state"]]
  reference: The secretary of state.
""",
        encoding="utf-8",
    )
    _ingest(config, fake_embedder)
    chunks = list(_assistant(config, fake_embedder).index.chunks.values())
    assert [item.id for item in quiz_items(chunks, gold)] == ["q1", "q2"]
    remove_document(config, "funding", fake_embedder)
    chunks = list(_assistant(config, fake_embedder).index.chunks.values())
    assert [item.id for item in quiz_items(chunks, gold)] == ["q1"]


def test_a_pdf_is_listed_with_its_pages_and_the_authors_name(
    config: Settings, fake_embedder: FakeEmbedder
) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_author("Jo Clerk")
    pages = [
        ("Meetings", "The board meets each term. The clerk keeps the minutes of each meeting."),
        ("Budget", "The trust sets the budget in spring. Governors review spending monthly."),
        ("Staffing", "Headteachers appoint staff. The board appoints the headteacher itself."),
    ]
    for heading, text in pages:  # different first and last lines: not running headers
        pdf.add_page()
        pdf.set_font("Helvetica", size=16)
        pdf.cell(0, 10, heading, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=11)
        pdf.multi_cell(0, 6, text)
    pdf.output(str(config.uploads_dir / "minutes.pdf"))
    _ingest(config, fake_embedder)
    (document,) = [d for d in library(config).documents if d.doc_id == "minutes"]
    assert (document.format, document.pages, document.author) == ("PDF", 3, "Jo Clerk")
    assert document.size == (config.uploads_dir / "minutes.pdf").stat().st_size
