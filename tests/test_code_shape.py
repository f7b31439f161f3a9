"""The code's shape, checked by reading it: no long functions, and imports only downwards.

Layers (docs/architecture.md): `ingest` knows nothing of the others; `index` builds on
`ingest`; `engine` (answering) on both, with `prompts` (its wording, as package data); `app`
(the CLI, the UI and the features around answering) on the engine; `evals` and `bench` measure
it and sit on top (`bench` also uses `evals`' gold reading and peer)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("ingest", "index", "engine", "app", "evals", "bench", "prompts")
MAX_FUNCTION_LINES = 60  # from `def` to the end of the body, decorators left out

# What each package may import of the project, besides itself.
MAY_IMPORT: dict[str, set[str]] = {
    "ingest": set(),
    "index": {"ingest"},
    "engine": {"ingest", "index", "prompts"},
    "app": {"ingest", "index", "engine", "prompts"},
    "evals": {"ingest", "index", "engine", "app", "prompts"},
    "bench": {"ingest", "index", "engine", "app", "evals", "prompts"},
    "prompts": set(),
}
# Nothing goes up: the measuring commands (`eval`, `gate`, `bench`, the duties scorer) live in
# evals/ and bench/ and add themselves to `govassist` through entry points (app/cli.py).
ALLOWED_UP: set[tuple[str, str, str]] = set()


def _modules(*packages: str) -> Iterator[tuple[str, Path, ast.Module]]:
    for package in packages:
        for path in sorted((ROOT / package).rglob("*.py")):
            yield package, path, ast.parse(path.read_text(encoding="utf-8"), str(path))


def _where(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _function_lengths(tree: ast.Module) -> Iterator[tuple[str, int, int]]:
    """(name, first line, lines) of every function and method, nested ones included."""
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            assert node.end_lineno is not None
            yield node.name, node.lineno, node.end_lineno - node.lineno + 1


def test_no_function_is_longer_than_sixty_lines() -> None:
    long = [
        f"{_where(path)}:{line} {name} ({lines} lines)"
        for _, path, tree in _modules("app", "engine", "index", "ingest", "evals", "bench")
        for name, line, lines in _function_lengths(tree)
        if lines > MAX_FUNCTION_LINES
    ]
    assert not long, f"functions over {MAX_FUNCTION_LINES} lines (split them):\n" + "\n".join(long)


def _imports(path: Path, tree: ast.Module) -> Iterator[tuple[str, str, int]]:
    """(the function it is in, or "" at the top, imported module, line) of every import."""
    package_parts = path.relative_to(ROOT).with_suffix("").parts[:-1]

    def visit(node: ast.AST, function: str) -> Iterator[tuple[str, str, int]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import):
                yield from ((function, alias.name, child.lineno) for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                if child.level:  # relative: from the module's own package upwards
                    base = package_parts[: len(package_parts) - child.level + 1]
                    module = ".".join([*base, *([child.module] if child.module else [])])
                else:
                    module = child.module or ""
                yield function, module, child.lineno
            inner = child.name if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else ""
            yield from visit(child, function or inner)

    yield from visit(tree, "")


def _layer_breaks() -> list[str]:
    breaks = []
    for package, path, tree in _modules(*PACKAGES):
        for function, module, line in _imports(path, tree):
            imported = module.split(".")[0]
            if imported not in PACKAGES or imported == package:
                continue  # a library, or the package itself
            if imported in MAY_IMPORT[package]:
                continue
            if (_where(path), function, imported) in ALLOWED_UP:
                continue
            breaks.append(f"{_where(path)}:{line} imports {module} ({package} -> {imported})")
    return breaks


def test_imports_go_only_downwards() -> None:
    breaks = _layer_breaks()
    assert not breaks, "imports that go up a layer:\n" + "\n".join(breaks)


def test_nothing_in_index_or_the_engine_imports_app() -> None:
    imports = [
        f"{_where(path)}:{line} imports {module}"
        for _, path, tree in _modules("index", "engine")
        for _, module, line in _imports(path, tree)
        if module.split(".")[0] == "app"
    ]
    assert not imports, "\n".join(imports)


def test_the_checks_see_what_they_check() -> None:
    """The walk finds the imports it must, inside functions too: a check that saw nothing would
    always pass."""
    commands = ROOT / "evals" / "cli.py"
    tree = ast.parse(commands.read_text())
    found = {(f, m.split(".")[0]) for f, m, _ in _imports(commands, tree)}
    assert ("evaluate", "app") in found and ("gate", "evals") in found


def test_the_measuring_commands_are_added_by_their_own_packages() -> None:
    """`govassist eval`, `gate` and `bench` exist, though the app imports neither package."""
    from app.cli import MEASURES, cli

    names = {c.name or getattr(c.callback, "__name__", "") for c in cli.registered_commands}
    assert {"eval", "gate", "bench"} <= names and "duties" in MEASURES
