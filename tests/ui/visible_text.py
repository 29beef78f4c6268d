"""Every text a worker can read on a screen, and the words no screen may
show: a stored code (an enum value) instead of its declared words, a field
name instead of the form's label, or a developer's validation message
(issue 15, item 4)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTabBar,
    QTextEdit,
    QWidget,
)

from tests.ui.test_kind_words import ABBREVIATIONS, all_enums

ROWS = 60  # rows of a model read per screen: enough to meet every code it shows
ROLES = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole)

# Developers' words: pydantic's messages and its error types.
DEVELOPER = re.compile(
    r"String should have|Input should be|Field required|value_error|validation error"
    r"|Value error|type=|Extra inputs|Traceback"
)
# A name in code form: a field ("child_seen") or a code ("not_at_risk"), even
# capitalised ("Not_at_risk").
SNAKE = re.compile(r"\b[A-Za-z][a-z0-9]*(?:_[a-z0-9]+)+\b")


def _codes() -> tuple[set[str], set[str]]:
    """(every lowercase code whose words differ from it, the abbreviations
    among them that no sentence uses as a word)."""
    codes = {
        m.value
        for enum in all_enums()
        for m in enum
        if m.value.islower() and m.value != getattr(m, "words", m.value)
    }
    # "na" and "send" are words too.
    words_like = {c for c in ABBREVIATIONS if len(c) >= 2 and c.isalpha()} - {"na", "send"}
    return codes, codes & words_like


CODES, ABBREVIATED = _codes()
_ABBREVIATED = re.compile(r"\b(" + "|".join(sorted(ABBREVIATED, key=len, reverse=True)) + r")\b")
# "Visit: cin", "Concern: cse": a kind or field, then a code.
_KIND_CODE = re.compile(r"^[A-Z][A-Za-z ()]*: ([a-z][a-z0-9_-]*)$")


def problems(text: str) -> list[str]:
    """What in `text` a worker should never read (empty: nothing)."""
    found = []
    stripped = text.strip()
    if DEVELOPER.search(text):
        found.append("developer message")
    if SNAKE.search(text):
        found.append(f"code {SNAKE.search(text)[0]!r}")  # type: ignore[index]
    if stripped in CODES:
        found.append(f"raw code {stripped!r}")
    if match := _ABBREVIATED.search(text):
        found.append(f"abbreviation {match[0]!r}")
    for line in stripped.splitlines():
        if (m := _KIND_CODE.match(line.strip())) and m[1] in CODES:
            found.append(f"kind and code {line.strip()!r}")
    return found


def model_texts(model: QAbstractItemModel, rows: int = ROWS) -> Iterator[str]:
    """A model's headers and the first `rows` rows' display text and tooltips."""
    try:
        columns = model.columnCount(QModelIndex())
    except TypeError:  # a list model keeps its column count private
        columns = 1
    for column in range(columns):
        for role in ROLES:
            value = model.headerData(column, Qt.Orientation.Horizontal, role)
            if isinstance(value, str):
                yield value
    for row in range(min(model.rowCount(QModelIndex()), rows)):
        for column in range(max(columns, 1)):
            index = model.index(row, column, QModelIndex())
            for role in ROLES:
                value = index.data(role)
                if isinstance(value, str):
                    yield value


def widget_texts(widget: QWidget) -> Iterator[str]:
    """What one widget shows by itself (not its children)."""
    yield widget.toolTip()
    if isinstance(widget, QLabel | QAbstractButton):
        yield widget.text()
    elif isinstance(widget, QGroupBox):
        yield widget.title()
    elif isinstance(widget, QLineEdit):
        yield widget.text()
        yield widget.placeholderText()
    elif isinstance(widget, QPlainTextEdit):
        yield widget.toPlainText()
        yield widget.placeholderText()
    elif isinstance(widget, QTextEdit):
        yield widget.toPlainText()
    elif isinstance(widget, QComboBox):
        yield from (widget.itemText(i) for i in range(widget.count()))
    elif isinstance(widget, QTabBar):
        for i in range(widget.count()):
            yield widget.tabText(i)
            yield widget.tabToolTip(i)
    elif isinstance(widget, QAbstractItemView) and widget.model() is not None:
        yield from model_texts(widget.model())


def screen_texts(root: QWidget) -> Iterator[tuple[str, str]]:
    """(where, text) for everything `root` shows now: its title and every
    visible widget's text, tooltip, items and model rows."""
    yield "window title", root.windowTitle()
    for widget in [root, *root.findChildren(QWidget)]:
        if widget is not root and not widget.isVisibleTo(root):
            continue
        where = f"{type(widget).__name__} {widget.objectName() or widget.accessibleName()!r}"
        for text in widget_texts(widget):
            if text:
                yield where, text


def raw_words(root: QWidget, screen: str) -> list[str]:
    """Every text on `root` that shows a code or a developer's message."""
    return [
        f"{screen}: {where}: {problem} in {text[:120]!r}"
        for where, text in screen_texts(root)
        for problem in problems(text)
    ]
