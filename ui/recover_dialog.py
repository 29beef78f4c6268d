"""A forgotten passphrase, from the lock screen: sign in online and choose a
new passphrase (what `caseworker recover` does).

Signing in is "Sign in with <council>" (the council's identity provider, in
the browser) when the council has one, and — where passwords still work —
the worker password with the one-time recovery code the council's
administrator gives out after checking who is asking: the password alone
never gets the data key back.

The dialog only asks and says what went wrong, at the field concerned; the
window runs the recovery (desktop.enrolment) and unlocks with it.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from desktop.errors import PassphraseRejected
from desktop.provider_sign_in import ProviderSignInFailed
from desktop.sign_in_methods import SignInChoice
from desktop.vault import check_passphrase_rules
from sync.errors import PasswordSignInOff, RateLimited, RecoveryCodeNeeded, SignInRefused
from ui.widgets import field_message, message_label, show_message

EXPLAINED = (
    "The notes on this laptop are not lost. While online, choose a new passphrase, then "
    "sign in with your worker password (the one you use for the central record) and the "
    "recovery code your council's administrator gives you."
)


def explained(choice: SignInChoice) -> str:
    provider = choice.provider
    if provider is None:
        return EXPLAINED
    words = (
        "The notes on this laptop are not lost. While online, choose a new passphrase, "
        f"then sign in with {provider.name} in your browser."
    )
    if choice.password:
        words += (
            " Or use your worker password and the recovery code your council's "
            "administrator gives you."
        )
    return words


class RecoverDialog(QDialog):
    #: the worker asked to recover with a password (worker password,
    #: administrator's recovery code, new passphrase)
    sig_recover = Signal(str, str, str)
    #: the worker asked to recover through the identity provider (new passphrase)
    sig_recover_with_provider = Signal(str)

    def __init__(
        self,
        worker: str | None,
        parent: QWidget | None = None,
        *,
        choice: SignInChoice | None = None,
    ) -> None:
        super().__init__(parent)
        self.choice = choice = choice or SignInChoice(provider=None, password=True)
        self.setWindowTitle("Forgotten passphrase")
        self.setAccessibleName("Forgotten passphrase")
        words = QLabel(explained(choice), self)
        words.setWordWrap(True)
        words.setAccessibleName("What to do")
        who = QLabel(worker or "", self)
        who.setAccessibleName("Worker")
        self.password = self._secret("Worker password")
        self.password_error = message_label(self, "Worker password problem")
        self.code = QLineEdit(self)
        self.code.setAccessibleName("Recovery code")
        self.code.setPlaceholderText("From your council's administrator")
        self.code_error = message_label(self, "Recovery code problem")
        self.passwords = choice.provider is None or choice.password
        self.provider_button: QPushButton | None = None
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
        form.addRow(words)
        form.addRow("Worker:", who)
        form.addRow("&New passphrase:", self.first)
        form.addRow("&Again:", self.second)
        form.addRow("", self.passphrase_error)
        if choice.provider is not None:
            self.provider_button = QPushButton(f"{choice.provider.button_text}", self)
            self.provider_button.setAccessibleName(choice.provider.button_text)
            self.provider_button.clicked.connect(self._submit_with_provider)
            form.addRow("", self.provider_button)
        form.addRow("Worker &password:", self.password)
        form.addRow("", self.password_error)
        form.addRow("Recovery &code:", self.code)
        form.addRow("", self.code_error)
        form.addRow(self.error)
        form.addRow(self.buttons)
        for widget in (self.password, self.code):
            form.setRowVisible(widget, self.passwords)
        self.go.setVisible(self.passwords)

    def _secret(self, name: str) -> QLineEdit:
        edit = QLineEdit(self)
        edit.setEchoMode(QLineEdit.EchoMode.Password)
        edit.setAccessibleName(name)
        return edit

    def _new_passphrase(self) -> str | None:
        """The new passphrase, or None with its problem shown."""
        first = self.first.text()
        try:
            check_passphrase_rules(first)
        except PassphraseRejected as exc:
            show_message(self.passphrase_error, exc.message)
            self.first.setFocus()
            return None
        if first != self.second.text():
            show_message(
                self.passphrase_error, "The two passphrases are not the same. Type them again."
            )
            self.second.clear()
            self.second.setFocus()
            return None
        return first

    def _clear_messages(self) -> None:
        for label in (self.password_error, self.code_error, self.passphrase_error, self.error):
            show_message(label, "")

    def _submit(self) -> None:
        self._clear_messages()
        if not self.passwords:
            return
        first = self._new_passphrase()
        if first is None:
            return
        password, code = self.password.text(), self.code.text().strip()
        if not password:
            show_message(self.password_error, "Type your worker password to sign in.")
            self.password.setFocus()
            return
        if not code:
            show_message(
                self.code_error, "Type the recovery code your council's administrator gave you."
            )
            self.code.setFocus()
            return
        self.set_busy(True)
        self.sig_recover.emit(password, code, first)

    def _submit_with_provider(self) -> None:
        self._clear_messages()
        first = self._new_passphrase()
        if first is None:
            return
        self.set_busy(True)
        assert self.choice.provider is not None
        show_message(
            self.error, f"Finish signing in with {self.choice.provider.name} in your browser…"
        )
        self.sig_recover_with_provider.emit(first)

    def set_busy(self, busy: bool) -> None:
        self.go.setEnabled(not busy)
        self.go.setText("Signing in…" if busy else "&Sign in and set passphrase")
        if self.provider_button is not None:
            self.provider_button.setEnabled(not busy)

    def show_failure(self, exc: BaseException) -> None:
        """The recovery failed: say so at the field it concerns."""
        self.set_busy(False)
        show_message(self.error, "")
        if isinstance(exc, RecoveryCodeNeeded):
            show_message(self.code_error, exc.message)
            self.code.clear()
            self.code.setFocus()
        elif isinstance(exc, ProviderSignInFailed):
            show_message(self.error, exc.message)
        elif isinstance(exc, SignInRefused | RateLimited | PasswordSignInOff) and self.passwords:
            show_message(self.password_error, exc.message)
            self.password.clear()
            self.password.setFocus()
        elif isinstance(exc, PassphraseRejected):
            show_message(self.passphrase_error, exc.message)
            self.first.setFocus()
        else:
            # Unreachable, no network, certificate: the worker's words from the error.
            field_message(self.error, exc)
