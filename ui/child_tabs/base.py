"""What every tab of a child's record shares."""

from __future__ import annotations

from typing import ClassVar

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from desktop.capabilities import Capability
from ui.context import AppContext


class ChildTab(QWidget):
    """One tab of the child's record.

    `load(child_id)` is called when the child is opened and whenever the
    child's records change; it reads through `ctx.db` and fills the widgets
    in the success callback. `flush()` stores anything typed and not yet
    saved; it is called before the window locks or closes and may block
    briefly (it runs the save on the database thread and waits).
    """

    title: ClassVar[str] = ""
    #: the tab's name on the tab bar, when `title` is too long for it at
    #: 1366 wide ("Plan" for the risk-management plan); `title` on hover
    short_title: ClassVar[str] = ""
    #: what the worker's role must be offered for the tab to be there at
    #: all (desktop.capabilities); None: every role that holds a caseload
    needs: ClassVar[Capability | None] = None
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
