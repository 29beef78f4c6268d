"""The visit editor: structured fields and free text, saved as the worker types.

Every change starts a short timer; the note is written to the encrypted
store when typing pauses for a second, and at least every two seconds while
typing goes on, so a crash or a kill loses at most the last two seconds.
`flush()` saves at once (before a lock, a close, or switching notes).

What the record refuses (a text over its length limit) is kept instead as
the note's draft inside the vault (desktop.drafts), on the same timer, and
the editor says "Not saved yet: …"; the typing comes back with the note.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QMessageBox,
    QWidget,
)

from desktop.drafts import Draft
from desktop.repository import NotSaved
from sync.wire import Record
from ui.addendum_dialog import Addenda
from ui.context import AppContext
from ui.visit_finalising import final_line, finalise_problem, point_at, visit_type_for
from ui.visit_form import VisitForm
from ui.visit_note import FORM, Note
from ui.widgets import confirm_discard, field_message, show_invalid, show_message

__all__ = ["FORM", "VisitEditor"]

PAUSE_MS = 1000  # save when typing pauses this long…
MAX_WAIT_MS = 2000  # …and never later than this after the first unsaved change


class VisitEditor(VisitForm):
    """Edits one visit note of one child. A new note is created on the first save."""

    #: the note was written to the store (record id)
    sig_saved = Signal(str)
    #: the note was finalised (record id)
    sig_finalised = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._note = Note(None, None)
        self.final = False
        self.rev = 0  # the central record's revision of the note (0: never accepted)
        self.kept = False  # what the form shows is a kept draft, not the stored note
        self.type_chosen = False  # the worker picked this note's visit type
        self.addenda = Addenda(ctx, self)
        self._dirty_since: float | None = None
        self._saving = False
        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(self.save_soon_due)

        self.finalise_button.clicked.connect(self.ask_finalise)
        self.addendum_button.clicked.connect(self.ask_addendum)
        self.discard_button.clicked.connect(self.ask_discard)
        self._show_state()

    @property
    def child_id(self) -> str | None:
        return self._note.child_id

    @property
    def record_id(self) -> str | None:
        return self._note.record_id

    # -- opening -----------------------------------------------------------

    def new_visit(
        self, child_id: str, visit_type: str | None = None, draft: Draft | None = None
    ) -> None:
        """Start a blank note for `child_id` (or bring back a new note's kept
        typing, `draft`); nothing is stored until typing starts."""
        self.flush()
        self._note, self.final, self.rev, self.type_chosen = Note(child_id, None), False, 0, False
        blank = {"visit_type": visit_type or visit_type_for(None).value}
        start = self.ctx.session.now() if draft is None and self.ctx.session else None
        self._show(draft.data if draft else blank, now=start)
        self._set_read_only(False)
        self._show_kept(draft)
        if draft is None and visit_type is None:
            self._default_type(self._note)

    def _default_type(self, note: Note) -> None:
        """A new note's type follows the child's legal status (a child
        protection visit for a child on a plan, …), unless the worker has
        chosen one by the time the child is read; if typing has begun, the
        type is saved with it."""
        repo, child_id = self.ctx.session.repo, str(note.child_id)

        def read() -> str | None:
            child = repo.get(child_id)
            return child.data.get("legal_status") if child else None

        def chosen(status: str | None) -> None:
            if note is self._note and not (self.type_chosen or self.final):
                code, typed = visit_type_for(status).value, note.record_id or self.dirty
                self.show_visit_type(code, edit=bool(typed))

        self.ctx.db(read).success(chosen).run()

    def open_visit(
        self,
        record: Record,
        pending: bool,
        draft: Draft | None = None,
        addendum: Draft | None = None,
    ) -> None:
        """Show a stored note (a draft to go on with, or a final one to read),
        with the typing kept for it (`draft`, `addendum`) if any."""
        self.flush()
        self._note = Note(str(record.child_id), str(record.id))
        self.final, self.rev = record.data.get("status") == "final", record.rev
        self._show(draft.data if draft and not self.final else record.data)
        self.final_line.setText(final_line(record.data))
        self._set_read_only(self.final)
        self._show_state(pending=pending)
        self._show_kept(draft if not self.final else None)
        if self.final and addendum is not None and not self.addenda.is_open:
            self.addenda.open(str(record.id), str(record.child_id), addendum)

    def _show(self, data: dict[str, Any], *, now: datetime | None = None) -> None:
        self.show_data(data, now=now)
        self._timer.stop()
        self._dirty_since = None

    def _set_read_only(self, read_only: bool) -> None:
        self.set_read_only(read_only)
        self._update_discard()

    def _show_kept(self, draft: Draft | None) -> None:
        self.kept = draft is not None
        if draft is None:
            self.error.hide()
            if self.record_id is None:
                self._show_state()
        else:
            self._say_kept(draft.problem)
        self._update_discard()

    # -- saving ------------------------------------------------------------

    @property
    def dirty(self) -> bool:
        return self._dirty_since is not None

    def changed(self, *_args: Any) -> None:
        if self._loading or self.final or self.child_id is None:
            return
        self.type_chosen |= self.sender() is self.visit_type
        now = time.monotonic()
        if self._dirty_since is None:
            self._dirty_since = now
        waited_ms = (now - self._dirty_since) * 1000
        self._timer.start(int(max(0, min(PAUSE_MS, MAX_WAIT_MS - waited_ms))))
        self.state.setText("Saving…")
        self.discard_button.setVisible(True)

    def save_soon_due(self) -> None:
        """The timer fired: write the note unless a save is already on its way
        (then `_saved` saves again with whatever was typed meanwhile)."""
        if self._saving or not self.dirty:
            return
        self._saving = True
        self._dirty_since = None
        note, data, repo = self._note, self.data(), self.ctx.session.repo
        assert note.child_id is not None
        self.ctx.db(lambda: note.save_or_keep(repo, data)).success(
            lambda result: self._saved(result, note)
        ).failure(self._save_failed).run()

    def _saved(self, result: Record | NotSaved, note: Note) -> None:
        self._saving = False
        shown = note is self._note  # not a note left behind meanwhile
        if isinstance(result, NotSaved):
            if shown:
                self._say_kept(result.problem)
        else:
            if shown:
                self.kept = False
                self.error.hide()
                self._show_state(pending=True)
            self.sig_saved.emit(str(result.id))
            self.ctx.events.sig_records_changed.emit(str(result.child_id))
            self.ctx.events.sig_local_edit.emit()
        self._update_discard()
        if self.dirty:
            self._timer.start(0)

    def _save_failed(self, exc: BaseException) -> None:
        self._saving = False
        field_message(self.error, exc)
        self.state.setText("Not saved — see the message above")

    def _say_kept(self, problem: BaseException | str) -> None:
        """The note could not be saved: it is kept as its draft. Say which field
        and what to do, in the form's words."""
        self.kept = True
        # Autosave: focus stays where the worker is typing.
        show_invalid(self.error, problem, {**self.named, **self.texts}, focus=False)
        self.state.setText("Not saved yet · kept on this laptop")

    def flush(self) -> None:
        """Save now and wait (before lock, close or another note): the note,
        or its draft when it is refused; and an addendum being written."""
        self._timer.stop()
        self.addenda.flush()
        if not self.dirty or self.child_id is None:
            return
        self._dirty_since = None
        note, data, repo = self._note, self.data(), self.ctx.session.repo
        try:
            result = self.ctx.tasks.db_now(lambda: note.save_or_keep(repo, data))
        except Exception as exc:
            self._save_failed(exc)
            return
        if isinstance(result, NotSaved):
            self._say_kept(result.problem)
            return
        self.kept = False
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
        self.type_chosen = True  # what is finalised is the type on show: no late default
        self.flush()
        if self.record_id is None:
            show_message(self.error, "Write the note before finalising it.")
            return
        problem = finalise_problem(self.data(), self.ctx.session.worker, self.ctx.session.now())
        if problem is not None:
            point_at(self.error, {**self.named, **self.texts}, problem)
            return
        self.error.hide()
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
            self.final_line.setText(final_line(record.data))
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
        if self.final and self.record_id and self.child_id and not self.addenda.is_open:
            self.addenda.open(self.record_id, self.child_id, None)

    # -- discarding ---------------------------------------------------------

    def _update_discard(self) -> None:
        """Discard is offered for typing not saved yet, and for a new note
        that has not reached the central record; never for a final one."""
        unsent = self.record_id is not None and self.rev == 0
        self.discard_button.setVisible(not self.final and (self.kept or self.dirty or unsent))

    def ask_discard(self) -> None:
        if self.final or self.child_id is None:
            return
        if self.kept:
            text = ("Discard the typing that could not be saved? The note goes back to "
                    "what was last saved; this cannot be undone.")  # fmt: skip
        elif self.record_id is not None and self.rev == 0:
            text = ("Discard this new note? It has not been sent to the central record, "
                    "and it will be gone from this laptop too; this cannot be undone.")  # fmt: skip
        elif self.dirty:
            text = "Discard what you typed in this note? It has not been saved."
        else:
            return
        if confirm_discard(self, "Discard", text):
            self.discard()

    def discard(self) -> None:
        """Drop the kept draft, or take back the unsent new note (asked first)."""
        self._timer.stop()
        self._dirty_since = None
        note, repo, kept = self._note, self.ctx.session.repo, self.kept
        child_id = note.child_id
        assert child_id is not None

        def drop() -> Record | None:
            if kept:
                repo.drop_draft(FORM, child_id, note.record_id)
                return repo.get(note.record_id) if note.record_id else None
            if note.record_id is not None:
                repo.discard_unsent(note.record_id)
            return None

        def done(stored: Record | None) -> None:
            self.kept = False
            if stored is not None:
                self.open_visit(stored, pending=True)
            else:
                self.new_visit(child_id)
            self.ctx.events.sig_records_changed.emit(child_id)

        self.ctx.db(drop).success(done).failure(lambda e: field_message(self.error, e)).run()

    def refresh_sent_state(self) -> None:
        """After a sync: say "Sent" once the note has reached the central record."""
        record_id = self.record_id
        if record_id is None or self.dirty:
            return
        repo = self.ctx.session.repo
        self.ctx.db(lambda: repo.is_pending(record_id)).success(
            lambda p: self._show_state(pending=p) if self.record_id == record_id else None
        ).run()
