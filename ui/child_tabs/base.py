"""What every tab of a child's record shares."""

from __future__ import annotations

import re
from typing import ClassVar

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QWidget

from sync.errors import RecordInvalid
from ui.context import AppContext
from ui.errors import is_expected, log_bug, user_message


class ChildTab(QWidget):
    """One tab of the child's record.

    `load(child_id)` is called when the child is opened and whenever the
    child's records change; it reads through `ctx.db` and fills the widgets
    in the success callback. `flush()` stores anything typed and not yet
    saved; it is called before the window locks or closes and may block
    briefly (it runs the save on the database thread and waits).
    """

    title: ClassVar[str] = ""
    #: the tab read its records and filled its widgets
    sig_loaded = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.child_id: str | None = None
        self.setAccessibleName(self.title)

    def load(self, child_id: str) -> None:
        self.child_id = child_id

    def flush(self) -> None:
        """Save unsaved typing now. Default: nothing is ever unsaved."""


def field_message(label: QLabel, exc: BaseException) -> None:
    """Show a save failure in a form's message label: the field it concerns
    and the rule, never the rejected content (RecordInvalid's message)."""
    if isinstance(exc, RecordInvalid):
        text = exc.message
    elif is_expected(exc):
        text = user_message(exc)
    else:
        log_bug(exc)
        text = user_message(exc)
    label.setText(text)
    label.setVisible(bool(text))


KEPT = "Your typing is kept on this laptop."
_TOO_LONG = re.compile(r"String should have at most (\d+) characters?")
_TOO_SHORT = re.compile(r"String should have at least 1 character")


def what_to_do(rule: str) -> str:
    """A schema's rule as something the worker can act on ("make it
    shorter: …"); rules already written for workers are kept as they are."""
    rule = rule.strip().rstrip(".")
    if match := _TOO_LONG.fullmatch(rule):
        return f"make it shorter: it can hold at most {int(match[1]):,} characters"
    if _TOO_SHORT.fullmatch(rule) or rule in ("is required", "Input should be a valid string"):
        return "fill it in"
    return rule


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
