"""Every splitter in the window stays where the worker dragged it: across a
lock and across closing and opening the app again (ui.splitters)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QSplitter, QStackedWidget, QWidget

from desktop.repository import CaseRepository
from tests.helpers import CHILD, LOCAL_WORKER, NOW, create_vault
from tests.ui.screens import unlock
from ui.app import open_window

# The splitters the window has today; a new one is remembered too, as long
# as it has a name of its own (the first test says so).
KNOWN = {
    "workspaceSplitter", "visitsSplitter", "planSplitter", "missing_episodeSplitter",
    "concernSplitter", "conflictsSplitter", "notAcceptedSplitter",
}  # fmt: skip


@pytest.fixture
def laptop(vault):
    """A laptop holding one child, locked (nothing syncs: no central record)."""
    create_vault(vault)
    child = CaseRepository(vault.store, LOCAL_WORKER).create("child", dict(CHILD))
    vault.lock()
    return vault, str(child.id)


def opened(qtbot, tasks, vault, child_id: str):
    window = open_window(tasks, vault, auto_sync=False, clock=lambda: NOW)
    qtbot.addWidget(window)
    window.resize(1920, 1080)  # room for every pane to move (the offscreen screen is 800 wide)
    unlock(qtbot, window)
    window.workspace.open_child(child_id)
    return window


def into_view(qtbot, splitter: QSplitter) -> None:
    """Show the page or tab the splitter is on, and wait until it is laid out."""
    widget: QWidget = splitter
    while (parent := widget.parentWidget()) is not None:
        if isinstance(parent, QStackedWidget):  # a workspace page, or a tab
            parent.setCurrentWidget(widget)
        widget = parent
    qtbot.waitUntil(lambda: splitter.isVisible() and min(splitter.sizes()) > 0, timeout=5000)


def splitters(window) -> list[QSplitter]:
    """Every splitter the workspace has (it is one itself)."""
    return [window.workspace, *window.workspace.findChildren(QSplitter)]


def by_name(window) -> dict[str, QSplitter]:
    return {s.objectName(): s for s in splitters(window)}


def test_every_splitter_has_a_name_of_its_own(qtbot, tasks, laptop):
    window = opened(qtbot, tasks, *laptop)
    names = [s.objectName() for s in splitters(window)]
    assert "" not in names
    assert len(set(names)) == len(names)
    assert set(names) >= KNOWN
    window.close()


def test_each_splitter_is_where_it_was_dragged_after_a_lock_and_a_restart(qtbot, tasks, laptop):
    vault, child_id = laptop
    window = opened(qtbot, tasks, vault, child_id)
    moved: dict[str, list[int]] = {}
    for name, splitter in by_name(window).items():
        into_view(qtbot, splitter)
        before = splitter.sizes()
        # As the worker's drag of the first handle does (it emits splitterMoved);
        # the way the first part's minimum size leaves free.
        splitter.moveSplitter(before[0] + 41, 1)
        if splitter.sizes() == before:
            splitter.moveSplitter(before[0] - 41, 1)
        # Where the handles are: all parts but the last, which takes what is
        # left (more than the splitter's width where a part's minimum is wider
        # than the small offscreen screen leaves it).
        moved[name] = splitter.sizes()[:-1]
        assert moved[name] != before[:-1], name
    assert set(moved) >= KNOWN

    window.lock()
    unlock(qtbot, window)
    window.workspace.open_child(child_id)
    for name, splitter in by_name(window).items():
        into_view(qtbot, splitter)
        assert splitter.sizes()[:-1] == moved[name], f"{name} after a lock"
    window.close()

    # The new window opens at the first one's size, not at the geometry it
    # stored: that is restored within the screen, and the offscreen screen
    # is smaller than the window (the geometry is the window's own memory).
    settings = window.settings
    settings.remove("geometry")
    settings.sync()
    again = opened(qtbot, tasks, vault, child_id)  # a new window on the same profile
    assert again.size() == window.size()
    for name, splitter in by_name(again).items():
        into_view(qtbot, splitter)
        assert splitter.sizes()[:-1] == moved[name], f"{name} after a restart"
    again.close()
