"""The unlocked window's content: the caseload beside the child's record,
caseload insights, the conflicts view or the changes not accepted. Built at
unlock, destroyed at lock, so no case data outlives the key in any widget."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSplitter, QStackedWidget, QWidget

from desktop.insights import caseload_insights
from ui.caseload_panel import CaseloadPanel
from ui.child_tabs.visits import VisitsTab
from ui.child_view import ChildView
from ui.conflicts_view import ConflictsView
from ui.context import AppContext
from ui.insights_view import InsightsView
from ui.not_accepted_view import NotAcceptedView

WELCOME = (
    "Choose a child on the left (Enter or double-click) to open their record.\n\n"
    "Ctrl+F search · Ctrl+N new visit · F5 sync · Ctrl+L lock · Ctrl+I insights"
)


class Workspace(QSplitter):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.ctx = ctx
        self.setObjectName("workspaceSplitter")
        self.setAccessibleName("Workspace")
        self.caseload = CaseloadPanel(ctx, self)
        self.pages = QStackedWidget(self)
        self.pages.setAccessibleName("Record area")
        self.welcome = QLabel(WELCOME, self.pages)
        self.welcome.setAccessibleName("Getting started")
        self.welcome.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.welcome.setWordWrap(True)
        self.child_view = ChildView(ctx, self.pages)
        self.insights = InsightsView(self.pages)
        self.conflicts = ConflictsView(ctx, self.pages)
        self.not_accepted = NotAcceptedView(ctx, self.pages)
        for page in (
            self.welcome,
            self.child_view,
            self.insights,
            self.conflicts,
            self.not_accepted,
        ):
            self.pages.addWidget(page)
        self.addWidget(self.caseload)
        self.addWidget(self.pages)
        self.setStretchFactor(0, 2)
        self.setStretchFactor(1, 3)
        self.setSizes([700, 700])
        self.caseload.sig_child_chosen.connect(self.open_child)
        ctx.events.sig_open_child.connect(self.open_child)
        ctx.events.sig_show_conflicts.connect(self.show_conflicts)
        self.insights.sig_open_child.connect(self.open_child)

    def open_child(self, child_id: str) -> None:
        self.child_view.open_child(child_id)
        self.pages.setCurrentWidget(self.child_view)
        self.caseload.select_child(child_id)

    def close_child(self, child_id: str) -> None:
        """The child left this laptop (purged after reassignment)."""
        if self.child_view.child_id == child_id:
            self.child_view.child_id = None
            self.pages.setCurrentWidget(self.welcome)

    def new_visit(self) -> None:
        """Ctrl+N: a new note for the open child, or the chosen one in the table."""
        child_id = self.child_view.child_id or self.caseload.current_child()
        if child_id is None:
            self.caseload.table.setFocus()
            return
        self.new_visit_for(child_id)

    def new_visit_for(self, child_id: str) -> None:
        self.open_child(child_id)
        tab = self.child_view.show_tab(VisitsTab)
        assert isinstance(tab, VisitsTab)
        tab.new_visit()

    def show_insights(self) -> None:
        session = self.ctx.session
        self.ctx.db(lambda: caseload_insights(session.store.conn, session.now())).success(
            self.insights.show_insights
        ).run()
        self.pages.setCurrentWidget(self.insights)

    def show_conflicts(self) -> None:
        self.conflicts.reload()
        self.pages.setCurrentWidget(self.conflicts)

    def show_not_accepted(self) -> None:
        self.not_accepted.reload()
        self.pages.setCurrentWidget(self.not_accepted)

    def refresh(self, child_id: str = "") -> None:
        """After a sync: re-read the caseload and the open views."""
        self.caseload.reload()
        self.ctx.events.sig_records_changed.emit(child_id)
        if self.pages.currentWidget() is self.conflicts:
            self.conflicts.reload()
        elif self.pages.currentWidget() is self.not_accepted:
            self.not_accepted.reload()

    def flush(self) -> None:
        self.child_view.flush()
