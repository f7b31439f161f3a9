"""In a real headless Chromium: `govassist app` over a small library; an admin removes a document
on the Library page, and the next answer no longer cites it; an admin adds one on the Admin page,
the upload box empties, and the next answer cites it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import CHROMIUM, CHROMIUM_ARGS, ROOT
from playwright.sync_api import Page, expect, sync_playwright
from test_library_cli import make_library

pytestmark = pytest.mark.integration
TOKEN = "library token"
PORTS = range(18600, 18700)  # this test's own range, apart from other servers on the machine
QUESTION = "Who is the ESFA accountable to for the funding of academies?"
expect.set_options(timeout=90_000)  # the first answer waits for the model and index to load


def _free_port() -> int:
    for port in PORTS:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise AssertionError(f"no free port in {PORTS}")


@pytest.fixture
def app_url(tmp_path: Path) -> Iterator[str]:
    env = {**os.environ, **make_library(tmp_path), "GOVASSIST_ADMIN_TOKEN": TOKEN}
    port = _free_port()
    command = [sys.executable, "-m", "app.cli", "app", "--port", str(port)]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, f"the app exited with {process.returncode}"
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                    break
            except OSError:
                assert time.monotonic() < deadline, "the app did not become healthy in time"
                time.sleep(0.5)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def page() -> Iterator[Page]:
    assert Path(CHROMIUM).exists(), "Debian's chromium is needed: apt-get install chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
        page.set_default_timeout(60_000)
        yield page
        browser.close()


def _ask(page: Page, url: str, question: str = QUESTION) -> str:
    """A fresh session asks `question`; returns the assistant's message once it is whole."""
    page.goto(url)
    box = page.locator('[data-testid="stChatInput"] textarea')
    box.wait_for()
    box.fill(question)
    box.press("Enter")
    # The export button is drawn after the answer and its sources: once it is enabled the answer
    # is complete. (The disabled one of the run before can stay beside it while
    # the page swaps runs, so the enabled one is looked for, not "the" button.)
    expect(page.get_by_role("button", name="Download as Markdown", disabled=False)).to_be_visible()
    return page.locator('[data-testid="stChatMessage"]').nth(1).inner_text()


def test_a_document_removed_on_the_library_page_is_gone_from_answers(
    page: Page, app_url: str
) -> None:
    before = _ask(page, app_url)
    assert "Funding guide" in before and "secretary of state" in before

    page.goto(f"{app_url}/library")
    expect(page.get_by_role("heading", name="Library", exact=True)).to_be_visible()
    page.get_by_label("Admin token").fill(TOKEN)
    page.get_by_label("Admin token").press("Enter")
    page.locator('[data-testid="stSelectbox"]').click()
    page.get_by_role("option", name="Funding guide (funding)").click()
    page.get_by_role("button", name="Remove Funding guide").click()
    expect(page.get_by_text("deleted from the uploads folder").last).to_be_visible()
    page.get_by_role("button", name="Yes, remove it").click()
    expect(page.get_by_text("Removed Funding guide")).to_be_visible()

    after = _ask(page, app_url)
    assert "Funding guide" not in after
    assert "accountable to the secretary of state for the funding" not in after


def _wait_until_idle(page: Page) -> None:
    page.wait_for_function(
        """() => !document.querySelector('[data-testid^="stStatusWidgetRunning"]')"""
    )


CLERKING = b"""# Clerking the trust board

## Appointment

The clerk to the trust board is appointed by the trustees and must not be one of them.
"""


def test_a_document_added_on_the_admin_page_is_cited_and_leaves_the_box_empty(
    page: Page, app_url: str, tmp_path: Path
) -> None:
    page.goto(f"{app_url}/admin")
    page.get_by_label("Admin token").fill(TOKEN)
    page.get_by_label("Admin token").press("Enter")
    upload = tmp_path / "clerking.md"
    upload.write_bytes(CLERKING)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(upload)
    expect(page.locator('[data-testid="stFileChip"]')).to_have_count(1)
    save = page.get_by_role("button", name="Save and rebuild the index")
    expect(save).to_be_visible()
    _wait_until_idle(page)  # a click while the upload's own run is still drawing can be lost
    save.click()
    expect(page.get_by_text("Saved clerking.md.")).to_be_visible()
    expect(page.get_by_text("Index rebuilt")).to_be_visible()
    # The file has been used: the box is empty, and there is nothing to save twice.
    expect(page.locator('[data-testid="stFileChip"]')).to_have_count(0)
    expect(page.get_by_role("button", name="Save and rebuild the index")).to_have_count(0)

    answer = _ask(page, app_url, "Who appoints the clerk to the trust board?")
    assert "Clerking the trust board" in answer
    assert "appointed by the trustees" in answer
