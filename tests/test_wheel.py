"""The package as a user installs it: a wheel built from the checkout, installed into a fresh
virtual environment outside it, indexes a document and answers a cited question.

Only the dependencies are borrowed from the environment running the tests (a path line in a
`.pth` file adds its site-packages, and the `.pth` files inside it, among them the editable
install of this checkout, are not read), so everything `govassist` itself needs at run time,
its prompts and shipped YAML included, must come from the wheel.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parent.parent
DOCUMENT = "ssat-2018-the-school-led-system-refocusing-governance.md"


def _run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=500, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _source_copy(into: Path) -> Path:
    """The files a wheel is built from, copied: a build in the checkout itself would reuse
    whatever an earlier build left in its build/lib."""
    for name in ("pyproject.toml", "README.md"):
        shutil.copyfile(ROOT / name, into / name)
    # The top-level packages pyproject.toml ships, read from it so the copy never falls behind.
    listed = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    for package in sorted({name.split(".")[0] for name in listed}):
        shutil.copytree(
            ROOT / package, into / package, ignore=shutil.ignore_patterns("__pycache__", "devdocs")
        )
    return into


def test_the_wheel_installs_outside_the_checkout_and_answers(tmp_path: Path) -> None:
    (tmp_path / "source").mkdir()
    source = _source_copy(tmp_path / "source")
    dist = tmp_path / "dist"
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(source),
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "-w",
            str(dist),
        ],
        cwd=tmp_path,
    )
    wheel = next(dist.glob("govassist-*.whl"))
    shipped = set(zipfile.ZipFile(wheel).namelist())
    for data in (
        "prompts/abstain.txt",
        "prompts/answer_system.txt",
        "evals/gold.yaml",
        "index/plain_terms.yaml",
        "app/ui/ask_page.py",
    ):
        assert data in shipped, data

    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=tmp_path)
    python = venv / "bin" / "python"
    site = Path(
        _run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            cwd=tmp_path,
        ).strip()
    )
    (site / "borrowed-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--quiet",
            "--target",
            str(site),
            str(wheel),
        ],
        cwd=tmp_path,
    )

    work = tmp_path / "work"
    (work / "corpus").mkdir(parents=True)
    shutil.copyfile(ROOT / "corpus" / DOCUMENT, work / "corpus" / DOCUMENT)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env |= {
        "HF_HUB_OFFLINE": "1",
        "GOVASSIST_DATA_DIR": str(work / "data"),
        "GOVASSIST_CORPUS_DIR": str(work / "corpus"),
    }
    where = _run(
        [
            str(python),
            "-c",
            "import app, prompts; from app.quiz import DEFAULT_GOLD; "
            "print(app.__file__); print(prompts.__file__); print(DEFAULT_GOLD.is_file())",
        ],
        cwd=work,
        env=env,
    ).split()
    assert all(path.startswith(str(site)) for path in where[:2]), where
    assert where[2] == "True"

    _run([str(python), "-m", "app.cli", "ingest"], cwd=work, env=env)
    answer = json.loads(
        _run(
            [
                str(python),
                "-m",
                "app.cli",
                "ask",
                "What do the SSAT recommend about governance?",
                "--json",
            ],
            cwd=work,
            env=env,
        )
    )
    assert not answer["abstained"] and answer["citations"], answer
    assert all(c["doc_id"].startswith("ssat-2018") for c in answer["citations"])
    refused = json.loads(
        _run(
            [str(python), "-m", "app.cli", "ask", "What is the capital of France?", "--json"],
            cwd=work,
            env=env,
        )
    )
    assert refused["abstained"] and "don't cover" in refused["answer"]  # the prompt file's words
