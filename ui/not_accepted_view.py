"""Not accepted: the edits the central record refused, beside Conflicts.

For each: the record, the central record's reason in plain words, and field
by field the central record's version (what the record now shows) beside
the worker's text, which can be edited and sent again, copied, kept as an
addendum to a final visit note, or discarded after confirming. Every read
goes through `desktop.refused`, which checks the offline lease first.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from desktop.refused import Refused, add_as_addendum, discard, list_refused, resend, text_of
from desktop.repository import CaseRepository
from desktop.worker_text import FieldText, field_choice
from desktop.worker_text import as_text as field_text
from sync.errors import RecordInvalid
from ui.context import AppContext
from ui.labels import kind_label, label
from ui.review_view import ReviewView, edited_value
from ui.widgets import confirm_discard, field_message

INTRO = (
    "The central record did not accept these changes. The record shows the central "
    "record's version; your text is kept here, on this laptop, until you edit and "
    "resend it, copy it, add it as an addendum or discard it."
)


class FieldPair(QGroupBox):
    """One field: the central record's version, and the worker's, editable."""

    def __init__(
        self, kind: str, text: FieldText, parent: QWidget | None = None, *, theirs: bool = True
    ) -> None:
        super().__init__(label(text.field), parent)
        self.text = text
        # A code is shown, and edited, as its words.
        self.codes = field_choice(kind, text.field)
        name = label(text.field)
        self.setAccessibleName(f"Field {name}")
        grid = QGridLayout(self)
        self.theirs = QPlainTextEdit(field_text(text.theirs, self.codes), self)
        self.theirs.setReadOnly(True)
        self.theirs.setAccessibleName(f"Central record's version: {name}")
        self.theirs.setTabChangesFocus(True)
        self.mine = QPlainTextEdit(field_text(text.mine, self.codes), self)
        self.mine.setAccessibleName(f"Your text: {name}")
        self.mine.setTabChangesFocus(True)
        short = all(
            not isinstance(v, str) or (len(v) < 80 and "\n" not in v)
            for v in (text.mine, text.theirs)
        )
        for box in (self.theirs, self.mine):
            box.setMaximumHeight(56 if short else 140)
        mine_at = 0
        if theirs:  # a refused create has no central version to show
            grid.addWidget(QLabel("Central record (shown as the record)", self), 0, 0)
            grid.addWidget(self.theirs, 1, 0)
            mine_at = 1
        else:
            self.theirs.hide()
        grid.addWidget(QLabel("Yours (not accepted)", self), 0, mine_at)
        grid.addWidget(self.mine, 1, mine_at)

    def edited(self) -> Any:
        return edited_value(self.text.field, self.mine.toPlainText(), self.text.mine, self.codes)


class NotAcceptedView(ReviewView):
    #: a refused edit was shown (mutation id)
    sig_opened = Signal(str)
    #: a refused edit was settled: resent, kept as an addendum or discarded (mutation id)
    sig_settled = Signal(str)
    #: the worker's text was put on the clipboard (mutation id)
    sig_copied = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(
            ctx, parent, name="Not accepted", list_name="Changes not accepted", intro=INTRO,
            empty=("Nothing here: the central record accepted all your changes.",
                   "Nothing refused"),
            problem="Problem", fields_name="Your text beside the central record's",
        )  # fmt: skip
        self.setObjectName("notAccepted")
        self.reason = QLabel("", self)
        self.reason.setObjectName("refusalReason")
        self.reason.setAccessibleName("Why it was not accepted")
        self.reason.setWordWrap(True)
        font = self.reason.font()
        font.setBold(True)
        self.reason.setFont(font)
        self.resend_button = self._button("Edit and &resend", self._resend)
        self.copy_button = self._button("&Copy your text", self._copy)
        self.addendum_button = self._button("Add as an &addendum", self._addendum)
        self.discard_button = self._button("&Discard…", self._discard)
        buttons = QHBoxLayout()
        for button in (self.resend_button, self.copy_button, self.addendum_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.discard_button)
        self.lay_out([self.reason], buttons)
        self.pairs: list[FieldPair] = []
        self.refused: dict[str, Refused] = {}
        self.current: Refused | None = None
        self._show(None)

    def _button(self, text: str, slot: Any) -> QPushButton:
        button = QPushButton(text, self)
        button.setAccessibleName(text.replace("&", "").rstrip("…"))
        button.clicked.connect(slot)
        return button

    def read(self, repo: CaseRepository) -> list[Refused]:
        return list_refused(repo)

    def shown(self, rows: list[Refused]) -> None:
        self.refused = {r.mutation_id: r for r in rows}
        self.show_items([
            (f"{r.child_name} — {kind_label(r.kind)}", r.mutation_id, r.reason) for r in rows
        ])  # fmt: skip

    def opened(self, key: str | None) -> None:
        self._show(self.refused.get(key) if key else None)

    def _show(self, refused: Refused | None) -> None:
        self.current = refused
        fields = refused.fields if refused else []
        central = refused is not None and refused.theirs is not None
        kind = refused.kind if refused else ""
        self.pairs = [FieldPair(kind, f, self.fields_box, theirs=central) for f in fields]
        self.show_boxes(self.pairs)
        self.reason.setVisible(refused is not None)
        if refused is not None:
            never = (
                ""
                if central
                else "\nThe central record has no version of this record: it never accepted it."
            )
            self.reason.setText("Why: " + refused.reason.rstrip(".") + "." + never)
        self.resend_button.setEnabled(bool(fields))
        self.copy_button.setEnabled(bool(fields))
        self.addendum_button.setEnabled(refused is not None and refused.can_add_addendum)
        self.addendum_button.setToolTip(
            "" if refused is None or refused.can_add_addendum
            else "Only text refused for a final visit note can be added as an addendum."
        )  # fmt: skip
        self.discard_button.setEnabled(refused is not None)
        if refused is not None:
            self.sig_opened.emit(refused.mutation_id)

    # -- actions -------------------------------------------------------------

    def _resend(self) -> None:
        if self.current is None:
            return
        try:
            edited = {p.text.field: p.edited() for p in self.pairs}
        except RecordInvalid as exc:
            field_message(self.error, exc)
            return
        mutation_id = self.current.mutation_id
        self._settle(lambda repo: resend(repo, mutation_id, edited), mutation_id)

    def _addendum(self) -> None:
        if self.current is not None:
            mutation_id = self.current.mutation_id
            self._settle(lambda repo: add_as_addendum(repo, mutation_id), mutation_id)

    def _discard(self) -> None:
        if self.current is None:
            return
        if not confirm_discard(
            self,
            "Discard your text?",
            "Your text will be deleted from this laptop. The central record never "
            "accepted it, so it will be gone for good. Discard it?",
        ):
            return
        mutation_id = self.current.mutation_id
        self._settle(lambda repo: discard(repo, mutation_id), mutation_id)

    def _copy(self) -> None:
        if self.current is None:
            return
        mutation_id = self.current.mutation_id
        repo = self.ctx.session.repo

        def copied(text: str) -> None:
            QGuiApplication.clipboard().setText(text)
            self.sig_copied.emit(mutation_id)

        self.ctx.db(lambda: text_of(repo, mutation_id)).success(copied).run()

    def _settle(self, fn: Any, mutation_id: str) -> None:
        self.settle(fn, lambda: self.sig_settled.emit(mutation_id))
