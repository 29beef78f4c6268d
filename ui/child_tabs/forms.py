"""Small record forms and record lists shared by the plan, missing-episode
and concern tabs: fields declared once, read and written as the record's
data dict (dotted names reach into parts such as the return home interview)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPlainTextEdit,
    QWidget,
)

from sync.wire import Record
from ui.labels import choices

RecordRole = Qt.ItemDataRole.UserRole + 1
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2})$")


@dataclass(frozen=True)
class Field:
    name: str  # dotted for parts: "return_home_interview.completed_at"
    title: str  # with a mnemonic: "&Start"
    kind: str = "text"  # text | long | date | datetime | choice | yesno
    options: type[Enum] | None = None


def _get(data: dict, dotted: str) -> Any:
    for part in dotted.split("."):
        data = (data or {}).get(part)  # type: ignore[assignment]
    return data


def _put(data: dict, dotted: str, value: Any) -> None:
    *parents, last = dotted.split(".")
    for part in parents:
        if not isinstance(data.get(part), dict):
            data[part] = {}
        data = data[part]
    data[last] = value


def parse_moment(text: str) -> str | None:
    """'2026-06-01 14:30' typed on this laptop → ISO with the local offset;
    anything else is passed on for the schema to name the field."""
    text = text.strip()
    m = _DATETIME.match(text)
    if m:
        return datetime.fromisoformat(f"{m[1]}T{m[2]}").astimezone().isoformat()
    return text or None


def show_moment(value: Any) -> str:
    if not value:
        return ""
    try:
        return datetime.fromisoformat(str(value)).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return str(value)


class RecordForm(QWidget):
    """A form over some fields of a record's data."""

    #: the worker changed a field
    sig_changed = Signal()

    def __init__(self, fields: list[Field], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fields = fields
        self.widgets: dict[str, QWidget] = {}
        layout = QFormLayout(self)
        for f in fields:
            widget = self._make(f)
            widget.setAccessibleName(f.title.replace("&", ""))
            self.widgets[f.name] = widget
            label = QLabel(f.title + ":", self)
            label.setBuddy(widget)
            layout.addRow(label, widget)

    def _make(self, f: Field) -> QWidget:
        if f.kind == "long":
            edit = QPlainTextEdit(self)
            edit.setTabChangesFocus(True)
            edit.setMaximumHeight(80)
            edit.textChanged.connect(self.sig_changed)
            return edit
        if f.kind in ("choice", "yesno"):
            box = QComboBox(self)
            box.addItem("Not recorded", None)
            items = [("Yes", True), ("No", False)] if f.kind == "yesno" else choices(f.options)
            for text, value in items:
                box.addItem(text, value)
            box.currentIndexChanged.connect(self.sig_changed)
            return box
        line = QLineEdit(self)
        if f.kind == "date":
            line.setPlaceholderText("YYYY-MM-DD")
        elif f.kind == "datetime":
            line.setPlaceholderText("YYYY-MM-DD HH:MM")
        line.textChanged.connect(self.sig_changed)
        return line

    def set_data(self, data: dict) -> None:
        for f in self.fields:
            value, widget = _get(data, f.name), self.widgets[f.name]
            if isinstance(widget, QPlainTextEdit):
                widget.setPlainText(value or "")
            elif isinstance(widget, QComboBox):
                widget.setCurrentIndex(max(0, widget.findData(value)))
            elif isinstance(widget, QLineEdit):
                widget.setText(show_moment(value) if f.kind == "datetime" else str(value or ""))

    def data(self) -> dict:
        out: dict = {}
        for f in self.fields:
            widget = self.widgets[f.name]
            if isinstance(widget, QPlainTextEdit):
                value: Any = widget.toPlainText() or None
            elif isinstance(widget, QComboBox):
                value = widget.currentData()
            else:
                assert isinstance(widget, QLineEdit)
                text = widget.text()
                value = parse_moment(text) if f.kind == "datetime" else (text.strip() or None)
            _put(out, f.name, value)
        return out


def merge(base: dict, changes: dict) -> dict:
    """`changes` over `base`, part by part (a form shows only some fields of a part)."""
    out = dict(base)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


class RecordList(QListView):
    """One line per record; `line` says what the worker sees."""

    def __init__(self, name: str, line: Callable[[Record], str], parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName(name)
        self.model_ = _ListModel(line, self)
        self.setModel(self.model_)

    def set_records(self, records: list[Record]) -> None:
        self.model_.set_records(records)

    def record_at(self, index: QModelIndex) -> Record | None:
        return index.data(RecordRole) if index.isValid() else None


class _ListModel(QAbstractListModel):
    def __init__(self, line: Callable[[Record], str], parent: Any = None) -> None:
        super().__init__(parent)
        self.line = line
        self.records: list[Record] = []

    def set_records(self, records: list[Record]) -> None:
        self.beginResetModel()
        self.records = records
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.records)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid():
            return None
        record = self.records[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self.line(record)
        if role == RecordRole:
            return record
        return None
