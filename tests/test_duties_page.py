"""The Duties page in AppTest over an index built with the fake embedder: the board's duties by
default, filters by document, actor, strength, section and search, each duty cited, must and
should marked apart, the three downloads, and the register read from the file ingest stored."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import FakeEmbedder, index_folder
from streamlit.runtime.caching import cache_resource
from streamlit.testing.v1 import AppTest

from app import duty_register

APP = str(Path(__file__).resolve().parent.parent / "app" / "streamlit_app.py")

HANDBOOK = """# Governance handbook

## The board

Governing bodies and proprietors must publish their instrument of government.
The governing board should meet at least three times a year.

## Finance

The board must approve the budget. Boards may appoint a finance committee.

## Staff

The headteacher must report to the board each term. The headteacher should attend meetings.
"""
NURSERY = """# Nursery guide

## Welfare

Providers must keep children safe. Providers should read the *annex* [here](http://x.example).
"""
ARTICLES = """# Articles of association

## Directors

The directors must keep minutes of their meetings. Providers must keep accounts.
Providers must file the accounts. Providers should publish a report.
"""


def _not_read(*args: object) -> object:
    raise AssertionError("the page should show the register ingest stored")


@pytest.fixture
def at(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "handbook.md").write_text(HANDBOOK, encoding="utf-8")
    (docs / "nursery.md").write_text(NURSERY, encoding="utf-8")
    (docs / "articles.md").write_text(ARTICLES, encoding="utf-8")
    index_folder(docs, tmp_path / "data", FakeEmbedder())
    # Read from the file ingest wrote beside the index, not from the index's passages.
    monkeypatch.setattr(duty_register, "build_register", _not_read)
    monkeypatch.setenv("GOVASSIST_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("GOVASSIST_CORPUS_DIR", str(docs))
    cache_resource.clear()  # settings are cached per process
    app = AppTest.from_file(APP, default_timeout=60)
    app.run()
    app.switch_page("ui/duties_page.py").run()
    assert not app.exception, app.exception
    yield app
    cache_resource.clear()


def shown(at: AppTest) -> list[str]:
    """The duty sentences on the page, in order (each card: badge line, sentence, citation)."""
    texts = [m.value for m in at.markdown]
    return [t for t in texts if t.endswith(".") and "·" not in t and "**" not in t]


def test_the_board_is_shown_first_with_each_duty_cited_and_marked(at: AppTest) -> None:
    assert at.multiselect(key="duties-actors").value == ["Governing boards"]
    assert shown(at) == [
        "Governing bodies and proprietors must publish their instrument of government\\.",
        "The governing board should meet at least three times a year\\.",
        "The board must approve the budget\\.",
        "Boards may appoint a finance committee\\.",
    ]
    badges = [m.value for m in at.markdown if "·" in m.value]
    assert badges == [
        ":red[**MUST**] · **Governing boards**",
        ":blue[SHOULD] · **Governing boards**",
        ":red[**MUST**] · **Governing boards**",
        ":green[MAY] · **Governing boards**",
    ]
    captions = [c.value for c in at.caption if c.value.startswith("Governance handbook")]
    assert len(captions) == 4
    assert not any("characters" in c.value for c in at.caption)  # no offsets for readers
    assert captions[0].startswith("Governance handbook, Governance handbook \\> The board")
    assert "**4 duties** (2 must, 1 should, 1 may)" in [m.value for m in at.markdown]
    # Each duty can be read in its passage, the sentence in bold.
    assert [e.label for e in at.expander] == ["In context"] * 4
    assert at.expander[2].markdown[0].value == (
        "**The board must approve the budget\\.** Boards may appoint a finance committee\\."
    )


def badges(at: AppTest) -> list[str]:
    return [m.value.split(" · ")[0] for m in at.markdown if "·" in m.value]


def test_pick_a_document_and_an_actor_then_filter_by_strength_and_search(at: AppTest) -> None:
    at.multiselect(key="duties-docs").set_value(["handbook"]).run()
    # The actors offered are those of the chosen documents (the widget is the documents' own).
    at.multiselect(key="duties-actors-handbook").set_value(["School leaders"]).run()
    assert shown(at) == [
        "The headteacher must report to the board each term\\.",
        "The headteacher should attend meetings\\.",
    ]
    # Must and should look different: red and bold against blue and plain.
    assert badges(at) == [":red[**MUST**]", ":blue[SHOULD]"]
    both = ["Governing boards", "School leaders"]
    at.multiselect(key="duties-actors-handbook").set_value(both).run()
    at.multiselect(key="duties-strength").set_value(["must"]).run()
    assert shown(at) == [
        "Governing bodies and proprietors must publish their instrument of government\\.",
        "The board must approve the budget\\.",
        "The headteacher must report to the board each term\\.",
    ]
    assert set(badges(at)) == {":red[**MUST**]"}
    at.text_input(key="duties-search").set_value("budget").run()
    assert shown(at) == ["The board must approve the budget\\."]
    assert "**1 duties** (1 must)" in [m.value for m in at.markdown]


def test_filters_narrow_the_duties(at: AppTest) -> None:
    at.multiselect(key="duties-strength").set_value(["must"]).run()
    assert len(shown(at)) == 2
    at.selectbox(key="duties-section").set_value("Governance handbook > Finance").run()
    assert shown(at) == ["The board must approve the budget\\."]
    at.multiselect(key="duties-strength").set_value([]).run()
    at.selectbox(key="duties-section").set_value("All sections").run()
    at.multiselect(key="duties-actors").set_value([]).run()
    at.multiselect(key="duties-docs").set_value(["nursery"]).run()
    assert len(shown(at)) == 2
    at.text_input(key="duties-search").set_value("ANNEX").run()
    # Document text is shown as text: the link and emphasis are escaped, not rendered.
    assert shown(at) == ["Providers should read the annex here\\."]
    assert "**1 duties** (1 should)" in [m.value for m in at.markdown]


def test_downloads_are_offered_for_the_selection_and_disabled_for_none(at: AppTest) -> None:
    buttons = at.get("download_button")
    assert [b.proto.label for b in buttons] == [
        "Download CSV", "Markdown checklist", "Printable page",
    ]  # fmt: skip
    assert not any(b.proto.disabled for b in buttons)
    at.text_input(key="duties-search").set_value("no such words").run()
    assert all(b.proto.disabled for b in at.get("download_button"))
    assert "No duties match these filters." in [i.value for i in at.info]


def test_a_document_without_board_duties_shows_its_own_actors(at: AppTest) -> None:
    """Choosing the nursery guide (no board duties) shows its providers' duties and says why,
    instead of "no duties match" under a board it never names."""
    at.multiselect(key="duties-docs").set_value(["nursery"]).run()
    actors = at.multiselect(key="duties-actors-nursery")
    assert actors.options == ["Providers"] and actors.value == ["Providers"]
    assert len(shown(at)) == 2
    notes = [c.value for c in at.caption if "no duties for governing boards" in c.value]
    assert notes == ["These documents state no duties for governing boards; shown: Providers."]


def test_a_board_by_another_name_comes_before_the_actor_with_most_duties(at: AppTest) -> None:
    """A trust's articles give its board's duties to its directors: those are shown, though
    another actor has more."""
    at.multiselect(key="duties-docs").set_value(["articles"]).run()
    assert at.multiselect(key="duties-actors-articles").value == ["Directors"]
    assert shown(at) == ["The directors must keep minutes of their meetings\\."]  # escaped
    notes = [c.value for c in at.caption if "no duties for governing boards" in c.value]
    assert notes == [
        "These documents state no duties for governing boards; shown: Directors (the board by "
        "another name)."
    ]


def test_a_search_the_chosen_actors_miss_says_where_the_duties_are(at: AppTest) -> None:
    # The page opens on the board's duties; the nursery's are the providers'.
    at.text_input(key="duties-search").set_value("children safe").run()
    assert not at.exception, at.exception
    notes = [i.value for i in at.info]
    expected = "No duties match these filters. 1 duty of other actors matches the search"
    assert any(n.startswith(expected) for n in notes)
