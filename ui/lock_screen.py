"""The lock screen: the only thing the window shows while the vault is locked.

It replaces the window's content rather than sitting on top of it, so a
locked laptop shows no case data behind a dialog. It is also what the app
opens on.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.widgets import message_label

FORGOT_TEXT = (
    "Forgotten your passphrase? Notes on this laptop are not lost: while "
    "online, sign in with your worker password and a recovery code from your "
    "council's administrator to set a new passphrase."
)


def forgot_text(provider_name: str | None) -> str:
    if not provider_name:
        return FORGOT_TEXT
    return (
        "Forgotten your passphrase? Notes on this laptop are not lost: while "
        f"online, sign in with {provider_name} to set a new passphrase."
    )


class LockScreen(QWidget):
    """Passphrase entry with the attempts left and the wipe warning."""

    #: the worker pressed Unlock (the passphrase typed)
    sig_unlock = Signal(str)
    #: the worker pressed "Forgot passphrase?"
    sig_forgot = Signal()

    def __init__(
        self,
        worker: str | None,
        parent: QWidget | None = None,
        *,
        reason: str = "",
        provider_name: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("lockScreen")
        self.setAccessibleName("Caseworker is locked")

        card = QFrame(self)
        card.setObjectName("lockCard")
        card.setMaximumWidth(460)
        title = QLabel("Caseworker is locked", card)
        title.setObjectName("heading")
        who = QLabel(f"Signed in as {worker}" if worker else "", card)
        who.setAccessibleName("Worker")
        # Why the work went away: idle, or the worker locked it ("" at start).
        self.reason = QLabel(reason, card)
        self.reason.setAccessibleName("Why it locked")
        self.reason.setVisible(bool(reason))

        self.passphrase = QLineEdit(card)
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName("Passphrase")
        self.passphrase.setPlaceholderText("Your passphrase")
        self.passphrase.returnPressed.connect(self._submit)

        self.unlock_button = QPushButton("&Unlock", card)
        self.unlock_button.setAccessibleName("Unlock")
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self._submit)

        self.message = message_label(card, "Unlock message")

        # Everyday unlock is the passphrase, offline; the identity provider
        # (when the council has one) only for a forgotten one.
        forgot = QLabel(forgot_text(provider_name), card)
        forgot.setWordWrap(True)
        forgot.setObjectName("hint")
        self.forgot_button = QPushButton("&Forgot passphrase?", card)
        self.forgot_button.setAccessibleName("Forgot passphrase")
        self.forgot_button.clicked.connect(self.sig_forgot)

        form = QFormLayout()
        form.addRow("&Passphrase:", self.passphrase)
        inner = QVBoxLayout(card)
        inner.addWidget(title)
        inner.addWidget(self.reason)
        inner.addWidget(who)
        inner.addLayout(form)
        inner.addWidget(self.message)
        inner.addWidget(self.unlock_button, alignment=Qt.AlignmentFlag.AlignRight)
        inner.addWidget(forgot)
        inner.addWidget(self.forgot_button, alignment=Qt.AlignmentFlag.AlignLeft)

        # Centred by stretches, not by alignment: an aligned widget gets only
        # its size hint, which clipped the wrapped text at the bottom.
        card.setMinimumWidth(420)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card, 2)
        row.addStretch(1)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)
        self.setFocusProxy(self.passphrase)

    def _submit(self) -> None:
        text = self.passphrase.text()
        if not text:
            self.show_message("Type your passphrase, then press Enter.")
            return
        self.set_busy(True)
        self.sig_unlock.emit(text)

    def set_busy(self, busy: bool) -> None:
        self.passphrase.setEnabled(not busy)
        self.unlock_button.setEnabled(not busy)
        self.unlock_button.setText("Unlocking…" if busy else "&Unlock")

    def show_message(self, text: str) -> None:
        """A failure (wrong passphrase with attempts left, a keyring problem)."""
        self.set_busy(False)
        self.message.setText(text)
        self.message.show()
        self.passphrase.clear()
        self.passphrase.setFocus()

    def show_attempts(self, attempts_left: int) -> None:
        """Before any failure: warn only when the next mistake is the last."""
        if attempts_left <= 1:
            self.message.setText(
                "Warning: one more wrong passphrase erases the case data on this laptop."
            )
            self.message.show()
