"""End to end in a real headless Chromium: `govassist app` on loopback, a question typed into
the chat, the answer and its source card on screen; screenshots into docs/screenshots/."""

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
from playwright.sync_api import Page, expect, sync_playwright

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
START_TIMEOUT_S = 120
# The first answer waits for the model and the index to load in the server.
expect.set_options(timeout=90_000)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_healthy(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the app exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"the app did not become healthy within {START_TIMEOUT_S} s")


@pytest.fixture(scope="module")
def app_url(real_index_dir: Path) -> Iterator[str]:
    port = _free_port()
    env = {**os.environ, "GOVASSIST_DATA_DIR": str(real_index_dir)}
    command = [sys.executable, "-m", "app.cli", "app", "--port", str(port)]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="module")
def page(app_url: str) -> Iterator[Page]:
    assert Path(CHROMIUM).exists(), "Debian's chromium is needed: apt-get install chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.set_default_timeout(60_000)
        yield page
        context.close()
        browser.close()


def test_chat_answers_with_a_source_card(page: Page, app_url: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(app_url)
    box = page.locator('[data-testid="stChatInput"] textarea')
    box.wait_for()
    box.fill("Who holds the power to inspect schools?")
    box.press("Enter")
    answer = page.locator('[data-testid="stChatMessage"]').filter(has_text="Ofsted was set up")
    expect(answer.first).to_be_visible()
    expect(page.get_by_text("The inspection space > Ofsted > Authority").first).to_be_visible()
    expect(page.get_by_text("It holds the power to inspect schools.").first).to_be_visible()
    page.wait_for_timeout(500)
    page.screenshot(path=str(SCREENSHOTS / "chat.png"), full_page=True)


def test_map_page(page: Page, app_url: str) -> None:
    page.goto(f"{app_url}/map_page")
    expect(page.get_by_role("heading", name="Governance map")).to_be_visible()
    expect(page.get_by_text("It holds the power to inspect schools.").first).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "map.png"), full_page=False)


def test_training_page(page: Page, app_url: str) -> None:
    page.goto(f"{app_url}/training_page")
    expect(page.get_by_role("heading", name="Training")).to_be_visible()
    page.get_by_role("button", name="Start a new quiz").click()
    expect(page.get_by_text("Question 1 of 5")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "training.png"), full_page=False)
