"""The admin page under attack: wrong tokens are limited and logged, and uploaded names never
replace another file or lose their script."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.runtime.caching import cache_resource
from streamlit.testing.v1 import AppTest

from app.uploads import safe_name, store_upload

APP = str(Path(__file__).resolve().parent.parent / "app" / "streamlit_app.py")
TOKEN = "correct horse battery staple"
FREE_ATTEMPTS = 5  # app.admin_access.FREE_ATTEMPTS


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_wrong_tokens_lock_out_for_longer_each_time() -> None:
    from app.admin_access import FREE_ATTEMPTS as FREE
    from app.admin_access import AttemptLimiter

    assert FREE == FREE_ATTEMPTS
    clock = Clock()
    attempts = AttemptLimiter(clock=clock)
    keys = ["session a", "client 10.0.0.9"]
    for failure in range(1, FREE_ATTEMPTS):
        assert attempts.failed(keys) == (failure, 0.0)
        assert attempts.wait_s(keys) == 0.0
    assert attempts.failed(keys) == (FREE_ATTEMPTS, 2.0)
    assert attempts.wait_s(keys) == 2.0
    # Another session from the same client waits too.
    assert attempts.wait_s(["session b", "client 10.0.0.9"]) == 2.0
    clock.now += 2.0
    assert attempts.wait_s(keys) == 0.0
    assert attempts.failed(keys) == (FREE_ATTEMPTS + 1, 4.0)
    for _ in range(20):
        clock.now += 1000
        attempts.failed(keys)
    assert attempts.wait_s(keys) == 900.0  # capped at 15 minutes
    attempts.succeeded(keys)
    assert attempts.wait_s(keys) == 0.0
    assert attempts.failed(keys) == (1, 0.0)


@pytest.fixture
def admin_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    monkeypatch.setenv("GOVASSIST_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("GOVASSIST_ADMIN_TOKEN", TOKEN)
    cache_resource.clear()  # settings and the attempt counts are per server process
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("ui/admin_page.py").run()
    assert not at.exception, at.exception
    yield at
    cache_resource.clear()


def _uploaders(at: AppTest) -> list[object]:
    return list(at.get("file_uploader"))


@pytest.mark.integration
def test_admin_page_locks_out_a_guesser_and_logs_each_wrong_token(
    admin_app: AppTest, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="app.ui.admin_page")
    guesses = [f"guess-{n}" for n in range(FREE_ATTEMPTS)]
    for guess in guesses:
        admin_app.text_input[0].set_value(guess).run()
        assert not _uploaders(admin_app)
    assert any("Try again in 2 seconds" in e.value for e in admin_app.error)
    # Locked: even the right token is not checked now.
    admin_app.text_input[0].set_value(TOKEN).run()
    assert any("Too many wrong tokens" in e.value for e in admin_app.error)
    assert not _uploaders(admin_app) and not admin_app.button

    lines = [r.getMessage() for r in caplog.records if "Wrong admin token" in r.getMessage()]
    assert len(lines) == FREE_ATTEMPTS
    assert lines[-1].endswith(f"failure {FREE_ATTEMPTS}, locked for 2 s")
    assert not any(guess in line for line in lines for guess in guesses)


@pytest.mark.integration
def test_the_same_wrong_token_is_counted_once_and_the_right_one_lets_in(
    admin_app: AppTest,
) -> None:
    admin_app.text_input[0].set_value("typo").run()
    for _ in range(FREE_ATTEMPTS + 2):  # reruns with the same token in the box
        admin_app.run()
    assert not any("Try again" in e.value for e in admin_app.error)
    admin_app.text_input[0].set_value(TOKEN).run()
    assert _uploaders(admin_app) and not admin_app.error


def test_a_different_file_with_the_same_stored_name_is_kept_beside_it(tmp_path: Path) -> None:
    from app.uploads import saved_message

    folder = tmp_path / "uploads"
    first = store_upload("Governance report.md", b"# First\n\nOne.", folder, 1000)
    second = store_upload("Governance-report.md", b"# Second\n\nTwo.", folder, 1000)
    assert first.name == "Governance-report.md" and second.name == "Governance-report-2.md"
    assert first.read_bytes() == b"# First\n\nOne." and second.read_bytes() == b"# Second\n\nTwo."
    assert saved_message("Governance-report.md", second) == (
        "Saved Governance-report.md as Governance-report-2.md: a different file named "
        "Governance-report.md is already stored, and it was kept, so the library now holds "
        "both. If this is a new version of that document, remove this one and use Replace on "
        "the Library page: the document keeps its id, and answers stop quoting the old version."
    )
    # The same bytes again are the same document: not stored a second time.
    assert store_upload("Governance report.md", b"# First\n\nOne.", folder, 1000) == first
    assert sorted(p.name for p in folder.iterdir()) == [
        "Governance-report-2.md", "Governance-report.md"
    ]  # fmt: skip


def test_names_in_other_scripts_keep_their_extension(tmp_path: Path) -> None:
    from app.uploads import saved_message

    assert safe_name("校务.pdf") == "XiaoWu.pdf"
    assert safe_name("Отчёт 2024.DOCX") == "Otchet-2024.docx"
    assert safe_name("Café policy.md") == "Cafe-policy.md"
    saved = store_upload("校务.md", "# 校务\n\n学校".encode(), tmp_path, 1000)
    assert saved.name == "XiaoWu.md"
    assert saved_message("校务.md", saved) == "Saved 校务.md as XiaoWu.md."
    # Nothing left to transliterate: a hash keeps two such names apart.
    one, two = safe_name("\u200b.md"), safe_name("\u200c.md")
    assert one.startswith("document-") and one.endswith(".md") and one != two
