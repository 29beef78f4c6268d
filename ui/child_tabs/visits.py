"""Visits: the child's visit notes, newest first, beside the editor."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListView,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop.drafts import Draft
from sync.wire import Record
from ui.addendum_dialog import FORM as ADDENDUM
from ui.child_tabs.base import ChildTab
from ui.child_tabs.sign_off import signed_words
from ui.context import AppContext
from ui.labels import label
from ui.printing import export_visit_pdf
from ui.share_dialog import ShareDialog
from ui.sharing import share, visit_shareable
from ui.text import moment_text
from ui.visit_editor import FORM, VisitEditor
from ui.visit_filter import VisitFilter, VisitFilterBar

RecordRole = Qt.ItemDataRole.UserRole + 1
# Keyed by object: the stored value is looked up as it is (None: not recorded).
_SEEN: dict[object, str] = {True: "child seen", False: "child not seen"}


def visit_line(record: Record, pending: bool, kept: bool = False, signed: str = "") -> str:
    """When, what, the note's state (and its sign-off, `signed`), whether sent."""
    d = record.data
    when = moment_text(d.get("start"))
    state = "Final" if d.get("status") == "final" else "Draft"
    seen = _SEEN.get(d.get("child_seen"), "")
    sent = "not yet sent" if pending else "sent"
    error = " · ENTERED IN ERROR" if d.get("entered_in_error") else ""
    unsaved = " · TYPING NOT SAVED YET (kept on this laptop)" if kept else ""
    parts = [when, label(d.get("visit_type")), state, signed, seen, sent]
    return " · ".join(p for p in parts if p) + error + unsaved


class VisitListModel(QAbstractListModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[tuple[Record, bool]] = []
        self.kept: set[str] = set()  # ids of notes with typing kept as a draft
        self.signed: dict[str, str] = {}  # note id -> "Signed off by … on …"

    def set_rows(
        self,
        rows: list[tuple[Record, bool]],
        kept: set[str] | None = None,
        signed: dict[str, str] | None = None,
    ) -> None:
        self.beginResetModel()
        self.rows, self.kept, self.signed = rows, kept or set(), signed or {}
        self.endResetModel()

    def _line(self, record: Record, pending: bool) -> str:
        rid = str(record.id)
        return visit_line(record, pending, rid in self.kept, self.signed.get(rid, ""))

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid():
            return None
        record, pending = self.rows[index.row()]
        if role in (Qt.ItemDataRole.AccessibleTextRole, Qt.ItemDataRole.ToolTipRole):
            return self._line(record, pending)
        if role == Qt.ItemDataRole.DisplayRole:
            # When, what, and the note's state, a line each: as one line it
            # was cut off in the list's width (the whole line is the tooltip).
            line = self._line(record, pending)
            return "\n".join(line.split(" · ", 2))
        if role == RecordRole:
            return (record, pending)
        return None


class VisitsTab(ChildTab):
    title = "Visits"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.model = VisitListModel(self)
        self.shown = VisitFilter(RecordRole, self)
        self.shown.setSourceModel(self.model)
        self.filter = VisitFilterBar(self.shown, self)
        self.filter.hide()  # until there are notes to filter
        self.list = QListView(self)
        self.list.setAccessibleName("Visit notes")
        self.list.setModel(self.shown)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.setAlternatingRowColors(True)  # a note's three lines read as one
        self.none_yet = QLabel(
            "No visits recorded for this child yet.\n\nPress New visit (Ctrl+N) to record"
            " one: the note is saved on this laptop as you type, and sent when you are online.",
            self,
        )
        self.none_yet.setAccessibleName("No visits yet")
        self.none_yet.setWordWrap(True)
        self.none_yet.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.none_yet.hide()
        self.list.activated.connect(self._open)
        self.list.clicked.connect(self._open)
        self.editor = VisitEditor(ctx, self)
        self.drafts: dict[tuple[str, str | None], Draft] = {}  # (form, note id) -> kept typing
        self._restore = False
        self._opened = 0  # how many times a child was opened here
        self._reopen: str | None = None  # the note to open once the list is read
        self.new_button = QPushButton("&New visit", self)
        self.new_button.setAccessibleName("New visit")
        self.new_button.clicked.connect(self.new_visit)
        self.pdf_button = QPushButton("Export to P&DF…", self)
        self.pdf_button.setAccessibleName("Export visit note to PDF")
        self.pdf_button.clicked.connect(self._export)
        # Short: three buttons share the list's width at 1366.
        self.share_button = QPushButton("Sh&are…", self)
        self.share_button.setAccessibleName("Share visit note with another agency")
        self.share_button.setToolTip(
            "Share the visit note with another agency: a PDF, recorded on the Sharing tab"
        )
        self.share_button.clicked.connect(self.share)

        left = QWidget(self)
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        # Two rows: three buttons side by side widened the list's column past
        # what the open note's editor can spare at 1366.
        column.addWidget(self.new_button)
        buttons = QHBoxLayout()
        buttons.addWidget(self.pdf_button)
        buttons.addWidget(self.share_button)
        column.addLayout(buttons)
        column.addWidget(self.filter)
        column.addWidget(self.list, 1)
        column.addWidget(self.none_yet, 1)
        self.splitter = QSplitter(self)
        self.splitter.setObjectName("visitsSplitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.editor)
        self.splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.splitter)

    def load(self, child_id: str) -> None:
        if child_id != self.child_id:
            self.editor.flush()  # saved, or kept as the note's draft
            self.editor.new_visit(child_id)
            self.filter.clear()  # one child's filter never hides another's notes
            self._restore = True  # typing kept for this child comes back once read
            self._opened += 1  # reads made before this are for what was shown before
        super().load(child_id)
        self._reload_list()

    def _reload_list(self) -> None:
        child_id, repo, opened = self.child_id, self.ctx.session.repo, self._opened
        if child_id is None:
            return

        def read() -> tuple[int, list[tuple[Record, bool]], list[Draft], dict[str, str]]:
            visits = repo.records_for_child(child_id, "visit")
            pending = repo.pending_ids(child_id, "visit")
            visits.sort(key=lambda r: str(r.data.get("start")), reverse=True)
            kept = [d for d in repo.drafts_for_child(child_id) if d.form in (FORM, ADDENDUM)]
            signed = {
                str(s.data.get("visit_id")): signed_words(s.data)
                for s in repo.records_for_child(child_id, "sign_off")
                if not s.data.get("entered_in_error")
            }
            return opened, [(r, str(r.id) in pending) for r in visits], kept, signed

        self.ctx.db(read).success(self._show).run()

    def _show(
        self, result: tuple[int, list[tuple[Record, bool]], list[Draft], dict[str, str]]
    ) -> None:
        opened, rows, kept, signed = result
        if opened != self._opened:
            return  # read before the child was (re)opened: a newer read is on its way
        self.drafts = {(d.form, d.record_id): d for d in kept}
        self.model.set_rows(rows, {d.record_id for d in kept if d.record_id}, signed)
        self.none_yet.setVisible(not rows)
        self.list.setVisible(bool(rows))
        self.filter.setVisible(bool(rows))
        # The note open before the lock comes back, with any typing kept for it.
        wanted, self._reopen = self._reopen, None
        reopened = wanted is not None and self._open_note(wanted, rows)
        untouched = self.editor.record_id is None and not self.editor.dirty
        if not reopened and self._restore and kept and untouched:
            self._bring_back(kept[0], rows)  # the newest
        self._restore = False
        self.editor.refresh_sent_state()
        self.sig_loaded.emit()

    def _bring_back(self, draft: Draft, rows: list[tuple[Record, bool]]) -> None:
        """After a lock or on reopening the child: the typing kept last."""
        if draft.record_id is None:
            if draft.form == FORM:
                self.editor.new_visit(draft.child_id, draft=draft)
            return
        self._open_note(draft.record_id, rows)

    def reopen(self, note_id: str) -> None:
        """Open the note `note_id` when the list is next read (after unlock)."""
        self._reopen = note_id

    def _open_note(self, note_id: str, rows: list[tuple[Record, bool]]) -> bool:
        for row, (record, pending) in enumerate(rows):
            if str(record.id) == note_id:
                self.list.setCurrentIndex(self.shown.mapFromSource(self.model.index(row)))
                self._open_record(record, pending)
                return True
        return False

    def _open(self, index: QModelIndex) -> None:
        record, pending = index.data(RecordRole)
        if str(record.id) != self.editor.record_id:
            self._open_record(record, pending)

    def _open_record(self, record: Record, pending: bool) -> None:
        rid = str(record.id)
        self.editor.open_visit(
            record, pending, self.drafts.get((FORM, rid)), self.drafts.get((ADDENDUM, rid))
        )

    def new_visit(self) -> None:
        if self.child_id:
            self.editor.new_visit(self.child_id, draft=self.drafts.get((FORM, None)))
            self.list.clearSelection()
            self.editor.texts["observations"].setFocus()

    def flush(self) -> None:
        self.editor.flush()

    def _export(self) -> None:
        index = self.list.currentIndex()
        if index.isValid():
            record, _pending = index.data(RecordRole)
            export_visit_pdf(self, self.ctx, record)

    def share(self, path: Path | None = None) -> ShareDialog | None:
        """The chosen note to another agency: the Share dialog, its PDF and
        the sharing record (`ui.sharing`); None when no note is chosen."""
        index = self.list.currentIndex()
        if not index.isValid():
            return None
        self.editor.flush()  # the note as typed is the note shared
        record, _pending = index.data(RecordRole)
        return share(self, self.ctx, visit_shareable(self, self.ctx, record), path=path)
