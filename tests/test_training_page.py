"""The Training page over a library of the trust's own documents, which the gold set's quiz
questions are not about: it says so and points to the duties round, which is about them."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FakeEmbedder, index_folder
from streamlit.runtime.caching import cache_resource
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "app" / "streamlit_app.py")

SCHEME = """# Scheme of delegation

## The board of trustees

The board of trustees must approve the trust's annual budget.
The board must appoint the chief executive officer.
"""


def test_a_library_the_quiz_has_no_questions_on_points_to_the_duties_round(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "scheme.md").write_text(SCHEME, encoding="utf-8")
    index_folder(docs, tmp_path / "data", FakeEmbedder())
    monkeypatch.setenv("GOVASSIST_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("GOVASSIST_CORPUS_DIR", str(docs))
    cache_resource.clear()
    try:
        at = AppTest.from_file(APP, default_timeout=60)
        at.run()
        at.switch_page("ui/training_page.py").run()
        assert not at.exception, at.exception
        notes = [i.value for i in at.info]
        assert any("No quiz questions are about the documents in this library" in n for n in notes)
        assert any("Duties round" in n for n in notes)
        # Nothing to start: no quiz set-up over an empty list of questions.
        assert "Start a new quiz" not in [b.label for b in at.button]
        assert "Start a duties round" in [b.label for b in at.button]
    finally:
        cache_resource.clear()
