"""A read-only table of some of a child's records: one `Column` a field's
words, rows in the order given, and rows that say something is wrong
(overdue, late, missing now) in the alert colour as well."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from sync.wire import Record

ALERT_COLOUR = "#b3261e"  # only ever repeats words already in the cell
# The roles a cell answers with its words.
WORDS_ROLES = (
    Qt.ItemDataRole.DisplayRole,
    Qt.ItemDataRole.AccessibleTextRole,
    Qt.ItemDataRole.ToolTipRole,
)
# No column fitted to its words is wider than this: a long one is cut with
# "…" (its whole text on hover) and the stretched column keeps some room.
WIDEST_COLUMN = 220


@dataclass(frozen=True)
class Column:
    header: str
    text: Callable[[Record], str]


class RecordTableModel(QAbstractTableModel):
    """Rows of records; `alert` marks rows whose words already say something
    is wrong (overdue, late, missing now) in the alert colour as well."""

    def __init__(
        self,
        columns: Sequence[Column],
        alert: Callable[[Record], bool] = lambda r: False,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self.columns, self.alert = list(columns), alert
        self.records: list[Record] = []

    def set_records(self, records: list[Record]) -> None:
        self.beginResetModel()
        self.records = records
        self.endResetModel()

    def record_at(self, row: int) -> Record | None:
        return self.records[row] if 0 <= row < len(self.records) else None

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.records)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role in WORDS_ROLES:
            return self.columns[section].header
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid():
            return None
        record = self.records[index.row()]
        if role in WORDS_ROLES:  # the whole text on hover, where a narrow column cuts it
            return self.columns[index.column()].text(record)
        if role == Qt.ItemDataRole.ForegroundRole and self.alert(record):
            return QBrush(QColor(ALERT_COLOUR))
        return None


def table_view(
    parent: QWidget, name: str, model: QAbstractTableModel, stretch: int = 0
) -> QTableView:
    """A read-only table of records, one row chosen at a time; `stretch` is the
    column that takes the spare width (the others fit their words)."""
    view = QTableView(parent)
    view.setAccessibleName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
    view.verticalHeader().hide()
    fit_columns(view, stretch)
    return view


def fit_columns(view: QTableView, stretch: int) -> None:
    """Columns fit their words up to WIDEST_COLUMN; `stretch` takes the rest."""
    header = view.horizontalHeader()
    header.setMaximumSectionSize(WIDEST_COLUMN)
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
