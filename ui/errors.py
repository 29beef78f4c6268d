"""Expected errors shown kindly; bugs shown as a crash note without case data.

The core raises `UserError`, `SyncError` and `RecordInvalid` with plain
messages that never contain case content. Anything else is a bug: the worker
is told that their notes are safe and what to do, and the traceback goes to
the log with only its frame locations (never local values or the message,
which could quote a note).
"""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType

from PySide6.QtWidgets import QMessageBox, QWidget

from desktop.errors import UserError
from desktop.logs import current_log_path
from sync.errors import RecordInvalid, SyncError

log = logging.getLogger(__name__)

CRASH_TEXT = (
    "Something went wrong inside Caseworker. Everything you saved is kept "
    "on this laptop, encrypted. If it happens again, tell your IT service "
    "desk what you were doing."
)


def is_expected(exc: BaseException) -> bool:
    return isinstance(exc, UserError | SyncError | RecordInvalid)


def crash_text() -> str:
    """The bug dialog's text: what to do, and where the log for the desk is."""
    path = current_log_path()
    if path is None:
        return CRASH_TEXT
    return (
        f"{CRASH_TEXT}\n\nThe service desk may ask for the log file "
        f"(it holds no case details):\n{path}"
    )


def user_message(exc: BaseException) -> str:
    """The sentence to show a worker for `exc`."""
    if isinstance(exc, UserError | SyncError | RecordInvalid):
        return exc.message
    return CRASH_TEXT


def log_bug(exc: BaseException) -> None:
    """Log where a bug happened: exception type and frames, not its text."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = " <- ".join(
        f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno} {f.name}" for f in frames[::-1]
    )
    log.error("unexpected %s at %s", type(exc).__name__, where)


def show_error(parent: QWidget | None, exc: BaseException, title: str = "Caseworker") -> None:
    """One place that turns an exception into something a worker can act on."""
    if not is_expected(exc):
        log_bug(exc)
        QMessageBox.critical(parent, title, crash_text())
        return
    QMessageBox.warning(parent, title, user_message(exc))


def install_excepthook(parent_getter=lambda: None) -> None:
    """Uncaught exceptions in slots end here instead of aborting the process
    (PySide6 otherwise prints them, with their message, to stderr)."""

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        exc.__traceback__ = tb
        show_error(parent_getter(), exc)

    sys.excepthook = hook
