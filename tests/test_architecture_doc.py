"""docs/ARCHITECTURE.md names files and functions; each must exist, so the
map cannot drift from the code without a test failing."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "ARCHITECTURE.md"
# `desktop/replica.py::StoreReplica.apply_page`, possibly broken over a line
NAMED = re.compile(r"`((?:desktop|sync|ui)/[\w/]+\.py)::\s*([\w.]+)")
MODULE = re.compile(r"`((?:desktop|sync|ui)/[\w/]+\.py)")


def defined(path: Path) -> set[str]:
    """Top-level names and Class.method names in a module."""
    names: set[str] = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.ClassDef):
            names.add(node.name)
            names.update(
                f"{node.name}.{item.name}"
                for item in node.body
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
            )
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return names


def test_every_file_and_function_the_architecture_names_exists():
    text = DOC.read_text()
    missing = [m for m in MODULE.findall(text) if not (ROOT / m).is_file()]
    assert not missing, f"files named in ARCHITECTURE.md that do not exist: {missing}"
    named = NAMED.findall(text)
    assert len(named) >= 15  # the note's path and the table really are checked
    absent = [f"{f}::{n}" for f, n in named if n not in defined(ROOT / f)]
    assert not absent, f"names in ARCHITECTURE.md that the code lacks: {absent}"


def test_the_check_sees_a_name_that_is_gone(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("class A:\n    def b(self): ...\n\ndef c(): ...\n")
    assert {"A", "A.b", "c"} <= defined(module)
    assert "A.gone" not in defined(module)
