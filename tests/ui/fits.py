"""Text that does not fit where a screen puts it (issue 15, item 5): a label,
button, choice, tab, cell or header narrower than its words, unless it is
cut with "…" and says its whole text on hover; and a form that needs a
horizontal scrollbar."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLabel,
    QListView,
    QScrollArea,
    QStyle,
    QStyleOptionComboBox,
    QTabBar,
    QTableView,
    QWidget,
)

from ui.eliding_label import ElidingLabel

ROWS = 25  # rows of a table looked at: the ones on screen
CELL_PADDING = 10  # what a cell or header adds around its words (Fusion)


def _wide(widget: QWidget, text: str) -> int:
    return max((widget.fontMetrics().horizontalAdvance(line) for line in text.splitlines()),
               default=0)  # fmt: skip


def _label(label: QLabel) -> str | None:
    if isinstance(label, ElidingLabel):
        shown = QLabel.text(label)
        if shown != label.text() and label.toolTip() != label.text():
            return f"cut without its whole text on hover: {label.text()[:60]!r}"
        return None
    text = label.text()
    if not text or label.wordWrap() or label.textFormat() == Qt.TextFormat.RichText:
        return None
    if label.sizeHint().width() > label.width() + 1 and label.toolTip() != text:
        return f"clipped ({label.width()} of {label.sizeHint().width()} px): {text[:60]!r}"
    return None


def _button(button: QAbstractButton) -> str | None:
    text = button.text().replace("&", "")
    if text and button.sizeHint().width() > button.width() + 1:
        return f"button clipped ({button.width()} of {button.sizeHint().width()} px): {text!r}"
    return None


def _combo(box: QComboBox) -> str | None:
    text = box.currentText()
    option = QStyleOptionComboBox()
    box.initStyleOption(option)
    field = box.style().subControlRect(
        QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, box
    )
    if text and _wide(box, text) > field.width() and box.toolTip() != text:
        return f"choice cut without its whole text on hover ({box.width()} px): {text[:60]!r}"
    return None


def _tabs(bar: QTabBar) -> list[str]:
    found = []
    for i in range(bar.count()):
        rect = bar.tabRect(i)
        if rect.right() > bar.width():
            found.append(f"tab out of sight at {bar.width()} px: {bar.tabText(i)!r}")
        elif _wide(bar, bar.tabText(i)) + 2 * CELL_PADDING > rect.width() and not bar.tabToolTip(i):
            found.append(f"tab cut without its whole name on hover: {bar.tabText(i)!r}")
    return found


def _cells(view: QAbstractItemView) -> list[str]:
    model = view.model()
    if model is None:
        return []
    found = []
    header = view.horizontalHeader() if isinstance(view, QTableView) else None
    columns = model.columnCount(QModelIndex()) if header is not None else 1
    for column in range(columns):
        if header is not None and header.isSectionHidden(column):
            continue
        if header is not None and header.isVisible():
            words = model.headerData(column, Qt.Orientation.Horizontal)
            tip = model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
            size = header.sectionSize(column)
            cut = isinstance(words, str) and _wide(header, words) + 2 * CELL_PADDING > size
            if cut and tip != words:
                found.append(f"header cut without its whole text on hover: {words!r}")
        for row in range(min(model.rowCount(QModelIndex()), ROWS)):
            index = model.index(row, column, QModelIndex())
            text = index.data(Qt.ItemDataRole.DisplayRole)
            if not isinstance(text, str) or not text:
                continue
            room = view.visualRect(index).width()
            if _wide(view, text) + CELL_PADDING > room:
                tip = index.data(Qt.ItemDataRole.ToolTipRole)
                if not isinstance(tip, str) or any(line not in tip for line in text.split("\n")):
                    found.append(f"cell cut without its whole text on hover: {text[:60]!r}")
    return found


def clipped(root: QWidget, screen: str) -> list[str]:
    """Every text `root` shows now that does not fit, and sideways scrolling."""
    found: list[str] = []
    for widget in [root, *root.findChildren(QWidget)]:
        if widget is not root and not widget.isVisibleTo(root):
            continue
        where = f"{screen}: {type(widget).__name__} {widget.accessibleName()!r}"
        problems: list[str] = []
        if isinstance(widget, QLabel):
            problems.append(_label(widget) or "")
        elif isinstance(widget, QAbstractButton) and not isinstance(widget.parent(), QTabBar):
            problems.append(_button(widget) or "")
        elif isinstance(widget, QComboBox):
            problems.append(_combo(widget) or "")
        elif isinstance(widget, QTabBar):
            problems += _tabs(widget)
        elif isinstance(widget, QTableView | QListView) and not isinstance(widget, QHeaderView):
            problems += _cells(widget)
        elif isinstance(widget, QScrollArea) and widget.horizontalScrollBar().isVisible():
            problems.append("needs a horizontal scrollbar")
        found += [f"{where}: {p}" for p in problems if p]
    if root.isWindow() and root.width() > 1366:
        found.append(f"{screen}: the window grew to {root.width()} px")
    return found
