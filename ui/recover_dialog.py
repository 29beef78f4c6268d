"""A forgotten passphrase, from the lock screen: sign in online with the
worker password and choose a new passphrase (what `caseworker recover` does).

The dialog only asks and says what went wrong, at the field concerned; the
window runs the recovery (desktop.enrolment.recover) and unlocks with it.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from desktop.errors import PassphraseRejected
from desktop.vault import check_passphrase_rules
from sync.errors import RateLimited, SignInRefused
from ui.widgets import field_message, message_label, show_message

EXPLAINED = (
    "The notes on this laptop are not lost. While online, sign in with your worker "
    "password (the one you use for the central record) and choose a new passphrase."
)


class RecoverDialog(QDialog):
    #: the worker asked to recover (worker password, new passphrase)
    sig_recover = Signal(str, str)

    def __init__(self, worker: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Forgotten passphrase")
        self.setAccessibleName("Forgotten passphrase")
        explained = QLabel(EXPLAINED, self)
        explained.setWordWrap(True)
        who = QLabel(worker or "", self)
        who.setAccessibleName("Worker")
        self.password = self._secret("Worker password")
        self.password_error = message_label(self, "Worker password problem")
        self.first = self._secret("New passphrase")
        self.second = self._secret("New passphrase again")
        self.passphrase_error = message_label(self, "Passphrase problem")
        self.error = message_label(self, "Recovery problem")
        self.buttons = QDialogButtonBox(self)
        self.go = self.buttons.addButton(
            "&Sign in and set passphrase", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.go.setAccessibleName("Sign in and set passphrase")
        cancel = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAccessibleName("Cancel")
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(explained)
        form.addRow("Worker:", who)
        form.addRow("Worker &password:", self.password)
        form.addRow("", self.password_error)
        form.addRow("&New passphrase:", self.first)
        form.addRow("&Again:", self.second)
        form.addRow("", self.passphrase_error)
        form.addRow(self.error)
        form.addRow(self.buttons)

    def _secret(self, name: str) -> QLineEdit:
        edit = QLineEdit(self)
        edit.setEchoMode(QLineEdit.EchoMode.Password)
        edit.setAccessibleName(name)
        return edit

    def _submit(self) -> None:
        for label in (self.password_error, self.passphrase_error, self.error):
            show_message(label, "")
        password, first = self.password.text(), self.first.text()
        if not password:
            show_message(self.password_error, "Type your worker password to sign in.")
            self.password.setFocus()
            return
        try:
            check_passphrase_rules(first)
        except PassphraseRejected as exc:
            show_message(self.passphrase_error, exc.message)
            self.first.setFocus()
            return
        if first != self.second.text():
            show_message(
                self.passphrase_error, "The two passphrases are not the same. Type them again."
            )
            self.second.clear()
            self.second.setFocus()
            return
        self.set_busy(True)
        self.sig_recover.emit(password, first)

    def set_busy(self, busy: bool) -> None:
        self.go.setEnabled(not busy)
        self.go.setText("Signing in…" if busy else "&Sign in and set passphrase")

    def show_failure(self, exc: BaseException) -> None:
        """The recovery failed: say so at the field it concerns."""
        self.set_busy(False)
        if isinstance(exc, SignInRefused | RateLimited):
            show_message(self.password_error, exc.message)
            self.password.clear()
            self.password.setFocus()
        elif isinstance(exc, PassphraseRejected):
            show_message(self.passphrase_error, exc.message)
            self.first.setFocus()
        else:
            # Unreachable, no network, certificate: the worker's words from the error.
            field_message(self.error, exc)
