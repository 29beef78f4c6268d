"""Concerns logged from partner agencies, with the places, persons and
vehicles they name (the raw material of hotspots and disruption).

Each concern carries its source and how far it can be relied on; places,
persons and vehicles are rows the worker adds and removes. The schema
normalises postcodes and registrations and names a bad row by its number.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSplitter,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.repository import CaseRepository
from sync.kinds.common import Agency, Reliability
from sync.kinds.episodes import ConcernCategory
from sync.wire import Record
from ui.child_tabs.form_tab import FormTab
from ui.child_tabs.forms import (
    Column,
    DateField,
    RecordTableModel,
    add_row,
    button,
    combo,
    line_edit,
    show_value,
    table_view,
    text_edit,
    watch,
    widget_value,
)
from ui.context import AppContext
from ui.labels import label
from ui.text import moment_text

# part -> (title with mnemonic, one row's noun, its columns)
PARTS: dict[str, tuple[str, str, tuple[tuple[str, str], ...]]] = {
    "places": ("&Places", "place", (("name", "Name"), ("postcode", "Postcode"))),
    "persons": ("P&ersons of concern", "person",
                (("name", "Name"), ("approx_age", "Approx. age"), ("description", "Description"))),
    "vehicles": ("&Vehicles", "vehicle", (("registration", "Registration"), ("make", "Make"),
                                          ("model", "Model"), ("colour", "Colour"))),
}  # fmt: skip


def names_text(data: dict[str, Any]) -> str:
    """'1 place · 2 persons' — what the concern names, counted."""
    counts = [(len(data.get(part) or []), noun) for part, (_t, noun, _c) in PARTS.items()]
    return " · ".join(f"{n} {noun}{'s' if n > 1 else ''}" for n, noun in counts if n)


class _PartsModel(QAbstractTableModel):
    def __init__(self, columns: Sequence[tuple[str, str]], parent: Any = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.rows: list[dict[str, Any]] = []

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section][1]
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        return super().flags(index) | Qt.ItemFlag.ItemIsEditable

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if index.isValid() and role in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.EditRole,
            Qt.ItemDataRole.AccessibleTextRole,
        ):
            value = self.rows[index.row()].get(self.columns[index.column()][0])
            return "" if value is None else str(value)
        return None

    def setData(
        self, index: QModelIndex | QPersistentModelIndex, value: Any, role: int = 2
    ) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        self.rows[index.row()][self.columns[index.column()][0]] = str(value)
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
        editor = super().createEditor(parent, option, index)
        header = index.model().headerData(index.column(), Qt.Orientation.Horizontal)
        editor.setAccessibleName(f"{self.name} row {index.row() + 1}: {header}")
        return editor


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
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setAccessibleName(name)
        self.numbers = numbers
        self.model = _PartsModel(columns, self)
        self.model.dataChanged.connect(self.sig_changed)
        self.table = QTableView(self)
        self.table.setAccessibleName(name)
        self.table.setModel(self.model)
        self.table.setItemDelegate(_NamedCells(name, self.table))
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
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
        model.rows.append(dict(values or {}))
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
                k: (str(v).strip() or None) if v is not None else None for k, v in row.items()
            }
            for key in self.numbers:
                if clean.get(key) and str(clean[key]).isdigit():
                    clean[key] = int(clean[key])
            if any(v is not None for v in clean.values()):
                out.append(clean)
        return out


class ConcernsTab(FormTab):
    title = "Concerns"
    kind = "concern"
    new_noun = "concern"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._selecting = False
        self.concerns = RecordTableModel(
            [
                Column("Received", lambda r: moment_text(r.data.get("received_at"))),
                Column("Source", lambda r: r.data.get("source") or ""),
                Column("Agency", lambda r: label(r.data.get("source_agency"))),
                Column("Category", lambda r: label(r.data.get("category"))),
                Column("Reliability", lambda r: label(r.data.get("reliability"))),
                Column("Names", lambda r: names_text(r.data)),
            ],
            parent=self,
        )
        self.table = table_view(self, "Concerns", self.concerns, stretch=1)
        self.table.selectionModel().currentRowChanged.connect(self._chosen)
        self.new_button = button(self, "&Log new concern", "Log new concern", self.new_concern)
        self.heading = QLabel("", self)
        self.heading.setObjectName("heading")
        self.heading.setAccessibleName("Concern being edited")
        self.fields = {
            "received_at": DateField("Received", with_time=True, optional=False,
                                     now=lambda: self.now, parent=self),
            "source": line_edit(self, "Source"),
            "source_agency": combo(self, "Source agency", Agency, blank=True),
            "category": combo(self, "Category", ConcernCategory, blank=False),
            "reliability": combo(self, "Reliability", Reliability, blank=False),
            "sharing_restriction": line_edit(self, "Sharing restriction"),
            "narrative": text_edit(self, "What was reported", 120),
        }  # fmt: skip
        self.parts = {
            part: PartsEditor(title.replace("&", ""), columns, add_text=f"Add {noun}",
                              numbers=frozenset({"approx_age"}), parent=self)
            for part, (title, noun, columns) in PARTS.items()
        }  # fmt: skip
        self.fields.update(self.parts)
        watch(list(self.fields.values()), self.edited)
        self.save_button = button(self, "&Save concern", "Save concern", self.save)
        self._layout()

    def _layout(self) -> None:
        body = QWidget(self)
        columns = QHBoxLayout(body)
        form = QFormLayout()
        titles = ("&Received", "S&ource", "Source &agency", "&Category", "Reliabili&ty",
                  "S&haring restriction", "&What was reported")  # fmt: skip
        for title, name in zip(titles, list(self.fields)[:7], strict=True):
            add_row(form, title, self.fields[name])
        columns.addLayout(form, 1)
        stack = QVBoxLayout()
        for part, (title, _noun, _c) in PARTS.items():
            caption = QLabel(title + ":", body)
            caption.setBuddy(self.parts[part])
            stack.addWidget(caption)
            stack.addWidget(self.parts[part])
        columns.addLayout(stack, 1)
        scroll = QScrollArea(self)
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)

        top = QWidget(self)
        column = QVBoxLayout(top)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.table, 1)
        row = QHBoxLayout()
        row.addWidget(self.new_button)
        row.addStretch(1)
        column.addLayout(row)
        bottom = QWidget(self)
        column = QVBoxLayout(bottom)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.heading)
        column.addWidget(scroll, 1)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(top)
        splitter.addWidget(bottom)
        splitter.setSizes([180, 480])
        save_row = QHBoxLayout()
        save_row.addStretch(1)
        save_row.addWidget(self.discard_button)
        save_row.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.message)  # the full width: it names a field and a rule
        layout.addLayout(save_row)

    def read(self, repo: CaseRepository, child_id: str) -> list[Record]:
        return repo.records_for_child(child_id, "concern")

    def display(self, result: list[Record]) -> None:
        result.sort(key=lambda r: str(r.data.get("received_at")), reverse=True)
        self._selecting = True
        self.concerns.set_records(result)
        self.take_draft(result)
        if self.current is not None:
            self.current = next((r for r in result if r.id == self.current.id), None)
        elif not self.creating and result:
            self.current = result[0]
        self.table.clearSelection()
        if self.current is not None:
            self.table.selectRow(result.index(self.current))
        self._selecting = False
        if not self.dirty:  # never overwrite typing with a reload
            self.show_record(self.current)

    def _chosen(self, index: QModelIndex, _previous: QModelIndex) -> None:
        record = self.concerns.record_at(index.row())
        if self._selecting or record is None or record is self.current:
            return
        self.flush()  # saved, or kept as this form's draft
        self.current, self.creating = record, False
        self.show_record(record)

    def fill(self, record: Record | None, data: dict[str, Any] | None) -> None:
        d = data or (record.data if record else {"category": "other", "reliability": "unverified"})
        for name, widget in self.fields.items():
            if isinstance(widget, PartsEditor):
                widget.set_rows(d.get(name) or [])
            else:
                show_value(widget, d.get(name))
        received = moment_text(record.data.get("received_at")) if record else ""
        self.heading.setText(f"Concern received {received}" if record else "New concern")

    def new_concern(self) -> None:
        self.flush()  # saved, or kept as this form's draft
        self.current, self.creating = None, True
        self.table.clearSelection()
        self.show_record(None)
        self.fields["received_at"].setFocus()

    def cancelled_new(self) -> None:
        records = self.concerns.records
        self.current = records[0] if records else None
        if self.current is not None:
            self._selecting = True
            self.table.selectRow(0)
            self._selecting = False

    def form_data(self) -> dict[str, Any]:
        return {
            name: w.rows() if isinstance(w, PartsEditor) else widget_value(w)
            for name, w in self.fields.items()
        }
