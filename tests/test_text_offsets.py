"""A Markdown or text file's quotes are its own characters: file_text[start:end] == quote, with
comments and template tags in the quoted stretch, a BOM, or a few bytes that are not UTF-8."""

from __future__ import annotations

from pathlib import Path

from ingest.pipeline import parse_document


def _quotes(path: Path) -> list[tuple[int, int, str]]:
    document = parse_document(path)
    return [
        (s.start, s.end, chunk.quote(s.start, s.end))
        for chunk in document.chunks
        for s in chunk.sentences
    ]


def test_a_quote_keeps_the_comment_and_tag_inside_it(tmp_path: Path) -> None:
    path = tmp_path / "otter.md"
    path.write_text(
        "# Otter School\n\nThe headteacher <!-- check with clerk --> of Otter School reports "
        "to the {{ trust_name }} Academy Trust board.\n",
        encoding="utf-8",
    )
    text = path.read_text(encoding="utf-8")
    quotes = _quotes(path)
    assert any("<!-- check with clerk -->" in quote for _, _, quote in quotes)
    assert all(text[start:end] == quote for start, end, quote in quotes)


def test_offsets_count_a_bom_as_a_plain_utf8_reading_does(tmp_path: Path) -> None:
    path = tmp_path / "bom.md"
    path.write_bytes("\ufeff# Guide\n\nThe board meets termly – always.\n".encode())
    text = path.read_text(encoding="utf-8")
    assert all(text[start:end] == quote for start, end, quote in _quotes(path))


def test_a_few_stray_bytes_leave_the_rest_of_a_utf8_file_as_written(tmp_path: Path) -> None:
    path = tmp_path / "heron.md"
    written = "# Heron School\n\nThe board meets termly – always.\n\n".encode()
    path.write_bytes(written + b"\xff\xfe")
    quotes = [quote for _, _, quote in _quotes(path)]
    assert "The board meets termly – always." in quotes
