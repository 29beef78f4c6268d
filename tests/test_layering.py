"""The dependency rule (DESIGN.md, "Dependency direction"), clause by clause:

- `ui → desktop → sync`: desktop never imports ui;
- `desktop` may use `sync.client` (the composition root wires the engine);
- `sync` never imports `desktop` or `ui`;
- `sync/server` imports only `sync.kinds`, `sync.wire`, `sync.merge`,
  `sync.errors` and itself — never `sync.client`;
- only `ui/` imports Qt;
- `ui` reaches the sync engine through `desktop` only (never `sync.client`);
- nothing in `ui/` runs SQL on the store: screens read and write through
  `desktop`; and the outbox's SQL lives in `desktop/outbox.py` alone.

Imports are read with `ast`, wherever they are (inside functions too, and
`importlib.import_module("…")` with a literal name). Each clause is also fed
a planted violation, so a check that can never fail would show here."""

from __future__ import annotations

import ast
import re
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
    Clause(
        "ui reaches sync.client only through desktop",
        "ui",
        lambda n: _within(n, ("sync.client",)),
        "from sync.client.engine import SyncReport",
    ),
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
        ("ui", "from sync.errors import SyncError\nfrom desktop.syncing import SyncReport"),
    ],
)
def test_what_the_rule_allows_is_not_flagged(tmp_path, folder, source):
    root = _plant(tmp_path, folder, source)
    assert [v for c in CLAUSES for v in violations(c, root)] == []


# -- SQL has one home per table, and none in ui/ ---------------------------------

SQL_CALLS = ("execute", "executemany", "executescript")
SQL_TEXT = re.compile(
    r"^\s*(SELECT|INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER|PRAGMA|WITH|BEGIN|SAVEPOINT)\b"
)
OUTBOX_SQL = re.compile(r"\b(FROM|INTO|UPDATE|JOIN|TABLE)\s+outbox\b")


def _strings(tree: ast.AST) -> Iterator[ast.Constant]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node


def sql_in(folder: str, root: Path = ROOT) -> list[str]:
    """Where a module under `folder` runs SQL: a call of a DB-API execute
    method, or a string that is an SQL statement."""
    found = []
    for path in sorted((root / folder).rglob("*.py")):
        where = path.relative_to(root).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in SQL_CALLS
            ):
                found.append(f"{where}:{node.lineno} calls .{node.func.attr}()")
        statements = [s for s in _strings(tree) if SQL_TEXT.match(s.value)]
        found += [f"{where}:{s.lineno} holds SQL" for s in statements]
    return found


def outbox_sql_outside_its_module(root: Path = ROOT) -> list[str]:
    found = []
    for folder in PACKAGES:
        for path in sorted((root / folder).rglob("*.py")):
            where = path.relative_to(root).as_posix()
            if where == "desktop/outbox.py":
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            found += [f"{where}:{s.lineno}" for s in _strings(tree) if OUTBOX_SQL.search(s.value)]
    return found


def test_nothing_in_ui_runs_sql_on_the_store():
    assert sql_in("ui") == []


@pytest.mark.parametrize(
    "source",
    [
        "n = conn.execute('SELECT count(*) FROM conflicts').fetchone()[0]",
        "store.conn.executemany(sql, rows)",
        'QUERY = "UPDATE records SET pending = 0"',
        "tx.executescript(script)",
    ],
)
def test_the_sql_check_catches_sql_in_ui(tmp_path, source):
    root = _plant(tmp_path, "ui", source)
    assert len(sql_in("ui", root)) >= 1
    assert sql_in("desktop", root) == []  # the same line in desktop/ is fine


def test_the_sql_check_passes_plain_words_and_qt_calls(tmp_path):
    root = _plant(tmp_path, "ui", "dialog.exec()\nlabel = 'Select a child'\nhint = 'Update it'")
    assert sql_in("ui", root) == []


def test_outbox_sql_lives_in_desktop_outbox():
    assert outbox_sql_outside_its_module() == []


def test_the_outbox_check_catches_outbox_sql_elsewhere(tmp_path):
    root = _plant(tmp_path, "desktop", "SQL = 'DELETE FROM outbox WHERE record_id = ?'")
    (root / "desktop" / "outbox.py").write_text("SQL = 'SELECT count(*) FROM outbox'\n")
    assert outbox_sql_outside_its_module(root) == ["desktop/planted.py:1"]
