"""Whose record is this (issue 15, item 3): the child's name, age and legal
status stay above every tab, and the window title names the child while
their record is open, and no longer once it is not (another view, the lock)."""

from __future__ import annotations

import logging

import pytest
from PySide6.QtCore import QPoint

from desktop.repository import CaseRepository
from tests.helpers import CHILD, NOW, create_vault, db, settle
from tests.ui.screens import unlock
from ui.app import open_window
from ui.child_tabs.summary import SummaryTab


@pytest.fixture
def children(vault):
    """Thistle (child protection, 14 on NOW) and Bramble (looked after, 9)."""
    create_vault(vault)
    repo = CaseRepository(vault.store, "worker.one", clock=lambda: NOW)
    first = repo.create("child", dict(CHILD))
    bramble = {"first_name": "Bramble", "last_name": "Oakapple", "date_of_birth": "2016-12-24"}
    second = repo.create("child", {**CHILD, **bramble, "legal_status": "cla"})
    vault.lock()
    return str(first.id), str(second.id)


@pytest.fixture
def window(qtbot, tasks, vault, children):
    w = open_window(tasks, vault, auto_sync=False, clock=lambda: NOW)
    qtbot.addWidget(w)
    unlock(qtbot, w)
    yield w
    w.close()


def opened(qtbot, window, child_id: str):
    view = window.workspace.child_view
    with qtbot.waitSignal(view.tab(SummaryTab).sig_loaded, timeout=5000):
        view.show_tab(SummaryTab)
        window.workspace.open_child(child_id)
    settle(qtbot, window.tasks)
    return view


def test_every_tab_shows_the_childs_name_age_and_legal_status_above_the_tabs(
    qtbot, window, children
):
    view = opened(qtbot, window, children[0])
    header = view.header
    assert header.name.text() == "Thistle Puddingstone"
    assert "Age 14" in header.facts.text()
    assert "Child protection" in header.facts.text()
    assert "cp" not in header.facts.text().split()
    for index in range(view.count()):
        view.setCurrentIndex(index)
        page = view.currentWidget()
        assert header.isVisible(), view.tabText(index)
        assert not page.isAncestorOf(header), "the header is above the tabs, not in one"
        top_of_page = page.mapTo(view, QPoint(0, 0)).y()
        assert header.mapTo(view, QPoint(0, header.height())).y() <= top_of_page


def test_the_header_follows_the_childs_record(qtbot, window, children):
    view = opened(qtbot, window, children[1])
    assert view.header.name.text() == "Bramble Oakapple"
    assert "Age 9" in view.header.facts.text()
    assert "Looked after" in view.header.facts.text()
    ctx = window.ctx
    record = db(ctx, lambda r: r.update(children[1], {"legal_status": "care_leaver"}))
    ctx.events.sig_records_changed.emit(str(record.child_id))
    qtbot.waitUntil(lambda: "Care leaver" in view.header.facts.text(), timeout=5000)


def test_the_window_title_names_the_open_child_and_only_while_it_is_open(
    qtbot, window, children, caplog
):
    caplog.set_level(logging.DEBUG)
    assert "Thistle" not in window.windowTitle()
    opened(qtbot, window, children[0])
    assert window.windowTitle() == "Caseworker — Thistle Puddingstone"
    opened(qtbot, window, children[1])
    assert window.windowTitle() == "Caseworker — Bramble Oakapple"

    window.workspace.show_conflicts()  # another view: no child's record on show
    qtbot.waitUntil(lambda: "Bramble" not in window.windowTitle(), timeout=5000)
    window.workspace.open_child(children[1])
    qtbot.waitUntil(lambda: window.windowTitle() == "Caseworker — Bramble Oakapple")

    window.lock()
    assert window.windowTitle() == "Caseworker"
    assert "Bramble" not in caplog.text and "Thistle" not in caplog.text
