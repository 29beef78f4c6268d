"""What every tab of a child's record shares."""

from __future__ import annotations

from typing import ClassVar

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
