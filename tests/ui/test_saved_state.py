"""Every form says, as visit notes do, whether what it shows is saved on this
laptop only or has reached the central record — and turns to "Sent" once a
sync settles the record: the replica's own settling, and a real sync of the
window with the central record on loopback."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QDate, Qt

from desktop.repository import CaseRepository
from desktop.syncing import engine_for
from tests.helpers import CHILD, enrol
from tests.ui.screens import open_tab, save, unlock, written
from tests.ui.sync_states import accept_all
from ui.app import open_window
from ui.child_tabs.concerns import ConcernsTab
from ui.child_tabs.missing import MissingTab
from ui.child_tabs.plan import PlanTab

NOT_SENT = "Saved on this laptop · not yet sent"
SENT = "Sent to the central record"


def synced(qtbot, ctx, tab) -> None:
    """The central record accepts every waiting edit; the open tab reloads as
    the child view makes it after a sync (`Workspace.refresh`)."""
    accept_all(ctx)
    with qtbot.waitSignal(tab.sig_loaded, timeout=5000):
        ctx.events.sig_records_changed.emit(tab.child_id)


def last_column(tab, row: int = 0) -> str:
    model = tab.model
    return model.index(row, model.columnCount() - 1).data()


def test_a_missing_episode_says_saved_here_then_sent(qtbot, ctx, child_id):
    tab = open_tab(qtbot, ctx, child_id, MissingTab)
    assert tab.state.accessibleName() == "Saved state"
    assert tab.state.text() == "New episode: not saved yet"
    tab.fields["police_reference"].setText("NX/2026/0001")
    tab.edited()
    assert tab.state.text() == "Changes not saved yet"
    save(qtbot, tab)
    assert tab.state.text() == NOT_SENT
    assert tab.model.headerData(tab.model.columnCount() - 1, Qt.Orientation.Horizontal) == "Sent"
    assert last_column(tab) == "Not yet sent"

    synced(qtbot, ctx, tab)
    assert tab.state.text() == SENT
    assert last_column(tab) == "Sent"

    tab.fields["police_reference"].setText("NX/2026/0002")
    tab.edited()
    save(qtbot, tab)  # an edit after the sync waits again
    assert tab.state.text() == NOT_SENT


def test_a_concern_says_saved_here_then_sent(qtbot, ctx, child_id):
    tab = open_tab(qtbot, ctx, child_id, ConcernsTab)
    tab.fields["source"].setText("Neighbour")
    tab.edited()
    save(qtbot, tab)
    assert tab.state.text() == NOT_SENT
    synced(qtbot, ctx, tab)
    assert tab.state.text() == SENT
    assert last_column(tab) == "Sent"


def test_typing_is_not_called_sent_when_a_sync_settles_the_record(qtbot, ctx, child_id):
    tab = open_tab(qtbot, ctx, child_id, ConcernsTab)
    tab.fields["source"].setText("Neighbour")
    tab.edited()
    save(qtbot, tab)
    tab.fields["source"].setText("Neighbour at number 4")
    tab.edited()
    synced(qtbot, ctx, tab)
    assert tab.state.text() == "Changes not saved yet"
    assert tab.fields["source"].text() == "Neighbour at number 4"


def test_a_plan_and_its_actions_say_saved_here_then_sent(qtbot, ctx, child_id):
    tab = open_tab(qtbot, ctx, child_id, PlanTab)
    written(qtbot, tab, tab.new_button.click)
    assert tab.state.text() == NOT_SENT
    tab.new_action()
    dialog = tab.dialog
    dialog.description.setPlainText("Refer to the exploitation hub")
    dialog.due.check.setChecked(True)
    dialog.due.edit.setDate(QDate(2026, 5, 20))
    written(qtbot, tab, dialog.save_button.click)
    actions = tab.action_model
    sent_column = actions.columnCount() - 1
    assert actions.headerData(sent_column, Qt.Orientation.Horizontal) == "Sent"
    assert actions.index(0, sent_column).data() == "Not yet sent"

    synced(qtbot, ctx, tab)
    assert tab.state.text() == SENT
    assert actions.index(0, sent_column).data() == "Sent"


@pytest.fixture
def window(qtbot, tasks, vault, service, ui_worker):
    """The window of an enrolled laptop holding one child the central record has."""
    enrol(vault, service.url, "sw.one")
    child = CaseRepository(vault.store, "sw.one").create("child", dict(CHILD))
    engine_for(vault).sync()
    vault.lock()
    w = open_window(tasks, vault, auto_sync=False)
    qtbot.addWidget(w)
    unlock(qtbot, w)
    w.test_child_id = str(child.id)
    yield w
    w.close()


def test_a_real_sync_turns_the_open_form_to_sent(qtbot, window):
    ws = window.workspace
    ws.open_child(window.test_child_id)
    tab = ws.child_view.tab(ConcernsTab)
    with qtbot.waitSignal(tab.sig_loaded, timeout=5000):
        ws.child_view.show_tab(ConcernsTab)
    tab.fields["source"].setText("Neighbour")
    tab.edited()
    save(qtbot, tab)
    assert tab.state.text() == NOT_SENT

    with qtbot.waitSignal(window.sig_synced, timeout=30000) as done:
        window.sync_now()
    assert done.args[0].pushed
    qtbot.waitUntil(lambda: tab.state.text() == SENT, timeout=5000)
    assert last_column(tab) == "Sent"
