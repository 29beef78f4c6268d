"""Rows of a record's parts — the places, persons and vehicles a concern
names, a meeting's attendees, a missing-education episode's enquiries —
edited in a table with Add and Remove, cells named for screen readers.

A column is free text by default; a column given `choices` is edited with a
combo and shows its words, a column in `days` with a date edit and shows the
day as every screen does (the stored value stays the code or ISO date)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any, cast

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.text import day_text
from ui.widgets import button

Choices = Sequence[tuple[str, Any]]  # (words, stored value) for a combo


class _PartsModel(QAbstractTableModel):
    def __init__(
        self,
        columns: Sequence[tuple[str, str]],
        choices: Mapping[str, Choices],
        days: frozenset[str],
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.choices, self.days = choices, days
        self.rows: list[dict[str, Any]] = []

    def key(self, index: QModelIndex | QPersistentModelIndex) -> str:
        return self.columns[index.column()][0]

    def shown(self, key: str, value: Any) -> str:
        """A cell's words: a choice's, a day as the screens write it, or the text."""
        if value is None or value == "":
            return ""
        if key in self.choices:
            return next((w for w, v in self.choices[key] if v == value), str(value))
        if key in self.days:
            try:
                return day_text(str(value))
            except ValueError:
                return str(value)
        return str(value)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,  # a narrow column cuts its header
        ):
            return self.columns[section][1]
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        return super().flags(index) | Qt.ItemFlag.ItemIsEditable

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if index.isValid() and role in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.EditRole,
            Qt.ItemDataRole.AccessibleTextRole,
            Qt.ItemDataRole.ToolTipRole,  # the whole text, where the column cuts it
        ):
            key = self.key(index)
            value = self.rows[index.row()].get(key)
            if role == Qt.ItemDataRole.EditRole:
                if key in self.choices or key in self.days:
                    return value
                return "" if value is None else str(value)
            return self.shown(key, value)
        return None

    def setData(
        self, index: QModelIndex | QPersistentModelIndex, value: Any, role: int = 2
    ) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        key = self.key(index)
        # A choice keeps its stored value (a code, True or False); text stays text.
        self.rows[index.row()][key] = value if key in self.choices else str(value)
        self.dataChanged.emit(index, index)
        return True


class _NamedCells(QStyledItemDelegate):
    """Cell editors named for screen readers: "Vehicles row 1: Registration"."""

    def __init__(self, name: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.name = name

    def createEditor(
        self,
        parent: QWidget,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> QWidget:
        model = cast(_PartsModel, index.model())
        key = model.key(index)
        editor: QWidget
        if key in model.choices:
            box = QComboBox(parent)
            for words, value in model.choices[key]:
                box.addItem(words, value)
            editor = box
        elif key in model.days:
            day = QDateEdit(parent)
            day.setDisplayFormat("ddd dd MMM yyyy")
            day.setCalendarPopup(True)
            editor = day
        else:
            editor = super().createEditor(parent, option, index)
        header = model.headerData(index.column(), Qt.Orientation.Horizontal)
        editor.setAccessibleName(f"{self.name} row {index.row() + 1}: {header}")
        return editor

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        value = index.data(Qt.ItemDataRole.EditRole)
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(0, editor.findData(value)))
        elif isinstance(editor, QDateEdit):
            try:
                day = date.fromisoformat(str(value)[:10])
            except ValueError:
                day = date.today()
            editor.setDate(QDate(day.year, day.month, day.day))
        else:
            super().setEditorData(editor, index)

    def setModelData(
        self,
        editor: QWidget,
        model: QAbstractItemModel,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData())
        elif isinstance(editor, QDateEdit):
            model.setData(index, cast(date, editor.date().toPython()).isoformat())
        else:
            super().setModelData(editor, model, index)


class PartsEditor(QWidget):
    """Rows of a record's parts (places, persons, vehicles): an editable table
    with Add and Remove. Blank rows are dropped; `numbers` columns are stored
    as whole numbers when they are (otherwise left for the schema to name)."""

    #: the worker added, removed or edited a row
    sig_changed = Signal()

    def __init__(
        self,
        name: str,
        columns: Sequence[tuple[str, str]],
        *,
        add_text: str,
        numbers: frozenset[str] = frozenset(),
        choices: Mapping[str, Choices] | None = None,
        days: frozenset[str] = frozenset(),
        blank_row: Callable[[], dict[str, Any]] = dict,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setAccessibleName(name)
        self.numbers = numbers
        self.blank_row = blank_row  # what a row the worker adds starts with
        self.model = _PartsModel(columns, choices or {}, days, self)
        self.model.dataChanged.connect(self.sig_changed)
        self.table = QTableView(self)
        self.table.setAccessibleName(name)
        self.table.setModel(self.model)
        self.table.setItemDelegate(_NamedCells(name, self.table))
        self.table.verticalHeader().hide()
        # Columns as wide as their words ("Registration" was cut in equal
        # shares); the last takes what is left.
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        self.table.setMinimumHeight(84)
        self.add_button = button(self, add_text, f"Add a row to {name.lower()}", self.add_row)
        self.remove_button = button(self, "Remove", f"Remove the chosen row of {name.lower()}",
                                    self.remove_row)  # fmt: skip
        self.setFocusProxy(self.table)
        buttons = QVBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.table, 1)
        row.addLayout(buttons)

    def add_row(self, values: dict[str, Any] | None = None) -> None:
        model = self.model
        model.beginInsertRows(QModelIndex(), len(model.rows), len(model.rows))
        model.rows.append(dict(self.blank_row() if values is None else values))
        model.endInsertRows()
        index = model.index(len(model.rows) - 1, 0)
        self.table.setCurrentIndex(index)
        if values is None:  # the worker pressed Add: start typing in the new row
            self.table.setFocus()
            self.table.edit(index)
        self.sig_changed.emit()

    def remove_row(self) -> None:
        row = self.table.currentIndex().row()
        if 0 <= row < len(self.model.rows):
            self.model.beginRemoveRows(QModelIndex(), row, row)
            del self.model.rows[row]
            self.model.endRemoveRows()
            self.sig_changed.emit()

    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        self.model.beginResetModel()
        keys = [key for key, _ in self.model.columns]
        self.model.rows = [{k: r.get(k) for k in keys} for r in rows]
        self.model.endResetModel()

    def rows(self) -> list[dict[str, Any]]:
        editor = QApplication.focusWidget()
        if editor is not None and self.table.isAncestorOf(editor):
            self.table.commitData(editor)  # a cell still being typed in counts too
        out = []
        for row in self.model.rows:
            clean: dict[str, Any] = {
                k: (v.strip() or None) if isinstance(v, str) else v for k, v in row.items()
            }
            for key in self.numbers:
                if clean.get(key) and str(clean[key]).isdigit():
                    clean[key] = int(clean[key])
            # A row only of what a new row starts with (an added row left blank) is dropped.
            typed = {k: v for k, v in clean.items() if k not in self.model.choices}
            typed = {k: v for k, v in typed.items() if k not in self.model.days}
            if any(v is not None for v in typed.values()):
                out.append(clean)
        return out

    # A form field like any other (ui.widgets.show_value / widget_value).
    def set_value(self, rows: list[dict[str, Any]] | None) -> None:
        self.set_rows(rows or [])

    def value(self) -> list[dict[str, Any]]:
        return self.rows()
