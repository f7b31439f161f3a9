"""The Admin page in AppTest over a real small index: a file that cannot be read is a failure
with its name and reason (never a green "Saved") and is not listed in the library afterwards,
one upload limit everywhere, and an uploaded document removed from the page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.runtime.caching import cache_resource
from streamlit.testing.v1 import AppTest
from test_library_cli import make_library

from app.resources import library
from app.settings import Settings

pytestmark = pytest.mark.integration
APP = str(Path(__file__).resolve().parent.parent / "app" / "streamlit_app.py")
TOKEN = "admin token"
GOOD = b"# Trust guide\n\n## Trust boards\n\nA trust board is accountable for its academies.\n"


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    env = {**make_library(tmp_path), "GOVASSIST_ADMIN_TOKEN": TOKEN}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    cache_resource.clear()  # settings, the assistant and the attempt counts are per process
    yield env
    cache_resource.clear()


def _admin() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    at.switch_page("ui/admin_page.py").run()
    at.text_input[0].set_value(TOKEN).run()
    assert not at.exception, at.exception
    return at


def _uploads(env: dict[str, str]) -> list[str]:
    return sorted(p.name for p in (Path(env["GOVASSIST_DATA_DIR"]) / "uploads").iterdir())


def _indexed(env: dict[str, str]) -> set[str]:
    settings = Settings(
        data_dir=Path(env["GOVASSIST_DATA_DIR"]), corpus_dir=Path(env["GOVASSIST_CORPUS_DIR"])
    )
    return {d.doc_id for d in library(settings).documents}


def test_a_file_that_cannot_be_read_is_a_failure_not_saved(env: dict[str, str]) -> None:
    at = _admin()
    at.file_uploader[0].set_value(
        [("broken.pdf", b"%PDF-1.7 this is not a PDF at all", "application/pdf"),
         ("trust.md", GOOD, "text/markdown")]
    ).run()  # fmt: skip
    next(b for b in at.button if b.label == "Save and rebuild the index").click().run()
    assert not at.exception, at.exception
    errors = [e.value for e in at.error]
    assert len(errors) == 1
    assert errors[0].startswith("broken\\.pdf could not be added\\: not a readable PDF")
    assert "The file was not kept" in errors[0]
    successes = [s.value for s in at.success]
    assert successes == ["Saved trust\\.md\\."]  # the readable one, and only it
    assert _uploads(env) == ["funding.md", "trust.md"]
    # The page says what the rebuild did, and the box is empty: its files have been used.
    assert any(i.value.startswith("Index rebuilt") for i in at.info)
    assert at.file_uploader[0].value == []
    assert "Save and rebuild the index" not in [b.label for b in at.button]
    # The outcome is told once, not on every later run.
    at.run()
    assert not at.success and not at.error
    assert "trust" in _indexed(env) and "broken" not in _indexed(env)


def test_an_upload_not_kept_is_not_listed_as_skipped_in_the_library(env: dict[str, str]) -> None:
    at = _admin()
    at.file_uploader[0].set_value(("garbage.pdf", b"%PDF-1.7 not a PDF", "application/pdf")).run()
    next(b for b in at.button if b.label == "Save and rebuild the index").click().run()
    assert any("The file was not kept" in e.value for e in at.error)
    at.switch_page("ui/library_page.py").run()
    assert not at.exception, at.exception
    listed = [str(path) for table in at.dataframe[1:] for path in table.value["file"]]
    assert not [path for path in listed if "garbage" in path]


def test_the_limit_the_page_states_is_the_one_the_widget_enforces(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Streamlit takes whole megabytes: 2.5 becomes 3 for its widget and server, so the page
    # says 3 and the app checks 3 too.
    monkeypatch.setenv("GOVASSIST_UPLOAD_MAX_MB", "2.5")
    at = _admin()
    uploader = at.file_uploader[0]
    assert uploader.proto.max_upload_size_mb == 3
    assert uploader.label.endswith("up to 3 MB each)")
    # Blank lines make up the size: nothing more to embed than one sentence.
    just_under = GOOD + b"\n" * (3 * 1024 * 1024 - len(GOOD))
    assert 2.5 * 1024 * 1024 < len(just_under) <= 3 * 1024 * 1024
    uploader.set_value(("big.md", just_under, "text/markdown")).run()
    next(b for b in at.button if b.label == "Save and rebuild the index").click().run()
    assert not at.exception, at.exception
    assert not [e.value for e in at.error]
    assert "big.md" in _uploads(env)


def test_an_uploaded_document_is_removed_from_the_admin_page(env: dict[str, str]) -> None:
    at = _admin()
    assert "funding" in _indexed(env)
    chooser = next(s for s in at.selectbox if s.label == "Uploaded document")
    assert chooser.options == ["Funding guide (funding)"]  # uploads only, not the corpus
    next(b for b in at.button if b.label == "Remove Funding guide").click().run()
    assert any("deleted from the uploads folder" in w.value for w in at.warning)
    next(b for b in at.button if b.label == "Yes, remove it").click().run()
    assert not at.exception, at.exception
    assert any(s.value.startswith("Removed Funding guide") for s in at.success)
    assert "funding" not in _indexed(env)
    assert _uploads(env) == []
    assert any(c.value == "None yet." for c in at.caption)
