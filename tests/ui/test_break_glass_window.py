"""Break-the-glass and the audit trail read back, on screen, against a real
central record (issue 17 items 4 and 6): a worker finds a child off their
caseload from the Caseworker menu, states why, and the child opens marked
"Temporary access — ends …"; a short reason or a policy that forbids it is
refused at the field with nothing granted; a coordinator reads who has
seen a child's record from the child's header, the grant's reason among it,
and a social worker is not offered that button at all."""

from __future__ import annotations

import sqlalchemy as sa

from desktop.syncing import engine_for
from sync.server import accounts
from sync.server.glass import NOT_ALLOWED
from sync.server.schema import temporary_access
from sync.wire import Record
from tests.helpers import PASSWORD, Laptop, enrol, settle
from tests.server.devices import new_child
from tests.ui.screens import unlock
from ui.app import open_window
from ui.temporary_access_dialog import REASON_TOO_SHORT

REASON = "Duty: police called about Wren at the station tonight"


def _off_caseload(service) -> str:
    """A child on the central record whom the worker does not hold."""
    child = new_child("Wren")
    service.insert_records([Record.model_validate(child)])
    return child["id"]


def _window(qtbot, tasks, vault, service, worker: str):
    enrol(vault, service.url, worker)
    engine_for(vault).sync()
    vault.lock()
    window = open_window(tasks, vault, auto_sync=False)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    unlock(qtbot, window)
    return window


def _grants(service) -> list:
    with service.engine.connect() as conn:
        return conn.execute(sa.select(temporary_access.c.child_id, temporary_access.c.reason)).all()


def _find(qtbot, dialog, name: str) -> None:
    dialog.name.setText(name)
    with qtbot.waitSignal(dialog.sig_answered, timeout=10000):
        dialog.find_button.click()


def test_a_worker_opens_a_child_off_their_caseload_stating_why(
    qtbot, tasks, vault, service, ui_worker
):
    child = _off_caseload(service)
    window = _window(qtbot, tasks, vault, service, ui_worker)
    window.open_temporarily()
    dialog = window.temporary_dialog
    assert not dialog.go.isEnabled()  # nothing found yet: nothing to open

    dialog.find_button.click()  # nothing typed
    assert "name, a date of birth or an NHS number" in dialog.find_error.text()
    _find(qtbot, dialog, "Wren")
    assert dialog.results.count() == 1
    assert dialog.results.item(0).text().startswith("Wren ")

    dialog.reason.setPlainText("because")  # too short: refused here, nothing asked
    dialog.go.click()
    assert dialog.reason_error.text() == REASON_TOO_SHORT
    assert _grants(service) == []

    dialog.reason.setPlainText(REASON)
    dialog.go.click()
    view = window.workspace.child_view
    qtbot.waitUntil(lambda: view.child_id == child, timeout=20000)
    settle(qtbot, tasks)
    qtbot.waitUntil(lambda: view.header.temporary.isVisibleTo(view), timeout=10000)
    assert view.header.temporary.text().startswith("Temporary access — ends ")
    assert _grants(service) == [(child, REASON)]
    # A social worker reads no audit trail: the button is absent, not disabled.
    assert not hasattr(view, "audit_button")
    window.close()


def test_locking_closes_the_dialog_and_what_it_found(qtbot, tasks, vault, service, ui_worker):
    _off_caseload(service)
    window = _window(qtbot, tasks, vault, service, ui_worker)
    window.open_temporarily()
    dialog = window.temporary_dialog
    _find(qtbot, dialog, "Wren")
    assert dialog.isVisible() and dialog.results.count() == 1
    window.lock()
    assert not dialog.isVisible() and window.temporary_dialog is None
    window.close()


def test_a_policy_that_forbids_break_the_glass_is_said_in_the_dialog(
    qtbot, tasks, vault, service, ui_worker
):
    _off_caseload(service)
    service.set_policy(temporary_access_hours=0)
    window = _window(qtbot, tasks, vault, service, ui_worker)
    window.open_temporarily()
    dialog = window.temporary_dialog
    _find(qtbot, dialog, "Wren")  # the central record refuses even the search
    assert dialog.find_error.text() == NOT_ALLOWED
    assert dialog.results.count() == 0 and not dialog.go.isEnabled()
    assert dialog.isVisible() and _grants(service) == []
    window.close()


def test_a_coordinator_reads_who_has_seen_a_childs_record(
    qtbot, tasks, vault, service, ui_worker, tmp_path
):
    child = _off_caseload(service)
    # Another worker opened the child by break-the-glass, stating why.
    service.add_worker("duty.worker", PASSWORD)
    duty = Laptop.enrolled(tmp_path / "duty", service.url, "duty.worker")
    duty.engine().transport.open_temporarily(child, REASON)
    accounts.set_role(service.engine, ui_worker, "coordinator")
    service.assign(ui_worker, child)
    window = _window(qtbot, tasks, vault, service, ui_worker)
    window.workspace.open_child(child)
    view = window.workspace.child_view
    qtbot.waitUntil(lambda: view.child_name.startswith("Wren"), timeout=10000)
    assert view.audit_button.isVisible()
    view.audit_button.click()
    dialog = view.audit_dialog
    qtbot.waitUntil(lambda: dialog.entries.count() > 0, timeout=10000)
    lines = [dialog.entries.item(i).text() for i in range(dialog.entries.count())]
    assert any("duty.worker" in line and REASON in line for line in lines), lines
    assert dialog.state.text().endswith("oldest first.")
    duty.vault.lock()
    window.close()
