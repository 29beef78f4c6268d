"""The window's "sign in again" banner: the council's identity provider wants
a fresh sign-in before this laptop syncs again (`sign_in_needed`).

Declared states, as the status bar's: asking, waiting for the browser, a
failure in plain words, gone once the central record takes a sync again.
Recording goes on meanwhile; nothing waiting to be sent is lost.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from desktop.sign_in_methods import UNNAMED
from ui.errors import user_message


class Msg:
    asking = "Your council needs you to sign in again to keep syncing."
    waiting = "Finish signing in with {name} in your browser…"
    failed = "{why} Your notes are safe on this laptop and will be sent after you sign in."


class SignInBanner(QFrame):
    #: the worker pressed "Sign in with <council>"
    sig_sign_in = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signInBanner")
        self.setAccessibleName("Sign in again")
        self.text = QLabel(Msg.asking, self)
        self.text.setWordWrap(True)
        self.text.setAccessibleName("Why sync stopped")
        self.button = QPushButton("", self)
        self.button.clicked.connect(self.sig_sign_in)
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 8, 12, 8)
        row.addWidget(self.text, 1)
        row.addWidget(self.button)
        self.waiting = False
        self.hide()

    def ask(self, provider_name: str | None) -> None:
        """Sync was refused until the worker signs in again (a timed sync
        refused while the browser is open leaves the wait as it is)."""
        if self.waiting and self.isVisible():
            return
        name = provider_name or UNNAMED
        self.text.setText(Msg.asking)
        self.button.setText(f"Sign in with {name}")
        self.button.setAccessibleName(f"Sign in with {name}")
        self.button.setEnabled(True)
        self.button.setVisible(provider_name is not None)
        self.show()

    def set_waiting(self, provider_name: str) -> None:
        self.waiting = True
        self.text.setText(Msg.waiting.format(name=provider_name))
        self.button.setEnabled(False)

    def failed(self, exc: BaseException | str) -> None:
        self.waiting = False
        why = exc if isinstance(exc, str) else user_message(exc)
        self.text.setText(Msg.failed.format(why=why).strip() if why else Msg.asking)
        self.button.setEnabled(True)

    def done(self) -> None:
        self.waiting = False
        self.hide()
