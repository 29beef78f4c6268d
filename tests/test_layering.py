"""The core never imports Qt; the service never imports the client."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _violations(folder: str, forbidden: tuple[str, ...], root: Path = ROOT) -> list[str]:
    found = []
    for path in sorted((root / folder).rglob("*.py")):
        for name in _imports(path):
            if name.split(".")[0] in forbidden or name in forbidden:
                found.append(f"{path.relative_to(root)} imports {name}")
    return found


@pytest.mark.parametrize(
    ("folder", "forbidden"),
    [
        ("desktop", ("PySide6", "shiboken6", "ui")),
        ("sync", ("PySide6", "shiboken6", "ui", "desktop")),
    ],
)
def test_layers(folder, forbidden):
    assert (ROOT / folder).is_dir()
    assert _violations(folder, forbidden) == []


def test_the_check_catches_a_leak(tmp_path):
    leak = tmp_path / "pkg"
    leak.mkdir()
    (leak / "m.py").write_text("from PySide6.QtCore import QObject\n")
    assert _violations("pkg", ("PySide6",), tmp_path) == ["pkg/m.py imports PySide6.QtCore"]
