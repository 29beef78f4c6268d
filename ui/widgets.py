"""The form pieces every screen builds with: named fields (dates, combos,
texts), buttons and labelled rows, and the one error label — where a form
says what went wrong, naming the field in the form's words.

Times are edited and shown as wall time in England (as the due-date rules
count them) and stored as ISO text with the offset.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from enum import Enum
from typing import Any, cast

from PySide6.QtCore import QDate, QDateTime, QTime, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from desktop.england import ENGLAND
from sync.errors import RecordInvalid
from ui.errors import not_saved_text, problem_parts, worker_message
from ui.fitting import ShrinkingCombo
from ui.labels import choices
from ui.text import NOT_RECORDED, as_moment

YES_NO: list[tuple[str, Any]] = [("Yes", True), ("No", False)]
_SENTINEL = QDateTime(QDate(1900, 1, 1), QTime(0, 0))  # shown as "Not recorded"


class DateField(QWidget):
    """A date or date-and-time. Optional ones carry a 'recorded' check box:
    unticked means no value (and the edit says "Not recorded")."""

    #: the worker changed the value
    sig_changed = Signal()

    def __init__(
        self,
        name: str,
        *,
        with_time: bool,
        optional: bool,
        now: Callable[[], datetime],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.with_time, self._now = with_time, now
        self.edit = QDateTimeEdit(self) if with_time else QDateEdit(self)
        self.edit.setDisplayFormat("ddd dd MMM yyyy HH:mm" if with_time else "ddd dd MMM yyyy")
        self.edit.setCalendarPopup(True)
        self.edit.setAccessibleName(name)
        self.setAccessibleName(name)  # the field's words in error messages
        self.edit.setMinimumDateTime(_SENTINEL)
        self.edit.setSpecialValueText(NOT_RECORDED)
        self.edit.dateTimeChanged.connect(self.sig_changed)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.check: QCheckBox | None = None
        if optional:
            self.check = QCheckBox(self)
            self.check.setAccessibleName(f"{name} recorded")
            self.check.setToolTip(f"Tick to record {name.lower()}")
            self.check.toggled.connect(self._toggled)
            row.addWidget(self.check)
            self.setFocusProxy(self.check)
        else:
            self.setFocusProxy(self.edit)
        row.addWidget(self.edit, 1)
        self.set_value(None)

    def _toggled(self, on: bool) -> None:
        self.edit.setEnabled(on)
        if on and self.edit.dateTime() == _SENTINEL:
            self._show(self._now())
        elif not on:
            self.edit.setDateTime(_SENTINEL)
        self.sig_changed.emit()

    def _show(self, moment: datetime) -> None:
        local = moment.astimezone(ENGLAND) if moment.tzinfo else moment
        self.edit.setDateTime(QDateTime(QDate(local.year, local.month, local.day),
                                        QTime(local.hour, local.minute)))  # fmt: skip

    def set_value(self, value: str | date | None) -> None:
        blocked = self.blockSignals(True)
        if self.check is not None:
            self.check.blockSignals(True)
            self.check.setChecked(bool(value))
            self.check.blockSignals(False)
            self.edit.setEnabled(bool(value))
        if not value:
            if self.check is None:
                self._show(self._now())
            else:
                self.edit.setDateTime(_SENTINEL)
        elif self.with_time:
            self._show(cast(datetime, as_moment(value)))
        else:
            day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
            self._show(datetime(day.year, day.month, day.day))
        self.blockSignals(blocked)

    def value(self) -> str | None:
        """ISO text (a date, or a time with England's offset); None when not recorded."""
        if self.check is not None and not self.check.isChecked():
            return None
        # PySide types toPython() as object; a QDateTime gives a datetime.
        shown = cast(datetime, self.edit.dateTime().toPython())
        if not self.with_time:
            return shown.date().isoformat()
        return shown.replace(second=0, microsecond=0, tzinfo=ENGLAND).isoformat()


# -- factories ------------------------------------------------------------------


def combo(
    parent: QWidget, name: str, items: Sequence[tuple[str, Any]] | type[Enum], *, blank: bool
) -> QComboBox:
    """A named combo of (words, value); `blank` adds "Not recorded" (None) first."""
    box = ShrinkingCombo(parent)
    box.setAccessibleName(name)
    if blank:
        box.addItem(NOT_RECORDED, None)
    for text, value in choices(items) if isinstance(items, type) else items:
        box.addItem(text, value)
    return box


def set_combo(box: QComboBox, value: Any) -> None:
    box.setCurrentIndex(max(0, box.findData(value)))


def text_edit(parent: QWidget, name: str, height: int = 64) -> QPlainTextEdit:
    edit = QPlainTextEdit(parent)
    edit.setAccessibleName(name)
    edit.setTabChangesFocus(True)  # Tab moves on; the keyboard path stays simple
    edit.setMinimumHeight(height)
    return edit


def line_edit(parent: QWidget, name: str) -> QLineEdit:
    edit = QLineEdit(parent)
    edit.setAccessibleName(name)
    return edit


def button(parent: QWidget, text: str, name: str, slot: Callable[[], object]) -> QPushButton:
    push = QPushButton(text, parent)
    push.setAccessibleName(name)
    push.clicked.connect(lambda _checked=False: slot())  # never pass `checked` on
    return push


def add_row(form: QFormLayout, title: str, widget: QWidget) -> None:
    """A labelled row; the label's mnemonic (&) moves focus to the widget."""
    caption = QLabel(title + ":", form.parentWidget())
    caption.setBuddy(widget)
    form.addRow(caption, widget)


# -- what a form holds -------------------------------------------------------------
# A field widget is a QComboBox, QPlainTextEdit or QLineEdit, or any widget
# with `value()`, `set_value()` and `sig_changed` (DateField, a parts editor).


def watch(widgets: Sequence[QWidget], slot: Callable[[], None]) -> None:
    """Call `slot` whenever the worker changes any of `widgets`."""
    for w in widgets:
        if isinstance(w, QPlainTextEdit):
            w.textChanged.connect(slot)
        elif isinstance(w, QLineEdit):
            w.textEdited.connect(slot)
        elif isinstance(w, QComboBox):
            w.activated.connect(slot)
        elif hasattr(w, "sig_changed"):
            w.sig_changed.connect(slot)


def widget_value(widget: QWidget) -> Any:
    """What a form widget holds, as stored: None for empty."""
    if isinstance(widget, QComboBox):
        return widget.currentData()
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText() or None
    if isinstance(widget, QLineEdit):
        return widget.text().strip() or None
    return cast(Any, widget).value()


def show_value(widget: QWidget, value: Any) -> None:
    """Put a stored value in a form widget without counting it as an edit."""
    blocked = widget.blockSignals(True)
    if isinstance(widget, QComboBox):
        set_combo(widget, value)
    elif isinstance(widget, QPlainTextEdit):
        widget.setPlainText(value or "")
    elif isinstance(widget, QLineEdit):
        widget.setText("" if value is None else str(value))
        widget.setCursorPosition(0)  # a long value shows its start, not its end
    else:
        cast(Any, widget).set_value(value)
    widget.blockSignals(blocked)


def confirm_discard(parent: QWidget, title: str, question: str) -> bool:
    """Ask before anything typed is dropped: Discard, or Cancel (the default)."""
    answer = QMessageBox.question(
        parent,
        title,
        question,
        QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel,
    )
    return answer == QMessageBox.StandardButton.Discard


# -- the error label -------------------------------------------------------------


def message_label(parent: QWidget, name: str) -> QLabel:
    """The label where a form or page says what went wrong (hidden when empty)."""
    label = QLabel("", parent)
    label.setObjectName("fieldError")
    label.setAccessibleName(name)
    label.setWordWrap(True)
    label.hide()
    return label


def show_message(label: QLabel, text: str) -> None:
    """Say `text` at a message label; nothing ('') hides it."""
    label.setText(text)
    label.setVisible(bool(text))


def field_message(label: QLabel, exc: BaseException) -> None:
    """Show a failure at a message label: the field it concerns and the rule,
    never the rejected content (RecordInvalid's message); a bug is logged."""
    show_message(label, worker_message(exc))


def show_invalid(
    label: QLabel,
    exc: BaseException | str,
    fields: dict[str, QWidget],
    *,
    kept: bool = True,
    focus: bool = True,
) -> None:
    """A refused save at the form: "Not saved yet: <the field in the form's
    words> — <what to do>", saying the typing is kept (`kept`: it is, as a
    draft in the vault); with `focus`, focus goes to that field. `exc` is the
    RecordInvalid or a kept draft's problem text."""
    if not isinstance(exc, RecordInvalid | str):
        field_message(label, exc)
        return
    field, rule = problem_parts(exc)
    path, words = field.split("."), field.replace("_", " ")
    for size in range(len(path), 0, -1):
        widget = fields.get(".".join(path[:size]))
        if widget is not None:
            words = widget.accessibleName() or words
            if size < len(path):  # a row of a part: "Vehicles row 1, registration"
                rule = ", ".join(_part_words(path[size:])) + ": " + rule
            if focus:
                widget.setFocus()
            break
    show_message(label, not_saved_text(words, rule, kept=kept))


def _part_words(parts: list[str]) -> list[str]:
    return [f"row {int(p) + 1}" if p.isdigit() else p.replace("_", " ") for p in parts]
