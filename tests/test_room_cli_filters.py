"""`govassist ask --space/--actor`: names matched in any case and by the documents' short
names; an unknown one is an error listing the valid names, before anything loads."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_library_cli import make_library
from typer.testing import CliRunner

from app.cli import cli
from ingest.governance import ACTORS

QUESTION = "Who holds the power to inspect schools?"


def _ask(env: dict[str, str], *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["ask", *args], env=env)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    ("args", "named", "valid"),
    [
        (["--actor", "Martians"], "'Martians'", [a.name for a in ACTORS]),
        (["--space", "Outer space"], "'Outer space'", ["inspection", "intervention"]),
        (["--actor", "ofsted", "--actor", "Pirates"], "'Pirates'", ["Ofsted", "ESFA"]),
    ],
)
def test_an_unknown_space_or_actor_is_an_error_naming_the_valid_ones(
    tmp_path: Path, args: list[str], named: str, valid: list[str]
) -> None:
    # No index at all: the filters are checked first, so the message is about them.
    code, out, err = _ask({"GOVASSIST_DATA_DIR": str(tmp_path)}, *args, QUESTION)
    assert code == 2 and out == ""
    message = " ".join(err.split())
    option = args[-2].removeprefix("--")
    assert f"unknown --{option} {named}" in message
    assert all(name in message for name in valid)
    assert "Traceback" not in err and "no index" not in err


@pytest.fixture(scope="module")
def small_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    root = tmp_path_factory.mktemp("room-cli")
    yield make_library(root)
    shutil.rmtree(root, ignore_errors=True)


@pytest.mark.integration
@pytest.mark.parametrize(
    "args",
    [
        ["--actor", "ofsted"],
        ["--actor", "OFSTED"],
        ["--actor", "HMCI"],  # an alias the lexicon knows for Ofsted
        ["--space", "Inspection"],
        ["--space", "inspection space"],
        ["--space", "Inspection", "--actor", "Ofsted"],
    ],
)
def test_spaces_and_actors_match_in_any_case_and_by_alias(
    small_env: dict[str, str], args: list[str]
) -> None:
    code, out, err = _ask(small_env, "--json", *args, QUESTION)
    assert code == 0, err
    answer = json.loads(out)
    assert not answer["abstained"]
    assert {c["doc_id"] for c in answer["citations"]} == {"inspection"}
    assert "Ofsted holds the power to inspect schools" in answer["answer"]


@pytest.mark.integration
def test_a_filter_for_another_actor_still_limits_the_answer(small_env: dict[str, str]) -> None:
    code, out, err = _ask(small_env, "--json", "--actor", "esfa", "--space", "INTERVENTION",
                          "Who is the ESFA accountable to?")  # fmt: skip
    assert code == 0, err
    answer = json.loads(out)
    assert {c["doc_id"] for c in answer["citations"]} == {"funding"}
