"""Visits: the child's visit notes, newest first, beside the editor."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListView,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from sync.wire import Record
from ui.child_tabs.base import ChildTab
from ui.context import AppContext
from ui.labels import label
from ui.printing import export_visit_pdf
from ui.visit_editor import VisitEditor

RecordRole = Qt.ItemDataRole.UserRole + 1


def visit_line(record: Record, pending: bool) -> str:
    d = record.data
    when = str(d.get("start", ""))[:16].replace("T", " ")
    state = "Final" if d.get("status") == "final" else "Draft"
    seen = {True: "child seen", False: "child not seen"}.get(d.get("child_seen"), "")
    sent = "not yet sent" if pending else "sent"
    error = " · ENTERED IN ERROR" if d.get("entered_in_error") else ""
    parts = [when, label(d.get("visit_type")), state, seen, sent]
    return " · ".join(p for p in parts if p) + error


class VisitListModel(QAbstractListModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[tuple[Record, bool]] = []

    def set_rows(self, rows: list[tuple[Record, bool]]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid():
            return None
        record, pending = self.rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return visit_line(record, pending)
        if role == RecordRole:
            return (record, pending)
        return None


class VisitsTab(ChildTab):
    title = "Visits"

    #: the list was re-read
    sig_loaded = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.model = VisitListModel(self)
        self.list = QListView(self)
        self.list.setAccessibleName("Visit notes")
        self.list.setModel(self.model)
        self.list.activated.connect(self._open)
        self.list.clicked.connect(self._open)
        self.editor = VisitEditor(ctx, self)
        self.new_button = QPushButton("&New visit", self)
        self.new_button.setAccessibleName("New visit")
        self.new_button.clicked.connect(self.new_visit)
        self.pdf_button = QPushButton("Export to P&DF…", self)
        self.pdf_button.setAccessibleName("Export visit note to PDF")
        self.pdf_button.clicked.connect(self._export)

        left = QWidget(self)
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.pdf_button)
        column.addLayout(buttons)
        column.addWidget(self.list, 1)
        self.splitter = QSplitter(self)
        self.splitter.setObjectName("visitsSplitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.editor)
        self.splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.splitter)

    def load(self, child_id: str) -> None:
        if child_id != self.child_id:
            self.editor.flush()
            self.editor.new_visit(child_id)
        super().load(child_id)
        self._reload_list()

    def _reload_list(self) -> None:
        child_id, repo = self.child_id, self.ctx.session.repo
        if child_id is None:
            return

        def read() -> list[tuple[Record, bool]]:
            visits = repo.records_for_child(child_id, "visit")
            pending = repo.pending_ids(child_id, "visit")
            visits.sort(key=lambda r: str(r.data.get("start")), reverse=True)
            return [(r, str(r.id) in pending) for r in visits]

        self.ctx.db(read).success(self._show).run()

    def _show(self, rows: list[tuple[Record, bool]]) -> None:
        self.model.set_rows(rows)
        self.editor.refresh_sent_state()
        self.sig_loaded.emit()

    def _open(self, index: QModelIndex) -> None:
        record, pending = index.data(RecordRole)
        if str(record.id) != self.editor.record_id:
            self.editor.open_visit(record, pending)

    def new_visit(self) -> None:
        if self.child_id:
            self.editor.new_visit(self.child_id)
            self.list.clearSelection()
            self.editor.texts["observations"].setFocus()

    def flush(self) -> None:
        self.editor.flush()

    def _export(self) -> None:
        index = self.list.currentIndex()
        if index.isValid():
            record, _pending = index.data(RecordRole)
            export_visit_pdf(self, self.ctx, record)
