"""The Library page in AppTest over a real small index: admin only, the table of documents,
removal after a confirmation, a replacement that keeps the id, and the skipped files; and an
earlier answer on the Ask page, and the map, after their documents were removed or replaced."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.runtime.caching import cache_resource
from streamlit.testing.v1 import AppTest
from test_library_cli import FUNDING, make_library

from app.resources import library, remove_document, replace_document
from app.settings import Settings
from app.ui.common import CARD_CLASS

pytestmark = pytest.mark.integration
APP = str(Path(__file__).resolve().parent.parent / "app" / "streamlit_app.py")
TOKEN = "library token"


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    env = make_library(tmp_path)
    for name, value in {**env, "GOVASSIST_ADMIN_TOKEN": TOKEN}.items():
        monkeypatch.setenv(name, value)
    cache_resource.clear()  # settings, the assistant and the attempt counts are per process
    yield env
    cache_resource.clear()


def _open(signed_in: bool = True) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("ui/library_page.py").run()
    assert not at.exception, at.exception
    if signed_in:
        at.text_input[0].set_value(TOKEN).run()
        assert not at.exception, at.exception
    return at


def _table_ids(at: AppTest) -> list[str]:
    return sorted(at.dataframe[0].value["id"])


def _settings(env: dict[str, str]) -> Settings:
    return Settings(
        data_dir=Path(env["GOVASSIST_DATA_DIR"]), corpus_dir=Path(env["GOVASSIST_CORPUS_DIR"])
    )


def test_anyone_sees_the_documents_and_only_an_admin_changes_them(env: dict[str, str]) -> None:
    at = _open(signed_in=False)
    # The documents, read only: no controls, and not the skipped files' paths.
    assert len(at.dataframe) == 1 and _table_ids(at) == ["funding", "hostile", "inspection"]
    assert not at.button and not at.selectbox
    at.text_input[0].set_value("wrong").run()
    assert any("not right" in e.value for e in at.error)
    assert len(at.dataframe) == 1 and not at.button and not at.selectbox


def test_without_an_admin_token_the_library_is_listed_and_cannot_change(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GOVASSIST_ADMIN_TOKEN")
    at = _open(signed_in=False)
    assert _table_ids(at) == ["funding", "hostile", "inspection"]
    assert any("Changing the library is switched off" in i.value for i in at.info)
    assert not at.text_input and not at.button


def test_the_table_lists_every_document_and_the_rules(env: dict[str, str]) -> None:
    at = _open()
    table = at.dataframe[0].value
    assert sorted(table["id"]) == ["funding", "hostile", "inspection"]
    row = table[table["id"] == "inspection"].iloc[0]
    assert (row["title"], row["format"], row["from"], row["passages"]) == (
        "Inspection handbook", "Markdown", "corpus", 1
    )  # fmt: skip
    # The id (what the command line takes) last; times to the minute, as a reader writes them.
    columns = list(table.columns)
    assert (columns[0], columns[-1]) == ("title", "id")
    assert len(row["added (UTC)"]) == 16 and "T" not in row["added (UTC)"]
    assert any(" UTC." in c.value and "+00:00" not in c.value for c in at.caption)
    rules = " ".join(c.value for c in at.caption)
    assert "deleted from the uploads folder" in rules and "excluded from the index" in rules
    assert any("read every file" in c.value for c in at.caption)  # the last ingest skipped none


def test_remove_asks_first_and_cancel_keeps_the_document(env: dict[str, str]) -> None:
    at = _open()
    at.selectbox(key="library-document").set_value("funding").run()
    at.button(key="library-remove").click().run()
    (warning,) = at.warning
    assert "Remove “Funding guide” \\(funding\\)" in warning.value
    assert "deleted from the uploads folder" in warning.value
    at.button(key="library-cancel").click().run()
    assert not at.warning and _table_ids(at) == ["funding", "hostile", "inspection"]

    at.button(key="library-remove").click().run()
    at.button(key="library-confirm").click().run()
    assert not at.exception, at.exception
    assert any("Removed Funding guide" in s.value for s in at.success)
    assert _table_ids(at) == ["hostile", "inspection"]
    assert not (Path(env["GOVASSIST_DATA_DIR"]) / "uploads" / "funding.md").exists()


def test_a_removed_corpus_document_can_be_included_again(env: dict[str, str]) -> None:
    at = _open()
    at.selectbox(key="library-document").set_value("inspection").run()
    at.button(key="library-remove").click().run()
    assert "The file itself is kept" in at.warning[0].value
    at.button(key="library-confirm").click().run()
    assert _table_ids(at) == ["funding", "hostile"]
    assert (Path(env["GOVASSIST_CORPUS_DIR"]) / "inspection.md").exists()
    at.button(key="library-include-0").click().run()
    assert not at.exception, at.exception
    assert any("Included Inspection handbook again" in s.value for s in at.success)
    assert _table_ids(at) == ["funding", "hostile", "inspection"]


def test_replace_keeps_the_id(env: dict[str, str]) -> None:
    at = _open()
    at.selectbox(key="library-document").set_value("funding").run()
    new = FUNDING.replace("academies.", "academies and free schools.")
    at.file_uploader(key="library-replace-funding-0").set_value(
        ("funding 2024.md", new.encode(), "text/markdown")
    ).run()
    at.button(key="library-replace").click().run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    shown = [s.value.replace("\\", "") for s in at.success]  # markdown escapes dropped
    assert any("Replaced Funding guide with funding 2024.md (id funding)" in s for s in shown)
    # The box is drawn empty again: the file in it has been used.
    (box,) = [u for u in at.file_uploader if u.label.startswith("Replace it with a new file")]
    assert box.value is None
    assert _table_ids(at) == ["funding", "hostile", "inspection"]
    (document,) = [d for d in library(_settings(env)).documents if d.doc_id == "funding"]
    assert document.size == len(new.encode())
    stored = Path(env["GOVASSIST_DATA_DIR"]) / "uploads" / "funding.md"
    assert stored.read_text(encoding="utf-8") == new


def test_a_replaced_corpus_file_is_listed_as_replaced_not_to_include_again(
    env: dict[str, str],
) -> None:
    settings = _settings(env)
    new = b"# Inspection handbook\n\nOfsted inspects schools and reports on them.\n"
    replace_document(settings, "inspection", "inspection 2025.md", new, 1024 * 1024)
    remove_document(settings, "hostile")  # a corpus file: excluded, and may come back
    at = _open()
    notes = [c.value for c in at.caption]
    assert any(n.startswith("Replaced: the library holds a newer file") for n in notes)
    buttons = [b.key for b in at.button if b.key and b.key.startswith("library-include")]
    assert len(buttons) == 1  # the removed file's, not the replaced one's
    at.button(key=buttons[0]).click().run()
    assert not at.exception, at.exception
    assert "hostile" in _table_ids(at)


def test_a_refused_replacement_is_explained(env: dict[str, str]) -> None:
    at = _open()
    at.selectbox(key="library-document").set_value("funding").run()
    at.file_uploader(key="library-replace-funding-0").set_value(
        ("empty.md", b"   ", "text/markdown")
    ).run()
    at.button(key="library-replace").click().run()
    (error,) = [e.value.replace("\\", "") for e in at.error]
    assert error == (
        "empty.md: the file is empty. The current version of “Funding guide” stays in use."
    )
    assert not at.get("progress")  # nothing is being read any more
    assert (Path(env["GOVASSIST_DATA_DIR"]) / "uploads" / "funding.md").read_text(
        encoding="utf-8"
    ) == FUNDING


def test_the_skipped_files_are_listed_with_their_reasons(env: dict[str, str]) -> None:
    from app.resources import build_index

    settings = _settings(env)
    (settings.corpus_dir / "scan.pdf").write_bytes(b"%PDF-1.4 broken")
    build_index(settings)
    at = _open()
    skipped = at.dataframe[1].value
    assert list(skipped["file"]) == [str(settings.corpus_dir / "scan.pdf")]
    assert skipped["reason"][0]  # the loader's own words, whatever they are
    assert any("By govassist ingest" in c.value for c in at.caption)


def _ask_about_funding() -> AppTest:
    """The Ask page, having answered from the Funding guide (source card 1)."""
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.chat_input[0].set_value("Who is the ESFA accountable to?").run()
    assert any('id="answer-0-source-1"' in h.value and "Funding guide" in h.value for h in at.html)
    return at


def _warnings(at: AppTest) -> list[str]:
    return [w.value.replace("\\", "") for w in at.warning]  # markdown escapes dropped


def test_an_earlier_answer_says_its_document_was_removed(env: dict[str, str]) -> None:
    at = _ask_about_funding()
    remove_document(_settings(env), "funding")
    at.run()  # the answer is drawn again, from the index without the document
    at.button(key="whole-0-1").click().run()
    assert not at.exception, at.exception
    gone = "“Funding guide” is no longer in the library: it was removed or replaced"
    # "Show in document" and "Open the whole document" both say so; no empty document.
    assert [w.startswith(gone) for w in _warnings(at)] == [True, True]
    assert not any("cited sentences are marked below" in c.value for c in at.caption)
    assert f'<div class="{CARD_CLASS}"></div>' not in [h.value for h in at.html]


def test_an_earlier_answer_says_its_document_was_replaced(env: dict[str, str]) -> None:
    at = _ask_about_funding()
    new = FUNDING.replace("academies.", "academies and free schools.")
    replace_document(_settings(env), "funding", "funding.md", new.encode(), 1024 * 1024)
    at.run()
    at.button(key="whole-0-1").click().run()
    assert not at.exception, at.exception
    changed = "“Funding guide” has been replaced since this answer was given"
    assert [w.startswith(changed) for w in _warnings(at)] == [True, True]
    assert any("academies and free schools." in h.value for h in at.html)  # the new version


def test_an_earlier_answer_finds_its_quote_in_the_new_version_that_still_has_it(
    env: dict[str, str],
) -> None:
    at = _ask_about_funding()
    new = FUNDING.rstrip() + " It also publishes the funding rules each year.\n"
    replace_document(_settings(env), "funding", "funding.md", new.encode(), 1024 * 1024)
    at.run()
    at.button(key="whole-0-1").click().run()
    assert not at.exception, at.exception
    assert not _warnings(at)  # the cited sentence is still there, word for word
    assert any("The cited sentences are marked below" in c.value for c in at.caption)
    assert any("govassist-cited-here" in h.value and "publishes the funding rules" in h.value
               for h in at.html)  # fmt: skip


def test_the_map_says_why_it_is_empty_and_which_document_was_removed(
    env: dict[str, str],
) -> None:
    # Both documents with sections on actors go: the corpus one excluded, the upload deleted.
    remove_document(_settings(env), "inspection")
    remove_document(_settings(env), "funding")
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("ui/map_page.py").run()
    assert not at.exception, at.exception
    assert not at.subheader  # no actor rows
    (notice,) = [i.value.replace("\\", "") for i in at.info if "The map is drawn" in i.value]
    assert "no document now in the library has any." in notice
    assert "Removed from the library: “Inspection handbook” (inspection)." in notice
    # The example heading names no section of any library in particular.
    assert "intervention space" not in notice
