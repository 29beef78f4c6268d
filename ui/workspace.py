"""The unlocked window's content: the caseload beside the child's record,
caseload insights, the conflicts view or the changes not accepted. Built at
unlock, destroyed at lock, so no case data outlives the key in any widget."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QSplitter, QStackedWidget, QWidget

from desktop.insights import CaseloadInsights
from desktop.team import TeamView
from ui.caseload_columns import planning_width
from ui.caseload_panel import CaseloadPanel
from ui.child_tabs.visits import VisitsTab
from ui.child_view import ChildView
from ui.conflicts_view import ConflictsView
from ui.context import AppContext
from ui.insights_view import InsightsView
from ui.not_accepted_view import NotAcceptedView
from ui.page_sizes import size_to_current_page
from ui.team_view import TeamPage

WELCOME = (
    "Choose a child on the left (Enter or double-click) to open their record.\n\n"
    "Ctrl+F search · Ctrl+N new visit · F5 sync · Ctrl+L lock · Ctrl+I insights"
)


HIDDEN = (
    "Case records are hidden: this laptop has not synced with the central record "
    "for too long.\n\nThey come back with the next sync — press F5 when you are "
    "online. What you typed before is saved on this laptop."
)


@dataclass(frozen=True)
class Place:
    """Where the worker was in the record when the window locked, so the
    unlock opens it again. Held in memory by the window only: a child's id
    is never written to disk outside the encrypted store."""

    child_id: str
    tab: int
    #: the visit note open in the Visits tab, if that is the tab
    note_id: str | None


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
        self.hidden = QLabel("", self.pages)
        self.hidden.setObjectName("leaseHidden")
        self.hidden.setAccessibleName("Case records hidden")
        self.hidden.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hidden.setWordWrap(True)
        self.records_hidden = False
        self.child_view = ChildView(ctx, self.pages)
        self.insights = InsightsView(self.pages)
        self.conflicts = ConflictsView(ctx, self.pages)
        self.not_accepted = NotAcceptedView(ctx, self.pages)
        self.team = TeamPage(self.pages)
        for page in (
            self.welcome,
            self.hidden,
            self.child_view,
            self.insights,
            self.conflicts,
            self.not_accepted,
            self.team,
        ):
            self.pages.addWidget(page)
        size_to_current_page(self.pages)
        self.addWidget(self.caseload)
        self.addWidget(self.pages)
        self.setStretchFactor(0, 2)
        self.setStretchFactor(1, 3)
        self.setSizes([700, 700])
        # Until the worker moves the divider (or it was put back where they
        # left it), the caseload takes half the width, or more if its
        # planning columns need it (`_fit_caseload`).
        self._divider_chosen = False
        self.splitterMoved.connect(self._divider_moved)
        self.caseload.sig_child_chosen.connect(self.open_child)
        ctx.events.sig_open_child.connect(self.open_child)
        # A save here is in the caseload at once (a child back home stops
        # showing "Missing now"), not at the next sync or unlock.
        ctx.events.sig_local_edit.connect(self.caseload.reload_after_edit)
        ctx.events.sig_show_conflicts.connect(self.show_conflicts)
        self.insights.sig_open_child.connect(self.open_child)
        self.team.sig_open_child.connect(self.open_child)
        self.insights.sig_period_changed.connect(lambda _m: self.show_insights())
        ctx.events.sig_lease_expired.connect(self.hide_records)
        self.caseload.sig_records_shown.connect(self._records_back)

    # -- the divider -----------------------------------------------------------

    def restoreState(self, state: QByteArray | bytes | bytearray | memoryview) -> bool:
        """Where the worker left the divider (ui.splitters): it stays there."""
        restored = super().restoreState(state)
        self._divider_chosen = self._divider_chosen or restored
        return restored

    def _divider_moved(self, _pos: int, _index: int) -> None:
        self._divider_chosen = True

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if not self._divider_chosen:
            self._fit_caseload()

    def _fit_caseload(self) -> None:
        """Half the width to the caseload, or what its planning columns need
        if that is more (a larger font), leaving the record its minimum."""
        total = sum(self.sizes())
        if total <= 0:
            return
        need = planning_width(self.caseload.table)
        room = total - self.pages.minimumSizeHint().width()
        left = max(min(need, room), total // 2)
        if self.sizes()[0] != left:
            self.setSizes([left, total - left])

    def open_child(self, child_id: str) -> None:
        self.child_view.open_child(child_id)
        self.pages.setCurrentWidget(self.child_view)
        self.caseload.select_child(child_id)

    def close_child(self, child_id: str) -> None:
        """The child left this laptop (purged after reassignment)."""
        if self.child_view.child_id == child_id:
            self.child_view.child_id = None
            self.pages.setCurrentWidget(self.welcome)

    def place(self) -> Place | None:
        """The open child, tab and note; None when no child is on show."""
        view = self.child_view
        if view.child_id is None or self.pages.currentWidget() is not view:
            return None
        tab = view.currentWidget()
        note = tab.editor.record_id if isinstance(tab, VisitsTab) else None
        return Place(view.child_id, view.currentIndex(), note)

    def return_to(self, place: Place) -> None:
        """Open `place` again (after unlock): the tab is chosen before the
        child opens, so only that tab reads, and the note opens once read."""
        view = self.child_view
        view.setCurrentIndex(place.tab)
        if place.note_id is not None:
            view.tab(VisitsTab).reopen(place.note_id)  # type: ignore[attr-defined]
        self.open_child(place.child_id)
        view.setFocus()

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
        """Read the insights over the period the screen shows, then show it."""
        repo, months = self.ctx.session.repo, self.insights.months
        self.ctx.db(lambda: repo.insights(months=months)).success(self._insights_read).run()

    def _insights_read(self, insights: CaseloadInsights) -> None:
        self.insights.show_insights(insights)
        self.pages.setCurrentWidget(self.insights)

    def show_team(self) -> None:
        """A team manager's team view, read afresh (`desktop.team`)."""
        repo = self.ctx.session.repo
        self.ctx.db(repo.team).success(self._team_read).run()

    def _team_read(self, view: TeamView | None) -> None:
        self.team.show_team(view)
        self.pages.setCurrentWidget(self.team)

    def show_conflicts(self) -> None:
        self.conflicts.reload()
        self.pages.setCurrentWidget(self.conflicts)

    def show_not_accepted(self) -> None:
        self.not_accepted.reload()
        self.pages.setCurrentWidget(self.not_accepted)

    def hide_records(self, _message: str = "") -> None:
        """The offline lease has run out: typing is stored (writing is still
        allowed), then every view of case records is emptied and a note says
        why, until a sync renews the lease (`refresh`)."""
        if self.records_hidden:
            return
        self.records_hidden = True
        self.child_view.flush()
        self.caseload.hide_rows()
        # The child's tabs are rebuilt empty rather than left holding what
        # they showed; the insights drop their figures.
        old, self.child_view = self.child_view, ChildView(self.ctx, self.pages)
        self.pages.insertWidget(self.pages.indexOf(old), self.child_view)
        self.pages.removeWidget(old)
        old.child_id = None  # reads no more
        old.hide()
        # Deleted once the reads already queued for it have answered (the
        # database thread takes them in order), so none lands on a dead widget.
        self.ctx.db(lambda: None).success(lambda _none: old.deleteLater()).run()
        self.insights.clear()
        self.team.clear()
        self.conflicts.clear()
        self.not_accepted.clear()
        self.hidden.setText(HIDDEN)
        self.pages.setCurrentWidget(self.hidden)

    def _records_back(self) -> None:
        # The caseload could be read again (a sync renewed the lease). Reads
        # refused before are answered before this one, so none hides it again.
        if self.records_hidden:
            self.records_hidden = False
            self.pages.setCurrentWidget(self.welcome)

    def refresh(self, child_id: str = "") -> None:
        """After a sync: re-read the caseload and the open views."""
        self.caseload.reload()
        self.ctx.events.sig_records_changed.emit(child_id)
        if self.pages.currentWidget() is self.conflicts:
            self.conflicts.reload()
        elif self.pages.currentWidget() is self.not_accepted:
            self.not_accepted.reload()
        elif self.pages.currentWidget() is self.team:
            self.show_team()

    def flush(self) -> None:
        self.child_view.flush()
