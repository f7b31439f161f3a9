"""A malformed gold file is a plain error naming the file and the place, with a non-zero exit,
before anything is loaded or answered."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.cli import cli
from app.gold import GoldError, load_gold

GOOD = "- id: q1\n  question: Who inspects schools?\n"


def test_invalid_utf8_names_the_line_and_byte(tmp_path: Path) -> None:
    gold = tmp_path / "gold.yaml"
    before = GOOD.encode() + b"- id: q2\n  question: Who funds "
    gold.write_bytes(before + b"\xe9coles?\n")
    with pytest.raises(GoldError) as caught:
        load_gold(gold)
    assert str(caught.value) == (
        f"{gold}: line 4 is not UTF-8 text (byte 0xe9 at offset {len(before)}); "
        "save the file as UTF-8"
    )


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (GOOD.encode() + b"\xff\xfe", "line 3 is not UTF-8 text"),
        (b"- id: [unclosed\n", "is not valid YAML"),
        (b"[" * 5000, "is not valid YAML"),
        (b"just a string\n", "must be a non-empty YAML list"),
    ],
)
def test_eval_on_a_malformed_gold_file_exits_2_with_the_reason(
    tmp_path: Path, content: bytes, reason: str
) -> None:
    gold = tmp_path / "gold.yaml"
    gold.write_bytes(content)
    result = CliRunner().invoke(cli, ["eval", "--gold", str(gold), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2, (result.output, result.exception)
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert str(gold) in result.output and reason in result.output
