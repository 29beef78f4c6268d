"""The child's record groups its tabs (Missing, Risk, People…) so that every
name stays whole on the bar at 1366 wide, while callers still see one flat
list of tabs: each one reachable by index and by class, and loaded when shown
inside its group."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLineEdit, QTabWidget

from desktop.repository import CaseRepository
from tests.helpers import CHILD, NOW, create_vault, settle
from tests.ui.screens import unlock
from ui.app import open_window
from ui.child_tabs.family import FamilyTab
from ui.child_tabs.professionals import ProfessionalsTab
from ui.child_tabs.summary import SummaryTab
from ui.child_view import TABS, Group, tab_classes


@pytest.fixture
def child(vault):
    create_vault(vault)
    repo = CaseRepository(vault.store, "worker.one", clock=lambda: NOW)
    record = repo.create("child", dict(CHILD))
    long_name = "Bartholomew-Fitzgerald Montgomery-Wobbleton-Quillfeather"
    repo.create("family_member", {"name": long_name, "relationship": "mother"}, child_id=record.id)
    vault.lock()
    return str(record.id)


@pytest.fixture
def view(qtbot, tasks, vault, child):
    w = open_window(tasks, vault, auto_sync=False, clock=lambda: NOW)
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    unlock(qtbot, w)
    v = w.workspace.child_view
    with qtbot.waitSignal(v.tab(SummaryTab).sig_loaded, timeout=5000):
        v.show_tab(SummaryTab)
        w.workspace.open_child(child)
    settle(qtbot, w.tasks)
    yield v
    w.close()


def test_the_flat_list_holds_every_tab_of_every_group_once():
    classes = tab_classes()
    assert len(classes) == len(set(classes))
    grouped = [e for e in TABS if isinstance(e, Group) and len(e.leaves) > 1]
    assert grouped, "a record with this many parts groups some of them"
    assert FamilyTab in classes and ProfessionalsTab in classes


def test_a_tab_inside_a_group_is_shown_and_loaded_by_its_flat_index(qtbot, view):
    index = view.tabs.index(view.tab(ProfessionalsTab))
    tab = view.tabs[index]
    with qtbot.waitSignal(tab.sig_loaded, timeout=5000):
        view.setCurrentIndex(index)
    assert view.currentIndex() == index
    assert view.currentWidget() is tab
    group = view.pages.currentWidget()
    assert isinstance(group, QTabWidget) and group.currentWidget() is tab
    assert view.pages.tabText(view.pages.currentIndex()) == "People"
    assert view.tabText(index) == "Professionals"


def test_every_name_on_both_bars_is_whole_at_1366(qtbot, view):
    def whole(tabs: QTabWidget) -> None:
        bar = tabs.tabBar()
        for i in range(bar.count()):
            needed = bar.fontMetrics().horizontalAdvance(bar.tabText(i))
            assert bar.tabRect(i).width() > needed, bar.tabText(i)
            assert bar.tabRect(i).right() <= bar.width(), bar.tabText(i)

    whole(view.pages)
    for index in range(view.pages.count()):
        group = view.pages.widget(index)
        if isinstance(group, QTabWidget):
            view.pages.setCurrentIndex(index)
            qtbot.waitUntil(lambda g=group: g.tabBar().isVisible())
            whole(group)


def test_a_long_name_in_a_form_shows_its_start(qtbot, tasks, view):
    family = view.tab(FamilyTab)
    with qtbot.waitSignal(family.sig_loaded, timeout=5000):
        view.show_tab(FamilyTab)
    settle(qtbot, tasks)
    name = next(e for e in family.findChildren(QLineEdit) if e.text().startswith("Bartholomew"))
    assert name.cursorPosition() == 0
