"""The visit editor: structured fields and free text, saved as the worker types.

Every change starts a short timer; the note is written to the encrypted
store when typing pauses for a second, and at least every two seconds while
typing goes on, so a crash or a kill loses at most the last two seconds.
`flush()` saves at once (before a lock, a close, or switching notes).
"""

from __future__ import annotations

import time
from datetime import UTC
from typing import Any

from PySide6.QtCore import QDateTime, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from sync.kinds.casework import LocationType, VisitType
from sync.wire import Record
from ui.child_tabs.base import field_message
from ui.context import AppContext
from ui.labels import choices

PAUSE_MS = 1000  # save when typing pauses this long…
MAX_WAIT_MS = 2000  # …and never later than this after the first unsaved change

TEXT_FIELDS = (
    ("present", "Who was &present"),
    ("observations", "&Observations"),
    ("childs_words", "The child's own &words"),
    ("analysis", "&Analysis"),
    ("actions", "Ac&tions"),
)
YES_NO = [("Not recorded", None), ("Yes", True), ("No", False)]


def _combo(parent: QWidget, name: str, items: list[tuple[str, Any]]) -> QComboBox:
    box = QComboBox(parent)
    box.setAccessibleName(name)
    for text, value in items:
        box.addItem(text, value)
    return box


def _set_combo(box: QComboBox, value: Any) -> None:
    index = box.findData(value)
    box.setCurrentIndex(max(index, 0))


class _Note:
    """The note being edited. Writes happen on the one database thread in
    order, and that thread sets `record_id` when it creates the record, so a
    flush racing an autosave updates the same note instead of creating a
    second one."""

    def __init__(self, child_id: str | None, record_id: str | None) -> None:
        self.child_id = child_id
        self.record_id = record_id

    def write(self, repo, data: dict[str, Any]) -> Record:
        if self.record_id is None:
            assert self.child_id is not None
            record = repo.create("visit", data, child_id=self.child_id)
            self.record_id = str(record.id)
            return record
        return repo.update(self.record_id, data)


class VisitEditor(QWidget):
    """Edits one visit note of one child. A new note is created on the first save."""

    #: the note was written to the store (record id)
    sig_saved = Signal(str)
    #: the note was finalised (record id)
    sig_finalised = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setAccessibleName("Visit note")
        self._note = _Note(None, None)
        self.final = False
        self._dirty_since: float | None = None
        self._saving = False
        self._loading = False
        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(self.save_soon_due)

        self.visit_type = _combo(self, "Visit type", choices(VisitType))
        self.start = QDateTimeEdit(self)
        self.start.setAccessibleName("Visit started")
        self.start.setCalendarPopup(True)
        self.start.setDisplayFormat("ddd dd MMM yyyy HH:mm")
        self.location = _combo(self, "Where", [("Not recorded", None), *choices(LocationType)])
        self.child_seen = _combo(self, "Child seen", YES_NO)
        self.seen_alone = _combo(self, "Child seen alone", YES_NO)
        self.not_seen_reason = QLineEdit(self)
        self.not_seen_reason.setAccessibleName("Why the child was not seen (alone)")
        self.texts: dict[str, QPlainTextEdit] = {}

        form = QFormLayout()
        form.addRow("Visit &type:", self.visit_type)
        form.addRow("&Started:", self.start)
        form.addRow("W&here:", self.location)
        form.addRow("Child s&een:", self.child_seen)
        form.addRow("Seen a&lone:", self.seen_alone)
        form.addRow("If not, &why:", self.not_seen_reason)
        for name, title in TEXT_FIELDS:
            edit = QPlainTextEdit(self)
            edit.setAccessibleName(title.replace("&", ""))
            edit.setTabChangesFocus(True)
            edit.setMinimumHeight(70)
            self.texts[name] = edit
            label = QLabel(title + ":", self)
            label.setBuddy(edit)
            form.addRow(label, edit)

        self.state = QLabel("", self)
        self.state.setAccessibleName("Save state")
        self.state.setObjectName("saveState")
        self.error = QLabel("", self)
        self.error.setObjectName("fieldError")
        self.error.setAccessibleName("Save problem")
        self.error.setWordWrap(True)
        self.error.hide()
        self.finalise_button = QPushButton("&Finalise…", self)
        self.finalise_button.setAccessibleName("Finalise visit note")
        self.finalise_button.clicked.connect(self.ask_finalise)
        self.addendum_button = QPushButton("Add a&ddendum…", self)
        self.addendum_button.setAccessibleName("Add addendum")
        self.addendum_button.clicked.connect(self.ask_addendum)

        buttons = QHBoxLayout()
        buttons.addWidget(self.state, 1)
        buttons.addWidget(self.addendum_button)
        buttons.addWidget(self.finalise_button)

        body = QWidget(self)
        body.setLayout(form)
        scroll = QScrollArea(self)
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        scroll.setAccessibleName("Visit note fields")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.error)
        layout.addLayout(buttons)

        for box in (self.visit_type, self.location, self.child_seen, self.seen_alone):
            box.currentIndexChanged.connect(self._changed)
        self.start.dateTimeChanged.connect(self._changed)
        self.not_seen_reason.textChanged.connect(self._changed)
        for edit in self.texts.values():
            edit.textChanged.connect(self._changed)
        self._show_state()

    @property
    def child_id(self) -> str | None:
        return self._note.child_id

    @property
    def record_id(self) -> str | None:
        return self._note.record_id

    # -- opening -----------------------------------------------------------

    def new_visit(self, child_id: str, visit_type: str | None = None) -> None:
        """Start a blank note for `child_id`; nothing is stored until typing starts."""
        self.flush()
        self._loading = True
        self._note, self.final = _Note(child_id, None), False
        _set_combo(self.visit_type, visit_type or VisitType.other.value)
        self.start.setDateTime(QDateTime.currentDateTime())
        for box in (self.location, self.child_seen, self.seen_alone):
            box.setCurrentIndex(0)
        self.not_seen_reason.clear()
        for edit in self.texts.values():
            edit.clear()
        self._loading = False
        self._set_read_only(False)
        self._show_state()

    def open_visit(self, record: Record, pending: bool) -> None:
        """Show a stored note (a draft to go on with, or a final one to read)."""
        self.flush()
        self._loading = True
        data = record.data
        self._note = _Note(str(record.child_id), str(record.id))
        self.final = data.get("status") == "final"
        _set_combo(self.visit_type, data.get("visit_type"))
        self.start.setDateTime(QDateTime.fromString(str(data.get("start")), Qt.DateFormat.ISODate))
        _set_combo(self.location, data.get("location_type"))
        _set_combo(self.child_seen, data.get("child_seen"))
        _set_combo(self.seen_alone, data.get("seen_alone"))
        self.not_seen_reason.setText(
            data.get("not_seen_reason") or data.get("not_seen_alone_reason") or ""
        )
        for name, edit in self.texts.items():
            edit.setPlainText(data.get(name) or "")
        self._loading = False
        self._set_read_only(self.final)
        self._show_state(pending=pending)

    def _set_read_only(self, read_only: bool) -> None:
        for widget in (self.visit_type, self.start, self.location, self.child_seen,
                       self.seen_alone):  # fmt: skip
            widget.setEnabled(not read_only)
        self.not_seen_reason.setReadOnly(read_only)
        for edit in self.texts.values():
            edit.setReadOnly(read_only)
        self.finalise_button.setVisible(not read_only)
        self.addendum_button.setVisible(read_only)

    # -- saving ------------------------------------------------------------

    def data(self) -> dict[str, Any]:
        start = self.start.dateTime().toUTC().toPython().replace(tzinfo=UTC)
        seen, alone = self.child_seen.currentData(), self.seen_alone.currentData()
        reason = self.not_seen_reason.text() or None
        data: dict[str, Any] = {
            "visit_type": self.visit_type.currentData(),
            "start": start.isoformat(),
            "location_type": self.location.currentData(),
            "child_seen": seen,
            "seen_alone": alone,
            "not_seen_reason": reason if seen is False else None,
            "not_seen_alone_reason": reason if seen is not False and alone is False else None,
        }
        for name, edit in self.texts.items():
            data[name] = edit.toPlainText() or None
        return data

    @property
    def dirty(self) -> bool:
        return self._dirty_since is not None

    def _changed(self, *_args: Any) -> None:
        if self._loading or self.final or self.child_id is None:
            return
        now = time.monotonic()
        if self._dirty_since is None:
            self._dirty_since = now
        waited_ms = (now - self._dirty_since) * 1000
        self._timer.start(int(max(0, min(PAUSE_MS, MAX_WAIT_MS - waited_ms))))
        self.state.setText("Saving…")

    def save_soon_due(self) -> None:
        """The timer fired: write the note unless a save is already on its way
        (then `_saved` saves again with whatever was typed meanwhile)."""
        if self._saving or not self.dirty:
            return
        self._saving = True
        self._dirty_since = None
        note, data = self._note, self.data()
        assert note.child_id is not None
        self.ctx.write(
            lambda repo: note.write(repo, data),
            note.child_id,
            done=self._saved,
            failed=self._save_failed,
        )

    def _saved(self, record: Record) -> None:
        self._saving = False
        if str(record.id) == self.record_id:  # not a note left behind meanwhile
            self.error.hide()
            self._show_state(pending=True)
        self.sig_saved.emit(str(record.id))
        if self.dirty:
            self._timer.start(0)

    def _save_failed(self, exc: BaseException) -> None:
        self._saving = False
        field_message(self.error, exc)
        self.state.setText("Not saved — see the message above")

    def flush(self) -> None:
        """Save now and wait for it (before lock, close or another note)."""
        self._timer.stop()
        if not self.dirty or self.child_id is None:
            return
        self._dirty_since = None
        note, data, repo = self._note, self.data(), self.ctx.session.repo
        try:
            self.ctx.tasks.db_now(lambda: note.write(repo, data))
        except Exception as exc:  # noqa: BLE001 — shown at the form; the text stays in it
            self._save_failed(exc)
            return
        self.error.hide()
        self._show_state(pending=True)
        self.ctx.events.sig_records_changed.emit(note.child_id or "")
        self.ctx.events.sig_local_edit.emit()

    def _show_state(self, pending: bool | None = None) -> None:
        if self.record_id is None:
            text = "Not saved yet — saving starts as you type"
        elif pending:
            text = "Saved on this laptop · not yet sent"
        else:
            text = "Sent to the central record"
        if self.final:
            text = "Final · " + text
        self.state.setText(text)

    # -- finalise and addenda ----------------------------------------------

    def ask_finalise(self) -> None:
        if self.child_id is None:
            return
        self.flush()
        if self.record_id is None:
            self.error.setText("Write the note before finalising it.")
            self.error.show()
            return
        answer = QMessageBox.question(
            self,
            "Finalise visit note",
            "Finalise this visit note? It becomes read-only; later corrections "
            "are added as addenda.",
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.finalise()

    def finalise(self) -> None:
        record_id, child_id = self.record_id, self.child_id
        assert record_id and child_id

        def done(record: Record) -> None:
            self.final = True
            self._set_read_only(True)
            self._show_state(pending=True)
            self.sig_finalised.emit(record_id)

        self.ctx.write(
            lambda repo: repo.finalise_visit(record_id),
            child_id,
            done=done,
            failed=lambda exc: field_message(self.error, exc),
        )

    def ask_addendum(self) -> None:
        if not (self.final and self.record_id and self.child_id):
            return
        text, ok = QInputDialog.getMultiLineText(
            self, "Addendum", "What needs adding or correcting?"
        )
        if ok and text.strip():
            record_id = self.record_id
            self.ctx.write(lambda repo: repo.add_addendum(record_id, text), self.child_id)

    def refresh_sent_state(self) -> None:
        """After a sync: say "Sent" once the note has reached the central record."""
        record_id = self.record_id
        if record_id is None or self.dirty:
            return
        repo = self.ctx.session.repo
        self.ctx.db(lambda: repo.is_pending(record_id)).success(
            lambda p: self._show_state(pending=p) if self.record_id == record_id else None
        ).run()
