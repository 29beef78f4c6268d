"""The dependency rule (DESIGN.md, "Dependency direction"), clause by clause:

- `ui → desktop → sync`: desktop never imports ui;
- `desktop` may use `sync.client` (the composition root wires the engine);
- `sync` never imports `desktop` or `ui`;
- `sync/server` imports only `sync.kinds`, `sync.wire`, `sync.merge`,
  `sync.errors` and itself — never `sync.client`;
- only `ui/` imports Qt.

Imports are read with `ast`, wherever they are (inside functions too, and
`importlib.import_module("…")` with a literal name). Each clause is also fed
a planted violation, so a check that can never fail would show here."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("desktop", "sync", "ui")
QT = ("PySide6", "shiboken6")
SERVER_MAY_USE = ("sync.kinds", "sync.wire", "sync.merge", "sync.errors", "sync.server")


def _within(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_names(path: Path, root: Path) -> Iterator[str]:
    """Every module `path` imports, as absolute dotted names. `from a import b`
    gives `a.b` (b may be a module), and relative imports are resolved."""
    module = _module_name(path, root)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            yield from (f"{base}.{alias.name}" if base else alias.name for alias in node.names)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute | ast.Name)
            and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            yield node.args[0].value


@dataclass(frozen=True)
class Clause:
    name: str
    folder: str  # the files the clause is about
    breaks: Callable[[str], bool]  # an imported name that breaks it
    planted: str  # a violating line for the self-test, planted in `folder`


CLAUSES = [
    Clause("desktop never imports ui", "desktop", lambda n: _within(n, ("ui",)), "import ui.app"),
    Clause(
        "sync never imports desktop or ui",
        "sync",
        lambda n: _within(n, ("desktop", "ui")),
        "from desktop import vault",
    ),
    Clause(
        "sync/server imports only sync.kinds, sync.wire, sync.merge, sync.errors and itself",
        "sync/server",
        lambda n: _within(n, ("sync",)) and not _within(n, SERVER_MAY_USE),
        "from sync.client.engine import SyncEngine",
    ),
    Clause(
        "only ui/ imports Qt (desktop)",
        "desktop",
        lambda n: _within(n, QT),
        "def later():\n    from PySide6.QtCore import QObject\n",
    ),
    Clause("only ui/ imports Qt (sync)", "sync", lambda n: _within(n, QT), "import shiboken6"),
]


def violations(clause: Clause, root: Path = ROOT) -> list[str]:
    found = []
    for path in sorted((root / clause.folder).rglob("*.py")):
        for name in sorted(set(imported_names(path, root))):
            if clause.breaks(name):
                found.append(f"{path.relative_to(root).as_posix()} imports {name}")
    return found


@pytest.mark.parametrize("clause", CLAUSES, ids=lambda c: c.name)
def test_the_code_keeps_the_clause(clause):
    assert (ROOT / clause.folder).is_dir()
    assert violations(clause) == []


def test_only_ui_imports_qt_anywhere_in_the_app():
    """Every package but ui/ is covered by a Qt clause."""
    qt_folders = {c.folder for c in CLAUSES if c.breaks("PySide6.QtCore")}
    assert qt_folders == set(PACKAGES) - {"ui"}


def _plant(tmp_path: Path, folder: str, source: str) -> Path:
    for pkg in PACKAGES + ("sync/server", "sync/client"):
        (tmp_path / pkg).mkdir(parents=True, exist_ok=True)
        (tmp_path / pkg / "__init__.py").touch()
    (tmp_path / folder / "planted.py").write_text(source + "\n", encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("clause", CLAUSES, ids=lambda c: c.name)
def test_each_clause_catches_a_planted_violation(tmp_path, clause):
    root = _plant(tmp_path, clause.folder, clause.planted)
    found = violations(clause, root)
    assert len(found) == 1
    assert found[0].startswith(f"{clause.folder}/planted.py imports ")


@pytest.mark.parametrize(
    ("folder", "source", "clause_name"),
    [
        # relative: sync/server/planted.py -> sync.client
        ("sync/server", "from ..client import engine", "sync/server imports only"),
        # a submodule imported as a name of its package
        ("sync/server", "from sync import client", "sync/server imports only"),
        ("desktop", "import importlib\nimportlib.import_module('ui.app')", "desktop never"),
        ("sync", "from .. import ui", "sync never imports"),
    ],
)
def test_the_disguised_imports_are_caught(tmp_path, folder, source, clause_name):
    clause = next(c for c in CLAUSES if c.name.startswith(clause_name))
    assert violations(clause, _plant(tmp_path, folder, source)) != []


@pytest.mark.parametrize(
    ("folder", "source"),
    [
        ("desktop", "from sync.client.engine import SyncEngine"),  # desktop may use sync.client
        ("sync/server", "from sync.wire import Record\nfrom . import db\nfrom sync import kinds"),
        ("ui", "from PySide6.QtCore import QObject\nimport desktop.vault"),
    ],
)
def test_what_the_rule_allows_is_not_flagged(tmp_path, folder, source):
    root = _plant(tmp_path, folder, source)
    assert [v for c in CLAUSES for v in violations(c, root)] == []
