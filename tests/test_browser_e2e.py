"""End to end in a real headless Chromium: `govassist app` on loopback, a question typed into
the chat, the answer and its source card on screen; screenshots into build/screenshots/
(docs/screenshots/ with `make screenshots`)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import SCREENSHOTS, running_app
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.integration
# The first answer waits for the model and the index to load in the server.
expect.set_options(timeout=90_000)


@pytest.fixture(scope="module")
def app_url(real_index_dir: Path) -> Iterator[str]:
    with running_app(real_index_dir) as (url, _):
        yield url


@pytest.fixture(scope="module")
def page(browser: Browser, app_url: str) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    context.close()


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
    page.get_by_role("button", name="Open the whole document").first.click()
    dialog = page.get_by_role("dialog")
    expect(dialog.locator("#govassist-cited-here mark.govassist-quote")).to_be_in_viewport()
    # The document scrolls in its own box: the dialog's title and close button stay in view.
    expect(dialog.get_by_text("The whole document")).to_be_in_viewport()
    expect(dialog.get_by_role("button", name="Close")).to_be_in_viewport()
    page.wait_for_timeout(500)
    page.screenshot(path=str(SCREENSHOTS / "whole-document.png"), full_page=False)
    page.keyboard.press("Escape")


def test_map_page(page: Page, app_url: str) -> None:
    page.goto(f"{app_url}/map")
    expect(page.get_by_role("heading", name="Governance map")).to_be_visible()
    expect(page.get_by_text("It holds the power to inspect schools.").first).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "map.png"), full_page=False)


def test_training_page(page: Page, app_url: str) -> None:
    page.goto(f"{app_url}/training")
    expect(page.get_by_role("heading", name="Training")).to_be_visible()
    page.get_by_role("button", name="Start a new quiz").click()
    expect(page.get_by_text("Question 1 of 5")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "training.png"), full_page=False)


def test_a_trainer_sees_the_rooms_scores(page: Page, app_url: str) -> None:
    room = f"room-{uuid.uuid4().hex[:8]}"  # the shared index may hold other tests' rooms
    page.goto(f"{app_url}/training")
    page.get_by_text("In a training session? Join your trainer's room").click()
    page.get_by_label("Session code (from your trainer)").fill(room)
    page.get_by_label("Session code (from your trainer)").press("Enter")
    page.get_by_label("Your name, as the trainer will see it").fill("Ada")
    page.get_by_label("Your name, as the trainer will see it").press("Enter")
    # The page says the room and name back once it has them: only then is the quiz started
    # (a click while the page is still redrawing for the name can land on a replaced button).
    expect(page.get_by_text(f"In room {room} as Ada")).to_be_visible()
    page.get_by_role("button", name="Start a new quiz").click()
    expect(page.get_by_text("Question 1 of 5")).to_be_visible()
    page.get_by_label("Your answer").fill("Ofsted, on behalf of the Secretary of State")
    page.get_by_role("button", name="Check my answer").click()
    page.get_by_role("button", name="Count it as right").click()
    expect(page.get_by_text("Question 2 of 5")).to_be_visible()
    page.get_by_role("tab", name="Room scores").click()
    page.get_by_label("Session code", exact=True).fill(room)
    page.get_by_label("Session code", exact=True).press("Enter")
    expect(page.get_by_role("heading", name="1 learner")).to_be_visible()
    page.wait_for_timeout(500)
    page.screenshot(path=str(SCREENSHOTS / "room-scores.png"), full_page=False)


def test_hostile_text_is_shown_as_text_not_run(page: Page, app_url: str) -> None:
    page.goto(app_url)
    box = page.locator('[data-testid="stChatInput"] textarea')
    box.wait_for()
    box.fill('<img src=x onerror="window.pwned=1"><script>window.pwned=2</script> Who inspects?')
    box.press("Enter")
    expect(
        page.get_by_text('<img src=x onerror="window.pwned=1">', exact=False).first
    ).to_be_visible()
    page.wait_for_timeout(1000)
    assert page.evaluate("window.pwned") is None
    assert page.locator('img[src="x"]').count() == 0


def _ask_and_export(browser: Browser, app_url: str, question: str) -> tuple[str, str]:
    """One visitor's session: ask, then download the Markdown export (its text and name)."""
    context = browser.new_context()
    visitor = context.new_page()
    visitor.set_default_timeout(60_000)
    visitor.goto(app_url)
    box = visitor.locator('[data-testid="stChatInput"] textarea')
    box.wait_for()
    box.fill(question)
    box.press("Enter")
    expect(visitor.locator('[data-testid="stChatMessage"]').nth(1)).to_be_visible()
    # Enabled once the answer is drawn (the empty page's disabled one can stay beside it).
    button = visitor.get_by_role("button", name="Download as Markdown", disabled=False)
    expect(button).to_be_visible()
    with visitor.expect_download() as download:
        button.click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    name = download.value.suggested_filename
    context.close()
    return text, name


def test_an_export_holds_only_its_own_session(browser: Browser, app_url: str) -> None:
    first, second = "Who holds the power to inspect schools?", "What do RSCs decide?"
    mine, my_name = _ask_and_export(browser, app_url, first)
    theirs, their_name = _ask_and_export(browser, app_url, second)
    # Two downloads in one Downloads folder are told apart by their first question.
    assert my_name.endswith("-who-holds-the-power-to-inspect-schools.md")
    assert their_name.endswith("-what-do-rscs-decide.md")
    assert first in mine and second not in mine
    assert second in theirs and first not in theirs
