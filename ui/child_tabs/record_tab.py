"""A tab that lists one kind of record and edits the chosen one in a form."""

from __future__ import annotations

from typing import Any, ClassVar

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from sync.wire import Record
from ui.child_tabs.base import ChildTab, field_message
from ui.child_tabs.forms import Field, RecordForm, RecordList, merge
from ui.context import AppContext


class RecordTab(ChildTab):
    """Subclasses name the `kind`, the form `fields`, a `line` per record and
    the `defaults` of a new record. Save writes the form over the record."""

    kind: ClassVar[str] = ""
    noun: ClassVar[str] = "record"
    fields: ClassVar[list[Field]] = []

    #: the list and form were filled
    sig_loaded = Signal()
    #: a record was stored (record id)
    sig_saved = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.current: Record | None = None
        self.list = RecordList(f"{self.title}: list", self.line, self)
        self.list.activated.connect(self._open)
        self.list.clicked.connect(self._open)
        self.form = RecordForm(self.fields, self)
        self.error = QLabel("", self)
        self.error.setObjectName("fieldError")
        self.error.setAccessibleName(f"{self.noun.capitalize()} problem")
        self.error.setWordWrap(True)
        self.error.hide()
        self.heading = QLabel("", self)
        self.heading.setAccessibleName(f"{self.noun.capitalize()} being edited")
        self.new_button = QPushButton(f"&New {self.noun}", self)
        self.new_button.setAccessibleName(f"New {self.noun}")
        self.new_button.clicked.connect(self.new_record)
        self.save_button = QPushButton("&Save", self)
        self.save_button.setAccessibleName(f"Save {self.noun}")
        self.save_button.clicked.connect(self.save)

        left = QWidget(self)
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.new_button)
        column.addWidget(self.list, 1)
        scroll = QScrollArea(self)
        scroll.setWidget(self.form)
        scroll.setWidgetResizable(True)
        scroll.setAccessibleName(f"{self.noun.capitalize()} fields")
        right = QWidget(self)
        self.right_layout = QVBoxLayout(right)
        self.right_layout.addWidget(self.heading)
        self.right_layout.addWidget(scroll, 1)
        self.right_layout.addWidget(self.error)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        self.right_layout.addLayout(buttons)
        splitter = QSplitter(self)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([220, 660])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

    # -- what subclasses say -------------------------------------------------

    def line(self, record: Record) -> str:
        raise NotImplementedError

    def defaults(self) -> dict[str, Any]:
        return {}

    def sort_key(self, record: Record) -> Any:
        return str(record.updated_at)

    def extra_data(self) -> dict[str, Any]:
        """Fields the tab edits outside its form."""
        return {}

    def extra_load(self, child_id: str) -> Any:
        """Read anything else the tab shows (database thread)."""
        return None

    def show_extra(self, extra: Any) -> None:
        """Show what `extra_load` read (UI thread)."""

    # -- loading and saving ---------------------------------------------------

    def load(self, child_id: str) -> None:
        super().load(child_id)
        repo, kind = self.ctx.session.repo, self.kind

        def read() -> tuple[list[Record], Any]:
            records = sorted(repo.records_for_child(child_id, kind), key=self.sort_key)
            return records[::-1], self.extra_load(child_id)

        self.ctx.db(read).success(self._show).run()

    def _show(self, result: tuple[list[Record], Any]) -> None:
        records, extra = result
        self.list.set_records(records)
        keep = self.current and next((r for r in records if r.id == self.current.id), None)
        if keep:
            self._edit(keep)
        elif records:
            self._edit(records[0])
        else:
            self.new_record()
        self.show_extra(extra)
        self.sig_loaded.emit()

    def _open(self, index: QModelIndex) -> None:
        record = self.list.record_at(index)
        if record is not None:
            self._edit(record)

    def _edit(self, record: Record) -> None:
        self.current = record
        self.heading.setText(self.line(record))
        self.form.set_data(record.data)
        self.error.hide()

    def new_record(self) -> None:
        self.current = None
        self.heading.setText(f"New {self.noun}")
        self.form.set_data(self.defaults())
        self.error.hide()

    def save(self) -> None:
        child_id, current = self.child_id, self.current
        if child_id is None:
            return
        kind = self.kind
        changes = {**self.form.data(), **self.extra_data()}
        data = merge(current.data if current else self.defaults(), changes)

        def write(repo) -> Record:
            if current is None:
                return repo.create(kind, data, child_id=child_id)
            return repo.update(current.id, data)

        def done(record: Record) -> None:
            self.current = record
            self.error.hide()
            self.sig_saved.emit(str(record.id))

        self.ctx.write(write, child_id, done=done, failed=lambda e: field_message(self.error, e))
