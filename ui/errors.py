"""Expected errors shown kindly; bugs shown as a crash note without case data;
a refused save said in the form's words (`not_saved_text`).

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
from desktop.rule_words import problem_text, what_to_do
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
    """The sentence to show a worker for `exc`: a refused field named in
    words, with what to do (a form names it as it labels it: `show_invalid`)."""
    if isinstance(exc, RecordInvalid):
        field, rule = problem_parts(exc)
        return problem_text(field, rule).rstrip(".") + "."
    if isinstance(exc, UserError | SyncError):
        return exc.message
    return CRASH_TEXT


def worker_message(exc: BaseException) -> str:
    """The sentence a form or page shows for a failed action; a bug is
    logged first (where it happened, never what it said)."""
    if not is_expected(exc):
        log_bug(exc)
    return user_message(exc)


def log_bug(exc: BaseException) -> None:
    """Log where a bug happened: exception type and frames, not its text."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = " <- ".join(
        f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno} {f.name}" for f in frames[::-1]
    )
    log.error("unexpected %s at %s", type(exc).__name__, where)


# -- a refused save, in the form's words -------------------------------------------

KEPT = "Your typing is kept on this laptop."


def problem_parts(exc: BaseException | str) -> tuple[str, str]:
    """(field path, rule) of a refused save; the path is '' when none is named."""
    if isinstance(exc, RecordInvalid):
        field, message = exc.field, exc.message
    else:
        field, message = "", str(exc)
        head, sep, _ = message.partition(": ")
        if sep and " " not in head:
            field = head
    return field, message.removeprefix(field + ": ") if field else message


def not_saved_text(words: str, rule: str, *, kept: bool = True) -> str:
    """'Not saved yet: Observations — make it shorter: … Your typing is kept
    on this laptop.' `words` names the field as the form does."""
    head = f"{words} — {what_to_do(rule)}" if words else what_to_do(rule)
    return f"Not saved yet: {head}." + (f" {KEPT}" if kept else "")


# -- dialogs -------------------------------------------------------------------------


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
