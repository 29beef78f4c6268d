"""Break-the-glass on screen: find a child who is not on the caseload and
open their record for a time, stating why (online only).

The dialog asks and says what went wrong at the field concerned; the
central record decides (policy, restriction) and its refusal is shown in
its own words. Once granted, the child is synced whole and the window opens
it, marked "Temporary access — ends …" (desktop.temporary_access).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QWidget,
)

from desktop import temporary_access
from sync.wire import ChildSearch, ChildSearchResult, TemporaryAccess
from ui.errors import worker_message
from ui.tasks import Online
from ui.text import day_text
from ui.widgets import DateField, button, line_edit, message_label, show_message, text_edit

EXPLAINED = (
    "Open the record of a child who is not on your caseload, for example on duty. "
    "Your reason is recorded with your name and shown to the coordinators and to "
    "the child's manager. The record leaves this laptop when the access ends; "
    "anything you write meanwhile is sent first."
)
REASON_MIN = 10  # the central record's rule (TemporaryAccessRequest)
NOTHING_TO_FIND = "Type a name, a date of birth or an NHS number to find the child."
NAME_TOO_SHORT = "Name: type at least 2 letters."
REASON_TOO_SHORT = f"Reason: say why you need this record ({REASON_MIN} characters or more)."
CHOOSE = "Choose the child from the list first."
NONE_FOUND = "No child off your caseload matches. Check the spelling or try the date of birth."
MORE = "More children match than are shown: add the date of birth or NHS number."


def found_text(name: str, born: Any, area: str | None) -> str:
    """'Ellis Moreno · born Tue 03 Mar 2011 · North' (only what tells children apart)."""
    parts = [name, f"born {day_text(born)}"]
    return " · ".join(parts + ([area] if area else []))


class TemporaryAccessDialog(QDialog):
    #: the child was granted and has arrived on the laptop (child id)
    sig_opened = Signal(str)
    #: the central record answered a search (found, none, or refused)
    sig_answered = Signal()

    def __init__(self, online: Online, now: Callable, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._online = online
        self.setWindowTitle("Open a child not on my caseload")
        self.setAccessibleName("Open a child not on my caseload")
        explained = QLabel(EXPLAINED, self)
        explained.setWordWrap(True)
        self.name = line_edit(self, "Name")
        self.born = DateField("Date of birth", with_time=False, optional=True, now=now,
                              parent=self)  # fmt: skip
        self.nhs = line_edit(self, "NHS number")
        self.find_button = button(self, "&Find", "Find the child", self._search)
        self.find_error = message_label(self, "Finding problem")
        self.results = QListWidget(self)
        self.results.setAccessibleName("Children found")
        self.results.setMinimumHeight(90)
        self.reason = text_edit(self, "Reason", height=72)
        self.reason_error = message_label(self, "Reason problem")
        self.error = message_label(self, "Opening problem")
        self.buttons = QDialogButtonBox(self)
        self.go = self.buttons.addButton("&Open the record", QDialogButtonBox.ButtonRole.AcceptRole)
        self.go.setAccessibleName("Open the record")
        cancel = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAccessibleName("Cancel")
        self.buttons.accepted.connect(self._open)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(explained)
        form.addRow("&Name:", self.name)
        form.addRow("Date of &birth:", self.born)
        form.addRow("NHS n&umber:", self.nhs)
        form.addRow("", self.find_button)
        form.addRow("", self.find_error)
        form.addRow("&Children found:", self.results)
        form.addRow("&Reason:", self.reason)
        form.addRow("", self.reason_error)
        form.addRow(self.error)
        form.addRow(self.buttons)
        self.resize(560, self.sizeHint().height())
        self._busy(False)

    def _busy(self, on: bool) -> None:
        self.find_button.setEnabled(not on)
        self.go.setEnabled(not on and self.results.count() > 0)

    def _ask(self) -> ChildSearch | None:
        name, nhs = self.name.text().strip(), self.nhs.text().strip()
        born = self.born.value()
        if not (name or nhs or born):
            show_message(self.find_error, NOTHING_TO_FIND)
            return None
        if name and len(name) < 2:
            show_message(self.find_error, NAME_TOO_SHORT)
            return None
        return ChildSearch(name=name or None, date_of_birth=born, nhs_number=nhs or None)

    def _search(self) -> None:
        for label in (self.find_error, self.error):
            show_message(label, "")
        ask = self._ask()
        if ask is None:
            return
        self._busy(True)
        self._online(lambda engine: temporary_access.search(engine, ask)).success(
            self._found
        ).failure(self._failed(self.find_error)).run()

    def _found(self, result: ChildSearchResult) -> None:
        self.results.clear()
        for child in result.children:
            item = QListWidgetItem(found_text(child.name, child.date_of_birth, child.area))
            item.setData(Qt.ItemDataRole.UserRole, str(child.child_id))
            self.results.addItem(item)
        if result.children:
            self.results.setCurrentRow(0)
        show_message(
            self.find_error, MORE if result.more else "" if result.children else NONE_FOUND
        )
        self._busy(False)
        self.sig_answered.emit()

    def _open(self) -> None:
        for label in (self.reason_error, self.error):
            show_message(label, "")
        item = self.results.currentItem()
        if item is None:
            show_message(self.error, CHOOSE)
            return
        reason = self.reason.toPlainText().strip()
        if len(reason) < REASON_MIN:
            show_message(self.reason_error, REASON_TOO_SHORT)
            self.reason.setFocus()
            return
        child_id = str(item.data(Qt.ItemDataRole.UserRole))
        self._busy(True)
        self._online(lambda engine: temporary_access.open_child(engine, child_id, reason)).success(
            self._granted
        ).failure(self._failed(self.error)).run()

    def _granted(self, grant: TemporaryAccess) -> None:
        self.sig_opened.emit(str(grant.child_id))
        self.accept()

    def _failed(self, label: QLabel) -> Callable[[BaseException], None]:
        def show(exc: BaseException) -> None:
            # The central record's refusal (policy, restriction) in its words;
            # offline: that this needs a connection. Never the reason typed.
            show_message(label, worker_message(exc))
            self._busy(False)
            if label is self.find_error:
                self.sig_answered.emit()

        return show
