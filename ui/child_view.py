"""A child's record: whose it is, above one tab per part; all reloaded when
the child's records change."""

from __future__ import annotations

import importlib

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from desktop.england import today_in_england
from sync.kinds.people import display_name
from sync.wire import Record
from ui.child_header import ChildHeader
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
    ("ui.child_tabs.screening", "ScreeningTab"),
    ("ui.child_tabs.family", "FamilyTab"),
    ("ui.child_tabs.professionals", "ProfessionalsTab"),
)


def tab_classes() -> list[type[ChildTab]]:
    return [getattr(importlib.import_module(m), name) for m, name in TABS]


class ChildView(QWidget):
    """The open child's header and tabs. Only the visible tab reads from the
    store when records change; the others reload when they are shown.

    The header is outside the tabs, so it stays on every one; while the
    record is on screen the window title names the child too
    (`Events.sig_child_shown`)."""

    #: a different child was opened (child id)
    sig_child_opened = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setAccessibleName("Child record")
        self.child_id: str | None = None
        self.child_name = ""  # for the window title only; never logged
        self.header = ChildHeader(self)
        self.pages = QTabWidget(self)
        self.pages.setDocumentMode(True)
        self.tabs: list[ChildTab] = []
        self._stale: set[int] = set()
        for cls in tab_classes():
            tab = cls(ctx, self.pages)
            self.tabs.append(tab)
            index = self.pages.addTab(tab, cls.short_title or cls.title)
            self.pages.setTabToolTip(index, cls.title)  # whole, where the bar cuts it
        # Every tab in sight at 1366 wide: names cut with "…", not scrolled away.
        bar = self.pages.tabBar()
        bar.setElideMode(Qt.TextElideMode.ElideRight)
        bar.setUsesScrollButtons(False)
        # The style's padding would cut eight names at 1366 wide; this fits them.
        bar.setStyleSheet("QTabBar::tab { padding: 4px 7px; }")
        size_to_current_page(self.pages)  # a wide tab not on show never widens the window
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addWidget(self.pages, 1)
        self.pages.currentChanged.connect(self._shown)
        ctx.events.sig_records_changed.connect(self._records_changed)

    # -- the tabs, as a tab widget's -----------------------------------------

    def count(self) -> int:
        return self.pages.count()

    def currentIndex(self) -> int:
        return self.pages.currentIndex()

    def setCurrentIndex(self, index: int) -> None:
        self.pages.setCurrentIndex(index)

    def currentWidget(self) -> QWidget:
        return self.pages.currentWidget()

    def setCurrentWidget(self, widget: QWidget) -> None:
        self.pages.setCurrentWidget(widget)

    def tabText(self, index: int) -> str:
        return self.pages.tabText(index)

    def tab(self, cls: type[ChildTab]) -> ChildTab:
        return next(t for t in self.tabs if isinstance(t, cls))

    def open_child(self, child_id: str) -> None:
        if child_id == self.child_id:
            return
        self.flush()
        self.child_id = child_id
        repo = self.ctx.session.repo
        self._show_child(None)
        # Audited once per opening.
        self.ctx.db(lambda: repo.view_child(child_id)).success(self._child_read).run()
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
            repo, opened = self.ctx.session.repo, self.child_id
            self.ctx.db(lambda: repo.get(opened)).success(self._child_read).run()

    # -- whose record --------------------------------------------------------

    def _child_read(self, record: Record | None) -> None:
        if record is not None and str(record.id) == self.child_id:
            self._show_child(record)

    def _show_child(self, record: Record | None) -> None:
        today = today_in_england(self.ctx.session.now())
        self.header.show_child(record.data if record else None, today)
        self.child_name = display_name(record.data) if record else ""
        self._say_shown()

    def _say_shown(self) -> None:
        """Tell the window whose record is on screen ('' for nobody's)."""
        shown = self.isVisible() and self.child_id is not None
        self.ctx.events.sig_child_shown.emit(self.child_name if shown else "")

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not event.spontaneous():  # not the window coming back from minimised
            self._say_shown()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        if not event.spontaneous():
            self.ctx.events.sig_child_shown.emit("")

    def flush(self) -> None:
        for tab in self.tabs:
            tab.flush()
