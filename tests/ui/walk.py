"""The main window walked screen by screen on a synthetic caseload — the
lock screen, the caseload with its quick views and a search, every tab of
several children with their records opened (and the plan action and
addendum dialogs), conflicts, changes not accepted, insights and the
status bar — each screen handed to a check (issue 15, items 4 and 5)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QAbstractItemView, QApplication, QWidget

from desktop.syncing import engine_for
from sync.server.synthetic import generate_caseload
from tests.helpers import db, enrol, settle
from tests.ui.screens import unlock
from tests.ui.sync_states import accept_all, answer_conflict, answer_refused
from ui.app import open_window
from ui.caseload_model import ChildIdRole
from ui.child_tabs.list_form import ListFormTab
from ui.child_tabs.plan import PlanTab
from ui.child_tabs.visits import VisitsTab

#: (the screen's root widget, the screen's name) -> what is wrong on it
Check = Callable[[QWidget, str], list[str]]
SIZE = (1366, 768)  # the usual council laptop

CHILDREN = 6
# A reason as the central record words a schema's refusal: pydantic's own.
TOO_LONG = "observations: String should have at most 100000 characters"


@pytest.fixture
def synthetic_laptop(vault, service, ui_worker):
    """A laptop holding a synthetic caseload, synced, then locked."""
    batch = generate_caseload(15, CHILDREN, 40, workers=[ui_worker])
    service.insert_records(batch.records)
    for child in batch.holders:
        service.assign(ui_worker, child)
    enrol(vault, service.url, ui_worker)
    engine_for(vault).sync()
    vault.lock()
    return [str(c) for c in batch.holders]


@pytest.fixture
def synthetic_window(qtbot, tasks, vault, synthetic_laptop):
    w = open_window(tasks, vault, auto_sync=False)
    qtbot.addWidget(w)
    w.resize(*SIZE)
    w.show()
    yield w
    w.close()


def _conflict_and_refusals(ctx, child_id: str) -> None:
    """A conflict on the child's risk level and legal status; a visit and a
    concern the central record refused."""

    def edits(repo) -> None:
        repo.update(child_id, {"risk_level": "not_at_risk", "legal_status": "cin"})

    db(ctx, edits)
    answer_conflict(ctx, {"risk_level": "high", "legal_status": "cp"})
    visit = {"visit_type": "cp_statutory", "start": "2026-05-01T10:00:00+00:00",
             "observations": "Seen in the kitchen."}  # fmt: skip
    db(ctx, lambda r: r.create("visit", visit, child_id=child_id))
    answer_refused(ctx, TOO_LONG)
    concern = {"category": "cse", "received_at": "2026-05-02T09:00:00+00:00",
               "source": "School", "reliability": "single_source"}  # fmt: skip
    db(ctx, lambda r: r.create("concern", concern, child_id=child_id))
    answer_refused(ctx, "category: Input should be 'cse', 'cce' or 'other'")


def _rows_of(tab: QWidget) -> QAbstractItemView | None:
    if isinstance(tab, ListFormTab):
        return tab.table
    if isinstance(tab, VisitsTab):
        return tab.list
    return None


def _walk_child(
    qtbot, window, child_id: str, check: Check, found: list[str], shown_words: set[str]
) -> None:
    ws = window.workspace
    view = ws.child_view
    ws.open_child(child_id)
    settle(qtbot, window.tasks)
    for index in range(view.count()):
        view.setCurrentIndex(index)
        settle(qtbot, window.tasks)
        name = view.tabText(index).replace("&", "")
        found += check(window, name)
        tab = view.currentWidget()
        if isinstance(tab, PlanTab) and tab.action_model.rowCount() > 0:
            tab.table.setCurrentIndex(tab.action_model.index(0, 0))
            tab.edit_action()  # the action dialog, on the plan's first action
            assert tab.dialog is not None and tab.dialog.isVisible()
            found += check(tab.dialog, "Action dialog")
            shown_words.add("action")
            tab.dialog.reject()
        rows = _rows_of(tab)
        if rows is None:
            continue
        for row in range(min(rows.model().rowCount(), 8)):  # each row opens its form
            rows.setCurrentIndex(rows.model().index(row, 0))
            if isinstance(view.currentWidget(), VisitsTab):
                view.currentWidget()._open(rows.currentIndex())
            settle(qtbot, window.tasks)
            found += check(window, f"{name} row {row + 1}")
            if isinstance(tab, VisitsTab) and tab.editor.final and not tab.editor.addenda.is_open:
                tab.editor.ask_addendum()  # the addendum dialog of a final note
                settle(qtbot, window.tasks)
                found += check(window, f"{name} row {row + 1} addendum")
                shown_words.add("addendum")
                tab.editor.addenda.dialog.reject()


def laid_out(check: Check) -> Check:
    """`check`, once every layout Qt has been asked for has been done: a page
    just put on show is sized by a posted event, and a check run before it
    saw the page at its last size (the insights page measured as if squeezed,
    once in a loaded run)."""

    def after_layout(widget: QWidget, name: str) -> list[str]:
        for _ in range(3):  # a layout may ask for another (a scrollbar shown)
            QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
            QApplication.processEvents()
        return check(widget, name)

    return after_layout


def walk(qtbot, window, laptop: list[str], check: Check) -> list[str]:
    """Every screen in turn, each given to `check`; what it found, together."""
    check = laid_out(check)
    found = check(window, "lock screen")
    unlock(qtbot, window)
    ws = window.workspace
    panel = ws.caseload
    qtbot.waitUntil(lambda: panel.model.rowCount() == CHILDREN, timeout=10000)
    _conflict_and_refusals(window.ctx, laptop[0])
    ws.refresh()
    settle(qtbot, window.tasks)
    found += check(window, "caseload")
    for quick in panel.quick_buttons.values():
        quick.setChecked(True)
        found += check(window, f"caseload {quick.text()}")
        quick.setChecked(False)
    with qtbot.waitSignal(panel.sig_searched, timeout=10000):
        panel.search.setText("Academy")
        panel._run_search()
    settle(qtbot, window.tasks)
    found += check(window, "search")
    panel.search.setText("")

    shown = [panel.proxy.index(r, 0).data(ChildIdRole) for r in range(panel.proxy.rowCount())]
    dialogs: set[str] = set()
    for child_id in shown[:4]:
        _walk_child(qtbot, window, child_id, check, found, dialogs)
    assert dialogs == {"action", "addendum"}  # both dialogs were read

    with qtbot.waitSignal(ws.conflicts.sig_opened, timeout=5000):
        ws.show_conflicts()
    settle(qtbot, window.tasks)
    for choice in ws.conflicts.choices:
        choice.pick_edit.setChecked(True)
    found += check(window, "conflicts")
    with qtbot.waitSignal(ws.not_accepted.sig_opened, timeout=5000):
        ws.show_not_accepted()
    settle(qtbot, window.tasks)
    for row in range(ws.not_accepted.list.count()):
        ws.not_accepted.list.setCurrentRow(row)
        settle(qtbot, window.tasks)
        found += check(window, f"not accepted row {row + 1}")
    ws.show_insights()
    settle(qtbot, window.tasks)
    found += check(window, "insights")
    accept_all(window.ctx)
    return found
