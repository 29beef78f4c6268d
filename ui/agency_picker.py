"""Choosing who may see a record: "Seen only by" some agencies, or everyone
who holds the child (`sync.kinds.restriction`).

A button that opens a menu of the agencies, each one ticked or not; the
button reads what is chosen ("Police, Children's social care") so the form
says it without opening anything. Keyboard: Space or Enter opens the
menu, arrows move, Space or Enter ticks, Escape closes it. The worker's
own agency is not known to the laptop: the central record refuses a
restriction that leaves it out, naming the field.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QHBoxLayout, QMenu, QToolButton, QWidget

from sync.kinds.common import Agency
from sync.kinds.restriction import WORDS, agency_words

EVERYONE = "Everyone who holds the child"


class AgencyPicker(QWidget):
    """The agencies a record is restricted to: `value()` is their codes in
    the declared order, or None for no restriction."""

    #: the worker ticked or unticked an agency
    sig_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.button = QToolButton(self)
        self.button.setAccessibleName(WORDS)
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.menu = QMenu(self.button)
        self.menu.setAccessibleName(f"{WORDS}: agencies")
        self.actions_by_code: dict[str, QAction] = {}
        for agency in Agency:
            action = QAction(agency.words, self.menu)
            action.setCheckable(True)
            action.toggled.connect(self._toggled)
            self.menu.addAction(action)
            self.actions_by_code[agency.value] = action
        self.button.setMenu(self.menu)
        self.setFocusProxy(self.button)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.button)
        layout.addStretch(1)
        self._show_choice()

    def value(self) -> list[str] | None:
        chosen = [code for code, action in self.actions_by_code.items() if action.isChecked()]
        return chosen or None

    def set_value(self, value: Any) -> None:
        """Show a stored restriction (not counted as an edit)."""
        chosen = set(value or [])
        for code, action in self.actions_by_code.items():
            blocked = action.blockSignals(True)
            action.setChecked(code in chosen)
            action.blockSignals(blocked)
        self._show_choice()

    def text(self) -> str:
        return self.button.text()

    def _toggled(self, _checked: bool) -> None:
        self._show_choice()
        self.sig_changed.emit()

    def _show_choice(self) -> None:
        chosen = self.value()
        words = ", ".join(agency_words(c) for c in chosen) if chosen else EVERYONE
        self.button.setText(words)
        self.button.setToolTip(f"{WORDS}: {words}")
        self.button.setAccessibleDescription(f"{WORDS}: {words}")
