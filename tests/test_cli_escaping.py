"""The command line prints document and user text as text: Rich markup in it is shown, not
obeyed (no crash on "[/x]", no hyperlink from "[link=...]"), and terminal control characters
never reach the terminal."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.cli import cli

ESC = "\x1b"
HOSTILE = f"Boards [/x] and [link=https://evil.example]trust[/link] {ESC}]0;pwned{ESC}\\ :smile:"


def test_plain_keeps_the_words_and_drops_markup_and_controls() -> None:
    from app.cli import plain

    assert plain("a [/x] b") == "a \\[/x] b"
    assert plain(f"red {ESC}[31mtext{ESC}[0m\u202e!\u0085") == "red [31mtext[0m!"
    assert plain("line one\n\tline two") == "line one\n\tline two"


def test_an_error_naming_hostile_user_input_is_printed_as_text(tmp_path: Path) -> None:
    missing = tmp_path / f"metrics [/x] {ESC}[2J.json"
    result = CliRunner().invoke(cli, ["gate", str(missing)])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "metrics [/x] [2J.json not found" in result.output
    assert ESC not in result.output


@pytest.mark.integration
def test_ask_prints_hostile_document_headings_and_text_as_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.resources import build_index
    from app.settings import Settings

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "hostile.md").write_text(
        f"# {HOSTILE}\n\n## Appointing [bold]governors[/bold] {ESC}[31m\n\n"
        f"The governing board appoints the headteacher {ESC}[2J and holds the headteacher "
        "to account for the school's standards [link=https://evil.example]always[/link].\n",
        encoding="utf-8",
    )
    settings = Settings(data_dir=tmp_path / "data", corpus_dir=docs)
    assert build_index(settings).problems == []
    monkeypatch.setenv("GOVASSIST_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("GOVASSIST_CORPUS_DIR", str(docs))

    result = CliRunner().invoke(cli, ["ask", "Who appoints the headteacher?"])
    assert result.exit_code == 0, (result.output, result.exception)
    assert "appoints the headteacher" in result.output and "[/x]" in result.output
    assert "[link=https://evil.example]" in result.output
    assert "Appointing [bold]governors[/bold]" in result.output
    assert ":smile:" in result.output
    assert ESC not in result.output and "\x07" not in result.output, result.output
