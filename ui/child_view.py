"""A child's record: whose it is, above one tab per part; all reloaded when
the child's records change."""

from __future__ import annotations

import importlib
from typing import NamedTuple, cast

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from desktop.capabilities import Capability
from desktop.england import today_in_england
from sync.kinds.people import display_name
from sync.wire import Record
from ui.audit_trail_dialog import AuditTrailDialog
from ui.child_header import ChildHeader
from ui.child_tabs.base import ChildTab
from ui.context import AppContext
from ui.page_sizes import size_to_current_page
from ui.widgets import button

# (module, class) in the order a worker reads a record, and groups of them
# under one tab. Imported by name so the tabs stay independent modules of one
# job each. Grouping keeps every name whole on the bar at 1366 wide (a record
# has more parts than a bar of that width holds); a group of one is a plain tab.
Leaf = tuple[str, str]


class Group(NamedTuple):
    short_title: str  # on the bar
    title: str  # on hover and to a screen reader
    leaves: tuple[Leaf, ...]


TABS: tuple[Leaf | Group, ...] = (
    ("ui.child_tabs.summary", "SummaryTab"),
    ("ui.child_tabs.chronology", "ChronologyTab"),
    ("ui.child_tabs.plan", "PlanTab"),
    ("ui.child_tabs.visits", "VisitsTab"),
    Group(
        "Meetings",
        "Meetings, management oversight, sign-off of visit notes and case supervision",
        (
            ("ui.child_tabs.meetings", "MeetingsTab"),
            ("ui.child_tabs.oversight", "OversightTab"),
            ("ui.child_tabs.sign_off", "SignOffTab"),
            ("ui.child_tabs.supervision", "SupervisionTab"),
        ),
    ),
    Group(
        "Missing",
        "Missing from home and from education",
        (("ui.child_tabs.missing", "MissingTab"), ("ui.child_tabs.education", "EducationTab")),
    ),
    Group(
        "Risk",
        "Screening and concerns",
        (("ui.child_tabs.screening", "ScreeningTab"), ("ui.child_tabs.concerns", "ConcernsTab")),
    ),
    Group(
        "People",
        "Family, carers and professionals",
        (
            ("ui.child_tabs.family", "FamilyTab"),
            ("ui.child_tabs.professionals", "ProfessionalsTab"),
        ),
    ),
    ("ui.child_tabs.sharing_log", "SharingTab"),
)


def _leaf_class(leaf: Leaf) -> type[ChildTab]:
    module, name = leaf
    return cast(type[ChildTab], getattr(importlib.import_module(module), name))


def tab_classes() -> list[type[ChildTab]]:
    """Every tab, groups opened out, in the order the bar shows them."""
    leaves = [leaf for e in TABS for leaf in (e.leaves if isinstance(e, Group) else (e,))]
    return [_leaf_class(leaf) for leaf in leaves]


def offered(tabs: tuple[Leaf | Group, ...], held: frozenset[Capability]) -> list[Leaf | Group]:
    """`tabs` without those the role is not offered (a tab's `needs`): left
    out, never shown disabled; a group left with none is left out too."""

    def shown(leaf: Leaf) -> bool:
        needs = _leaf_class(leaf).needs
        return needs is None or needs in held

    kept: list[Leaf | Group] = []
    for entry in tabs:
        if isinstance(entry, Group):
            if leaves := tuple(leaf for leaf in entry.leaves if shown(leaf)):
                kept.append(entry._replace(leaves=leaves))
        elif shown(entry):
            kept.append(entry)
    return kept


def _tab_bar_fits(tabs: QTabWidget) -> None:
    # Every tab in sight at 1366 wide: names cut with "…", not scrolled away.
    bar = tabs.tabBar()
    bar.setElideMode(Qt.TextElideMode.ElideRight)
    bar.setUsesScrollButtons(False)
    # The style's padding would cut the names at 1366 wide; this fits them.
    bar.setStyleSheet("QTabBar::tab { padding: 4px 7px; }")
    size_to_current_page(tabs)  # a wide tab not on show never widens the window


class ChildView(QWidget):
    """The open child's header and tabs. Only the visible tab reads from the
    store when records change; the others reload when they are shown.

    The header is outside the tabs, so it stays on every one; while the
    record is on screen the window title names the child too
    (`Events.sig_child_shown`).

    Callers see one flat list of tabs (`tabs`, `count`, `setCurrentIndex`…),
    groups opened out; a group is a tab holding a tab widget of its own."""

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
        # Each tab's place: its tab widget (the bar's or its group's) and index.
        self._place: list[tuple[QTabWidget, int]] = []
        self._stale: set[int] = set()
        for entry in offered(TABS, ctx.session.capabilities):
            if isinstance(entry, Group) and len(entry.leaves) > 1:
                self._add_group(entry)
            else:
                leaf = entry.leaves[0] if isinstance(entry, Group) else entry
                title = (entry.short_title, entry.title) if isinstance(entry, Group) else None
                self._add(self.pages, _leaf_class(leaf), title)
        _tab_bar_fits(self.pages)
        self.audit_dialog: AuditTrailDialog | None = None
        if ctx.session.may_use(Capability.audit_trail):
            self.audit_button = button(
                self.header, "&Who has seen this record", "Who has seen this record",
                self.show_audit_trail,
            )  # fmt: skip
            self.header.add_button(self.audit_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addWidget(self.pages, 1)
        self.pages.currentChanged.connect(self._on_current)
        ctx.events.sig_records_changed.connect(self._records_changed)

    def _add(self, into: QTabWidget, cls: type[ChildTab], title: tuple[str, str] | None) -> None:
        tab = cls(self.ctx, into)
        short, whole = title or (cls.short_title or cls.title, cls.title)
        index = into.addTab(tab, short)
        into.setTabToolTip(index, whole)  # whole, where the bar cuts it
        self.tabs.append(tab)
        self._place.append((into, index))

    def _add_group(self, group: Group) -> None:
        inner = QTabWidget(self.pages)
        inner.setDocumentMode(True)
        inner.setAccessibleName(group.title)
        for leaf in group.leaves:
            cls = _leaf_class(leaf)
            self._add(inner, cls, (cls.title, cls.title))
        _tab_bar_fits(inner)
        index = self.pages.addTab(inner, group.short_title)
        self.pages.setTabToolTip(index, group.title)
        inner.currentChanged.connect(self._on_current)

    # -- the tabs, as one tab widget's ---------------------------------------

    def count(self) -> int:
        return len(self.tabs)

    def currentIndex(self) -> int:
        shown = self.pages.currentWidget()
        if isinstance(shown, QTabWidget):
            shown = shown.currentWidget()
        return self.tabs.index(cast(ChildTab, shown)) if shown in self.tabs else -1

    def setCurrentIndex(self, index: int) -> None:
        into, at = self._place[index]
        into.setCurrentIndex(at)
        if into is not self.pages:
            self.pages.setCurrentWidget(into)

    def currentWidget(self) -> QWidget:
        return self.tabs[self.currentIndex()]

    def setCurrentWidget(self, widget: QWidget) -> None:
        self.setCurrentIndex(self.tabs.index(cast(ChildTab, widget)))

    def tabText(self, index: int) -> str:
        into, at = self._place[index]
        return into.tabText(at)

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
        self._on_current()
        self.sig_child_opened.emit(child_id)

    def show_audit_trail(self) -> None:
        """A coordinator's or manager's read of who has seen this record
        (online; the central record refuses a child outside their team)."""
        if self.child_id is None or self.ctx.online is None:
            return
        self.audit_dialog = AuditTrailDialog(self.ctx.online, self.child_id, self.child_name, self)
        self.audit_dialog.open()

    def show_tab(self, cls: type[ChildTab]) -> ChildTab:
        tab = self.tab(cls)
        self.setCurrentWidget(tab)
        return tab

    def _on_current(self, _index: int = -1) -> None:
        self._shown(self.currentIndex())

    def _shown(self, index: int) -> None:
        if self.child_id and index in self._stale:
            self._stale.discard(index)
            self.tabs[index].load(self.child_id)

    def _records_changed(self, child_id: str) -> None:
        if self.child_id and child_id in (self.child_id, ""):
            self._stale = set(range(len(self.tabs)))
            self._on_current()
            repo, opened = self.ctx.session.repo, self.child_id
            self.ctx.db(lambda: repo.get(opened)).success(self._child_read).run()

    # -- whose record --------------------------------------------------------

    def _child_read(self, record: Record | None) -> None:
        if record is not None and str(record.id) == self.child_id:
            self._show_child(record)
            repo, opened = self.ctx.session.repo, self.child_id
            self.ctx.db(lambda: repo.temporary_access_ends().get(opened)).success(
                lambda ends: self.header.show_temporary(ends) if opened == self.child_id else None
            ).run()

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
