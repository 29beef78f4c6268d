"""Chronology: one timeline of the child's visits, episodes, concerns and plan changes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.chronology import CHRONOLOGY_KINDS, ChronologyEntry
from desktop.exports import NO_FILTER
from sync.kinds import display_name
from ui.child_tabs.base import ChildTab
from ui.context import AppContext
from ui.labels import kind_label
from ui.printing import export_chronology_pdf
from ui.record_table import WORDS_ROLES, fit_columns
from ui.share_dialog import ShareDialog
from ui.sharing import chronology_shareable, share
from ui.text import when_text

HEADERS = ("When", "What", "Title", "Summary", "Sent")


class ChronologyModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.entries: list[ChronologyEntry] = []

    def set_entries(self, entries: list[ChronologyEntry]) -> None:
        self.beginResetModel()
        self.entries = entries
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.entries)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role in WORDS_ROLES:
            return HEADERS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid() or role not in WORDS_ROLES:  # a tooltip: the whole text
            return None
        e = self.entries[index.row()]
        return (
            when_text(e.at),
            kind_label(e.kind),
            f"{e.new_from} · {e.title}" if e.new_from else e.title,
            e.summary,
            "Not yet sent" if e.pending else "Sent",
        )[index.column()]


class ChronologyTab(ChildTab):
    title = "Chronology"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.child_name = ""
        self.model = ChronologyModel(self)
        self.kind = QComboBox(self)
        self.kind.setAccessibleName("Show entries of type")
        self.kind.addItem("Everything", None)
        for kind in CHRONOLOGY_KINDS:
            self.kind.addItem(kind_label(kind), kind)
        self.kind.currentIndexChanged.connect(lambda _i: self._reload())
        show_label = QLabel("S&how:", self)
        show_label.setBuddy(self.kind)
        self.pdf_button = QPushButton("Export to P&DF…", self)
        self.pdf_button.setAccessibleName("Export chronology to PDF")
        self.pdf_button.clicked.connect(self._export)
        self.share_button = QPushButton("Share with an agenc&y…", self)
        self.share_button.setAccessibleName("Share chronology with another agency")
        self.share_button.clicked.connect(lambda _checked=False: self.share())
        self.table = QTableView(self)
        self.table.setAccessibleName("Chronology")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        fit_columns(self.table, stretch=3)
        # The title starts with what the entry is ("Visit: …"): the summary
        # gets the room the kind's own column took.
        self.table.hideColumn(1)
        top = QHBoxLayout()
        top.addWidget(show_label)
        top.addWidget(self.kind)
        top.addStretch(1)
        top.addWidget(self.pdf_button)
        top.addWidget(self.share_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)

    def load(self, child_id: str) -> None:
        super().load(child_id)
        self._reload()

    def _reload(self) -> None:
        child_id, kind, session = self.child_id, self.kind.currentData(), self.ctx.session
        if child_id is None:
            return

        def read() -> tuple[str, list[ChronologyEntry]]:
            child = session.repo.get(child_id)
            name = display_name(child.data) if child else ""
            return name, session.repo.chronology(child_id, [kind] if kind else None)

        self.ctx.db(read).success(self._show).run()

    def _show(self, result: tuple[str, list[ChronologyEntry]]) -> None:
        self.child_name, entries = result
        self.model.set_entries(entries)
        self.sig_loaded.emit()

    def _shown_filter(self) -> tuple[list[str] | None, str]:
        kind = self.kind.currentData()
        return ([kind] if kind else None), (
            f"{kind_label(kind)} entries only" if kind else NO_FILTER
        )

    def _export(self) -> None:
        """What the tab shows, with its filter named on every page."""
        kinds, filter = self._shown_filter()
        if self.child_id:
            export_chronology_pdf(self, self.ctx, self.child_id, kinds=kinds, filter=filter)

    def share(self, path: Path | None = None) -> ShareDialog | None:
        """What the tab shows to another agency: the Share dialog, its PDF
        and the sharing record, drawn from the entries listed (`ui.sharing`)."""
        if self.child_id is None:
            return None
        kinds, filter = self._shown_filter()
        entries = [e.record_id for e in self.model.entries]
        item = chronology_shareable(self, self.ctx, self.child_id, entries, kinds=kinds,
                                    filter=filter)  # fmt: skip
        return share(self, self.ctx, item, path=path)
