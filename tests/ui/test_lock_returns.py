"""Locking returns the worker to their place: after the idle lock or Ctrl+L
the unlock opens the same child, tab and visit note; the lock screen says
why it locked; the place is never written to disk."""

from __future__ import annotations

import pytest

from desktop.repository import CaseRepository
from desktop.syncing import engine_for
from tests.helpers import CHILD, enrol
from tests.ui.screens import unlock
from ui.app import open_window
from ui.child_tabs.plan import PlanTab
from ui.child_tabs.visits import VisitsTab

VISIT = {"visit_type": "cin", "start": "2026-05-01T10:00:00+00:00", "observations": "Seen alone."}


@pytest.fixture
def enrolled(vault, service, ui_worker):
    """An enrolled laptop holding one child with two visit notes: (child, later note)."""
    enrol(vault, service.url, ui_worker)
    repo = CaseRepository(vault.store, ui_worker)
    child = repo.create("child", dict(CHILD))
    repo.create("visit", dict(VISIT), child_id=child.id)
    later = repo.create("visit", dict(VISIT, start="2026-05-20T10:00:00+00:00"), child_id=child.id)
    engine_for(vault).sync()
    vault.lock()
    return str(child.id), str(later.id)


@pytest.fixture
def window(qtbot, tasks, vault, enrolled):
    w = open_window(tasks, vault, auto_sync=False)
    qtbot.addWidget(w)
    unlock(qtbot, w)
    yield w
    w.close()


def _open_note(qtbot, window, child_id: str, note_id: str) -> None:
    workspace = window.workspace
    tab = workspace.child_view.tab(VisitsTab)
    with qtbot.waitSignal(tab.sig_loaded, timeout=5000):
        workspace.open_child(child_id)
        workspace.child_view.show_tab(VisitsTab)
    # The older note: the newest is first in the list and easy to land on by luck.
    row = next(r for r in range(tab.model.rowCount()) if str(tab.model.rows[r][0].id) == note_id)
    tab._open(tab.shown.mapFromSource(tab.model.index(row)))
    assert tab.editor.record_id == note_id


def _at(window, child_id: str, tab_class, note_id: str | None = None) -> bool:
    workspace = window.workspace
    if workspace is None or workspace.pages.currentWidget() is not workspace.child_view:
        return False
    view = workspace.child_view
    if view.child_id != child_id or not isinstance(view.currentWidget(), tab_class):
        return False
    return note_id is None or view.currentWidget().editor.record_id == note_id


def test_after_the_idle_lock_the_same_child_tab_and_note_are_open_again(
    qtbot, window, enrolled, vault
):
    child_id, _later = enrolled
    first = next(
        str(r.id)
        for r in window.tasks.db_now(
            lambda: window.ctx.session.repo.records_for_child(child_id, "visit")
        )
        if r.data["start"].startswith("2026-05-01")
    )
    _open_note(qtbot, window, child_id, first)
    window.idle_timer.setInterval(200)
    with qtbot.waitSignal(window.sig_locked, timeout=5000):
        window.idle_timer.start()
    # The policy's minutes (the central record's default policy: 5).
    assert window.lock_screen.reason.text() == "Locked after 5 minutes idle"
    assert window.lock_screen.reason.isVisibleTo(window.lock_screen)

    unlock(qtbot, window)
    qtbot.waitUntil(lambda: _at(window, child_id, VisitsTab, first), timeout=5000)


def test_after_ctrl_l_the_same_child_and_tab_are_open_and_the_place_stays_off_disk(
    qtbot, window, enrolled, vault
):
    child_id, _later = enrolled
    window.workspace.open_child(child_id)
    window.workspace.child_view.show_tab(PlanTab)
    with qtbot.waitSignal(window.sig_locked, timeout=5000):
        window.lock()
    assert window.lock_screen.reason.text() == "Locked"
    # Nothing outside the encrypted store names the child while locked.
    for path in vault.profile.path.rglob("*"):
        if path.is_file():
            assert child_id.encode() not in path.read_bytes(), path.name

    unlock(qtbot, window)
    qtbot.waitUntil(lambda: _at(window, child_id, PlanTab), timeout=5000)


def test_the_lock_screen_at_start_gives_no_reason(qtbot, tasks, vault, enrolled):
    w = open_window(tasks, vault, auto_sync=False)
    qtbot.addWidget(w)
    assert not w.lock_screen.reason.isVisibleTo(w.lock_screen)
    w.close()
