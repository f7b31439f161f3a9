"""The duties register in a real headless Chromium: the Duties page filtered, its CSV and
printable HTML downloads opened and each duty's citation checked, a duties question answered in
the chat with a cited list, and a training round played; screenshots of the page and the round
into build/screenshots/ (docs/screenshots/ with `make screenshots`). Over an index of corpus/
and two PDFs of the dev documents (the model articles, whose directors hold many duties, and
the EYFS updates), so citations carry pages."""

from __future__ import annotations

import csv
import io
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import CORPUS, ROOT, SCREENSHOTS, running_app
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.integration
DEVDOCS = ROOT / "evals" / "devdocs"
ARTICLES = "Model articles for private companies limited by guarantee"
RSCS = "Regional Schools Commissioners (RSCs)"
expect.set_options(timeout=90_000)  # the first answer waits for the model and index to load


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from app.resources import build_index
    from app.settings import Settings

    data_dir = tmp_path_factory.mktemp("duties-browser")
    settings = Settings(data_dir=data_dir, corpus_dir=CORPUS, _env_file=None)
    pdfs = [DEVDOCS / "so-make-it-constitution.pdf", DEVDOCS / "eyfs-updates-2025.pdf"]
    assert build_index(settings, [CORPUS, *pdfs]).problems == []
    with running_app(data_dir) as (url, _):
        yield url
    shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(90_000)
    yield page
    context.close()


def _pick(page: Page, box: str, option: str) -> None:
    """Choose `option` in the multiselect labelled `box`."""
    page.get_by_role("combobox", name=box).click()
    # Typed first: a long list draws only the options in view.
    page.keyboard.type(option)
    page.get_by_role("option", name=option, exact=True).click()
    page.keyboard.press("Escape")


def _badge_style(page: Page, word: str) -> dict[str, str]:
    """Colour and weight of the first strength badge that reads `word`."""
    badge = page.locator("span.stMarkdownColoredText", has_text=re.compile(f"^{word}$")).first
    return badge.evaluate(
        "e => { const s = getComputedStyle(e.querySelector('strong') || e); "
        "return {color: s.color, weight: s.fontWeight}; }"
    )


def _download(page: Page, button: str, folder: Path) -> Path:
    """The file a download button gives, saved under the name the page suggests."""
    with page.expect_download() as download:
        page.get_by_role("button", name=button).click()
    path = folder / download.value.suggested_filename
    download.value.save_as(path)
    return path


def test_the_duties_page_filters_and_its_exports_cite_every_duty(
    page: Page, app_url: str, browser: Browser, tmp_path: Path
) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(f"{app_url}/duties")
    expect(page.get_by_role("heading", name="Duties register")).to_be_visible()
    # Every actor's duties: must and should look different (colour and weight).
    page.get_by_role("button", name="Remove Directors").click()
    expect(page.get_by_text(re.compile(r"^\d+ duties \(.*should")).first).to_be_visible()
    must, should = _badge_style(page, "MUST"), _badge_style(page, "SHOULD")
    assert must["color"] != should["color"]
    assert int(must["weight"]) >= 600 > int(should["weight"])
    # The screenshot: what the documents ask of regional schools commissioners.
    _pick(page, "Actors", RSCS)
    expect(page.get_by_text(re.compile(r"^2 duties \(1 must, 1 should not\)$"))).to_be_visible()
    page.get_by_text("Every sentence of the documents").click()  # nothing focused
    page.wait_for_timeout(500)
    page.screenshot(path=str(SCREENSHOTS / "duties.png"), full_page=False)

    # The directors' firm duties in the model articles, and the words "meeting".
    page.get_by_role("button", name=f"Remove {RSCS}").click()
    _pick(page, "Documents", ARTICLES)
    # The articles name no board: their own most frequent actor is chosen, and the page says so.
    expect(page.get_by_role("button", name="Remove Directors")).to_be_visible()
    expect(page.get_by_text("These documents state no duties for governing boards")).to_be_visible()
    _pick(page, "Strength", "must")
    _pick(page, "Strength", "must not")
    # (The counts follow the extractor: "Notice of a directors' meeting must be given" is the
    # directors' own duty since the actor of a requirement on a thing follows who dealt with it.)
    expect(page.get_by_text(re.compile(r"^11 duties \(8 must, 3 must not\)$"))).to_be_visible()
    page.get_by_label("Search the duties").fill("meeting")
    page.get_by_label("Search the duties").press("Enter")
    # The items of "Notice of any directors' meeting must indicate—" are found by their lead-in
    # ("... — … (a) its proposed date and time;"), as they are shown.
    expect(page.get_by_text(re.compile(r"^7 duties "))).to_be_visible()

    table = _download(page, "Download CSV", tmp_path)
    assert table.name == "duties.csv"
    rows = list(csv.DictReader(io.StringIO(table.read_text(encoding="utf-8"))))
    assert len(rows) == 7
    for row in rows:  # each duty shown, with its document, section and page
        # (a duty can also sit, hidden, in another card's "In context")
        expect(page.locator("p:visible", has_text=row["duty"]).first).to_be_visible()
        assert row["document"] == ARTICLES and row["doc_id"] == "so-make-it-constitution"
        assert row["section"].startswith("PART 2 DIRECTORS > ") and int(row["page"]) >= 1
        assert row["strength"] in ("must", "must not") and row["actor"] == "Directors"
        assert "meeting" in row["duty"]

    printable = _download(page, "Printable page", tmp_path)
    assert printable.name == "duties.html"
    opened = browser.new_page()
    opened.goto(printable.as_uri())
    expect(opened.get_by_role("heading", name="Directors (7)")).to_be_visible()
    cells = opened.locator("td:has(span.cite)")
    expect(cells).to_have_count(7)
    for cell, row in zip(cells.all(), rows, strict=True):
        cite = cell.locator("span.cite").inner_text()
        assert row["duty"] in cell.inner_text()
        assert cite == f"{ARTICLES}, {row['section']}, page {row['page']}"  # no offsets
    opened.close()


def test_a_duties_question_in_the_chat_is_answered_with_a_cited_list(
    page: Page, app_url: str
) -> None:
    page.goto(app_url)
    box = page.locator('[data-testid="stChatInput"] textarea')
    box.fill("What must the directors do about meetings?")
    box.press("Enter")
    # Enabled once the answer is drawn (the empty page's disabled one can stay beside it).
    expect(page.get_by_role("button", name="Download as Markdown", disabled=False)).to_be_visible()
    answer = page.locator('[data-testid="stChatMessage"]').nth(1)
    text = answer.locator("[data-testid='stMarkdownContainer']").first.inner_text()
    assert "The directors may appoint a director to chair their meetings." in text
    markers = re.findall(r"\[(\d+)\]", text)
    cards = answer.locator(".govassist-card")
    assert len(markers) >= 3 and cards.count() >= 3
    for card in cards.all():  # each duty's card: the articles, a section and a page
        assert ARTICLES in card.inner_text()
        assert re.search(r" · page \d+$", card.locator(".govassist-where").inner_text())


def test_a_training_round_from_the_register(page: Page, app_url: str) -> None:
    page.goto(f"{app_url}/training")
    page.get_by_role("tab", name="Duties round").click()
    page.get_by_role("button", name="Start a duties round").click()
    expect(page.get_by_text("Sentence 1 of 5")).to_be_visible()
    choices = page.get_by_role("radiogroup", name="Which word does the document use?")
    choices.get_by_text("must", exact=True).click()
    page.get_by_role("button", name="Check my choice").click()
    expect(page.get_by_text(re.compile(r"^(Right|Not this time)")).first).to_be_visible()
    # The answer key cites the document, section and page, never character offsets.
    expect(page.get_by_text(re.compile(r", page \d+$")).first).to_be_visible()
    expect(page.get_by_text(re.compile(r"characters \d+"))).to_have_count(0)
    page.wait_for_timeout(500)
    page.screenshot(path=str(SCREENSHOTS / "duties-round.png"), full_page=False)
