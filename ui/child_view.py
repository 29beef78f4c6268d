"""A child's record: one tab per part, all reloaded when the child's records change."""

from __future__ import annotations

import importlib

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QTabWidget, QWidget

from ui.child_tabs.base import ChildTab
from ui.context import AppContext
from ui.page_sizes import size_to_current_page

# (module, class) in the order a worker reads a record. Imported by name so
# the tabs stay independent modules of one job each.
TABS = (
    ("ui.child_tabs.summary", "SummaryTab"),
    ("ui.child_tabs.chronology", "ChronologyTab"),
    ("ui.child_tabs.plan", "PlanTab"),
    ("ui.child_tabs.visits", "VisitsTab"),
    ("ui.child_tabs.missing", "MissingTab"),
    ("ui.child_tabs.concerns", "ConcernsTab"),
)


def tab_classes() -> list[type[ChildTab]]:
    return [getattr(importlib.import_module(m), name) for m, name in TABS]


class ChildView(QTabWidget):
    """The open child's tabs. Only the visible tab reads from the store when
    records change; the others reload when they are shown."""

    #: a different child was opened (child id)
    sig_child_opened = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setAccessibleName("Child record")
        self.setDocumentMode(True)
        self.child_id: str | None = None
        self.tabs: list[ChildTab] = []
        self._stale: set[int] = set()
        for cls in tab_classes():
            tab = cls(ctx, self)
            self.tabs.append(tab)
            self.addTab(tab, cls.title)
        size_to_current_page(self)  # a wide tab not on show never widens the window
        self.currentChanged.connect(self._shown)
        ctx.events.sig_records_changed.connect(self._records_changed)

    def tab(self, cls: type[ChildTab]) -> ChildTab:
        return next(t for t in self.tabs if isinstance(t, cls))

    def open_child(self, child_id: str) -> None:
        if child_id == self.child_id:
            return
        self.flush()
        self.child_id = child_id
        repo = self.ctx.session.repo
        self.ctx.db(lambda: repo.view_child(child_id)).run()  # audited once per opening
        self._stale = set(range(len(self.tabs)))
        self._shown(self.currentIndex())
        self.sig_child_opened.emit(child_id)

    def show_tab(self, cls: type[ChildTab]) -> ChildTab:
        tab = self.tab(cls)
        self.setCurrentWidget(tab)
        return tab

    def _shown(self, index: int) -> None:
        if self.child_id and index in self._stale:
            self._stale.discard(index)
            self.tabs[index].load(self.child_id)

    def _records_changed(self, child_id: str) -> None:
        if self.child_id and child_id in (self.child_id, ""):
            self._stale = set(range(len(self.tabs)))
            self._shown(self.currentIndex())

    def flush(self) -> None:
        for tab in self.tabs:
            tab.flush()
