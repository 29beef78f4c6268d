"""Writing an addendum to a final visit note, in a dialog that never drops typing.

The dialog is window-modal but opened with `open()`, not a nested event
loop, so an idle lock can still take the window down: before it does, the
editor stores the addendum, or keeps it as the note's addendum draft when
the record refuses it (desktop.drafts), and the dialog comes back with the
text when the note is next opened.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QPlainTextEdit, QWidget

from desktop.drafts import Draft
from desktop.repository import NotSaved
from sync.kinds.casework import AddendumReason
from sync.wire import Record
from ui.context import AppContext
from ui.record_dialog import RecordDialog
from ui.widgets import combo, set_combo, text_edit

FORM = "addendum"  # its drafts (desktop.drafts), keyed by the visit note


class AddendumDialog(RecordDialog):
    """The text and reason of one addendum; `save` is called with the dialog."""

    discard_question = (
        "Discard addendum",
        "Discard this addendum? It has not been saved and cannot be brought back.",
    )

    def __init__(
        self,
        parent: QWidget,
        *,
        save: Callable[[AddendumDialog], None],
        draft: Draft | None = None,
    ) -> None:
        super().__init__(parent, "Add an addendum", noun="addendum", width=560)
        self.text: QPlainTextEdit = text_edit(self, "Addendum", 140)
        self.reason = combo(self, "Reason", AddendumReason, blank=False)
        self.fields = {"text": self.text, "reason": self.reason}
        data = draft.data if draft else {}
        self.text.setPlainText(data.get("text") or "")
        set_combo(self.reason, data.get("reason") or AddendumReason.correction.value)
        self.lay_out((("What needs adding or &correcting", "text"), ("&Reason", "reason")),
                     save=lambda dialog: save(self), draft=draft)  # fmt: skip

    def data(self) -> dict[str, str]:
        return {"text": self.text.toPlainText(), "reason": self.reason.currentData()}

    def typed(self) -> bool:
        return self.changed and bool(self.text.toPlainText().strip())


class Addenda:
    """A visit editor's addendum dialog: opened for one final note, saved —
    or kept as the note's addendum draft when refused — and stored before a
    lock or when the editor moves to another note (`flush`)."""

    def __init__(self, ctx: AppContext, parent: QWidget) -> None:
        self.ctx, self.parent = ctx, parent
        self.dialog: AddendumDialog | None = None
        self._for: tuple[str, str] | None = None  # (visit id, child id)

    @property
    def is_open(self) -> bool:
        return self.dialog is not None

    def open(self, visit_id: str, child_id: str, draft: Draft | None) -> None:
        self._for = (visit_id, child_id)
        dialog = AddendumDialog(self.parent, save=self._save, draft=draft)
        dialog.finished.connect(lambda _r: self._closed(dialog))
        self.dialog = dialog
        dialog.open()  # window-modal, not a nested event loop

    def _job(self, dialog: AddendumDialog) -> Callable[[], Record | NotSaved]:
        assert self._for is not None
        (visit_id, child_id), repo, data = self._for, self.ctx.session.repo, dialog.data()
        return lambda: repo.save_or_keep(
            FORM, child_id, visit_id, data,
            lambda r: r.add_addendum(visit_id, data["text"], data["reason"]),
        )  # fmt: skip

    def _save(self, dialog: AddendumDialog) -> None:
        child_id = self._for[1] if self._for else ""

        def answered(result: Record | NotSaved) -> None:
            if dialog.answered(result):
                self.ctx.events.sig_records_changed.emit(child_id)
                self.ctx.events.sig_local_edit.emit()

        self.ctx.db(self._job(dialog)).success(answered).run()

    def flush(self) -> None:
        """Store what is typed in the dialog now (or keep it), and close it."""
        dialog = self.dialog
        if dialog is None or not dialog.isVisible() or not dialog.changed:
            return
        result = self.ctx.tasks.db_now(self._job(dialog))
        dialog.changed = False  # stored, or kept as the note's addendum draft
        dialog.kept = isinstance(result, NotSaved)
        dialog.done(QDialog.DialogCode.Accepted)

    def _closed(self, dialog: AddendumDialog) -> None:
        if dialog.result() == QDialog.DialogCode.Rejected and dialog.kept and self._for:
            (visit_id, child_id), repo = self._for, self.ctx.session.repo
            self.ctx.db(lambda: repo.drop_draft(FORM, child_id, visit_id)).run()
        if self.dialog is dialog:
            self.dialog = None
