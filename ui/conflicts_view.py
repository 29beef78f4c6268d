"""Conflicts: per record, per field, yours and theirs side by side; choose or
edit, then send. Nothing typed by either side is lost until a choice is made.

"Yours" is the record as it is on this laptop now, typing since the conflict
arose included (see desktop.conflicts). When the central record's version is
a final visit note, keeping yours as an addendum is offered, and chosen by
default: the note itself can no longer change."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QWidget,
)

from desktop.conflicts import (
    Conflict,
    FieldVersions,
    conflict_fields,
    keep_mine_as_addendum,
    list_conflicts,
    resolve,
)
from desktop.repository import CaseRepository
from desktop.worker_text import as_text as field_text
from desktop.worker_text import field_choice
from sync.errors import RecordInvalid
from ui.context import AppContext
from ui.labels import kind_label, label
from ui.review_view import ReviewView, edited_value
from ui.widgets import field_message, show_message


class FieldChoice(QGroupBox):
    """One colliding field: base (on demand), theirs, yours, and the choice."""

    def __init__(self, kind: str, versions: FieldVersions, parent: QWidget | None = None) -> None:
        super().__init__(label(versions.field), parent)
        self.versions = versions
        # A code is shown, and edited, as its words.
        self.codes = field_choice(kind, versions.field)
        self.setAccessibleName(f"Field {label(versions.field)}")
        grid = QGridLayout(self)
        self.base = self._box("Before either change", versions.base)
        self.theirs = self._box("Theirs (central record)", versions.theirs)
        self.mine = self._box("Yours", versions.mine)
        self.edited = QPlainTextEdit(field_text(versions.mine, self.codes), self)
        self.edited.setAccessibleName(f"Edited text for {label(versions.field)}")
        self.edited.setTabChangesFocus(True)
        self.edited.setEnabled(False)
        self.edited.hide()  # until the worker chooses to edit
        self.pick_mine = QRadioButton("Keep &yours", self)
        self.pick_theirs = QRadioButton("Keep &theirs", self)
        self.pick_edit = QRadioButton("&Edit", self)
        self.group = QButtonGroup(self)
        for i, button in enumerate((self.pick_mine, self.pick_theirs, self.pick_edit)):
            button.setAccessibleName(
                f"{button.text().replace('&', '')} for {label(versions.field)}"
            )
            self.group.addButton(button, i)
        self.pick_edit.toggled.connect(self.edited.setEnabled)
        self.pick_edit.toggled.connect(self.edited.setVisible)
        grid.addWidget(QLabel("Before either change", self), 0, 0)
        grid.addWidget(QLabel("Theirs (central record)", self), 0, 1)
        grid.addWidget(QLabel("Yours", self), 0, 2)
        grid.addWidget(self.base, 1, 0)
        grid.addWidget(self.theirs, 1, 1)
        grid.addWidget(self.mine, 1, 2)
        choices = QHBoxLayout()
        for button in (self.pick_theirs, self.pick_mine, self.pick_edit):
            choices.addWidget(button)
        choices.addStretch(1)
        grid.addLayout(choices, 2, 0, 1, 3)
        grid.addWidget(self.edited, 3, 0, 1, 3)
        self.show_base(False)

    def _box(self, name: str, value: Any) -> QPlainTextEdit:
        box = QPlainTextEdit(field_text(value, self.codes), self)
        box.setReadOnly(True)
        box.setAccessibleName(f"{name}: {label(self.versions.field)}")
        box.setMaximumHeight(120)
        return box

    def show_base(self, on: bool) -> None:
        self.base.setVisible(on)
        layout = self.layout()
        assert isinstance(layout, QGridLayout)
        item = layout.itemAtPosition(0, 0)
        caption = item.widget() if item else None
        if caption is not None:
            caption.setVisible(on)

    def choice(self) -> Any:
        if self.pick_mine.isChecked():
            return "mine"
        if self.pick_theirs.isChecked():
            return "theirs"
        if self.pick_edit.isChecked():
            versions = self.versions
            return (
                "edited",
                edited_value(versions.field, self.edited.toPlainText(), versions.mine, self.codes),
            )
        return None

    def set_enabled_choices(self, on: bool) -> None:
        for button in (self.pick_mine, self.pick_theirs, self.pick_edit):
            button.setEnabled(on)
        self.edited.setEnabled(on and self.pick_edit.isChecked())


ADDENDUM_WHY = (
    "The note was finalised on another laptop and can no longer change: what you"
    " wrote is kept as an addendum to it."
)


class ConflictsView(ReviewView):
    #: a conflict was resolved (record id); the resolution waits in the outbox
    sig_resolved = Signal(str)
    #: a conflict's fields are shown (record id)
    sig_opened = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(
            ctx, parent, name="Conflicts", list_name="Records in conflict",
            intro="Someone else changed these records while you did. For each field, keep "
            "yours, keep theirs, or edit a version that combines them — then send. "
            "“Yours” includes anything you typed after the conflict arose.",
            empty=("<h3>No conflicts</h3><p>Everything you changed on this laptop has been"
                   " combined with the central record.</p>", "No conflicts"),
            problem="Resolution problem", fields_name="Conflicting fields",
        )  # fmt: skip
        self.setObjectName("conflicts")
        self.as_addendum = QCheckBox("Keep yours as an &addendum (recommended)", self)
        self.as_addendum.setAccessibleName("Keep yours as an addendum")
        # The reason under the box, wrapped: a check box's text never wraps,
        # and a long one widened the window past a laptop's screen.
        self.as_addendum.setToolTip(ADDENDUM_WHY)
        self.as_addendum.setAccessibleDescription(ADDENDUM_WHY)
        self.addendum_why = QLabel(ADDENDUM_WHY, self)
        self.addendum_why.setObjectName("hint")
        self.addendum_why.setWordWrap(True)
        self.as_addendum.toggled.connect(self._addendum_toggled)
        self.as_addendum.hide()
        self.addendum_why.hide()
        self.with_base = QCheckBox("Show the version &before either change", self)
        self.with_base.setAccessibleName("Show base version")
        self.with_base.toggled.connect(self._toggle_base)
        self.send = QPushButton("&Send resolution", self)
        self.send.setAccessibleName("Send resolution")
        self.send.clicked.connect(self._resolve)
        self.send.setEnabled(False)
        send_row = QHBoxLayout()
        send_row.addStretch(1)
        send_row.addWidget(self.send)
        self.lay_out([self.as_addendum, self.addendum_why, self.with_base], send_row)
        self.choices: list[FieldChoice] = []
        self.record_id: str | None = None
        self.conflicts: dict[str, Conflict] = {}
        self._show_fields(None, [])

    def read(self, repo: CaseRepository) -> list[Conflict]:
        return list_conflicts(repo)

    def shown(self, rows: list[Conflict]) -> None:
        self.conflicts = {c.record_id: c for c in rows}
        items = []
        for conflict in rows:
            n = len(conflict.fields)
            what = "final note" if conflict.final_note else f"{n} field{'' if n == 1 else 's'}"
            items.append((f"{conflict.child_name} — {kind_label(conflict.kind)} ({what})",
                          conflict.record_id, ""))  # fmt: skip
        self.show_items(items)

    def show_nothing(self) -> None:
        self._show_fields(None, [])

    def opened(self, key: str | None) -> None:
        if key is None:
            return
        repo = self.ctx.session.repo
        self.ctx.db(lambda: conflict_fields(repo, key)).success(
            lambda fields: self._show_fields(key, fields)
        ).run()

    def _show_fields(self, record_id: str | None, fields: list[FieldVersions]) -> None:
        self.record_id = record_id
        kind = self.conflicts[record_id].kind if record_id in self.conflicts else "child"
        self.choices = [FieldChoice(kind, v, self.fields_box) for v in fields]
        for choice in self.choices:
            choice.show_base(self.with_base.isChecked())
        self.show_boxes(self.choices)
        conflict = self.conflicts.get(record_id) if record_id is not None else None
        final = conflict is not None and conflict.final_note
        self.as_addendum.setVisible(final)
        self.addendum_why.setVisible(final)
        self.as_addendum.setChecked(final)  # the default for a final note
        self._addendum_toggled(self.as_addendum.isChecked())
        self.with_base.setVisible(bool(fields))
        # A conflict whose fields no longer collide still needs sending.
        self.send.setEnabled(record_id is not None)
        if record_id is not None:
            self.sig_opened.emit(record_id)

    def _addendum_toggled(self, on: bool) -> None:
        for choice in self.choices:
            choice.set_enabled_choices(not on)
        self.send.setText("&Send: keep yours as an addendum" if on else "&Send resolution")
        self.send.setAccessibleName(self.send.text().replace("&", ""))

    def _toggle_base(self, on: bool) -> None:
        for choice in self.choices:
            choice.show_base(on)

    def _resolve(self) -> None:
        if self.record_id is None:
            return
        record_id = self.record_id
        if self.as_addendum.isVisible() and self.as_addendum.isChecked():
            self._send(lambda repo: keep_mine_as_addendum(repo, record_id))
            return
        try:
            picked = {c.versions.field: c.choice() for c in self.choices}
        except RecordInvalid as exc:
            field_message(self.error, exc)
            return
        undecided = [label(f) for f, v in picked.items() if v is None]
        if undecided:
            show_message(
                self.error, "Choose yours, theirs or an edited text for: " + ", ".join(undecided)
            )
            return
        self._send(lambda repo: resolve(repo, record_id, picked))

    def _send(self, fn: Any) -> None:
        record_id = self.record_id
        self.settle(fn, lambda: self.sig_resolved.emit(record_id))
