"""The sync scheduler: when the app syncs, and the connection it reports."""

from __future__ import annotations

import pytest

from desktop import enrolment
from tests.helpers import PASSPHRASE, PASSWORD
from ui.status_bar import Connection
from ui.sync_runner import SyncRunner
from ui.sync_scheduler import SyncScheduler


@pytest.fixture
def runner(tasks, vault, service, ui_worker):
    enrolment.enrol(
        vault, server_url=service.url, worker=ui_worker, password=PASSWORD, passphrase=PASSPHRASE
    )
    r = SyncRunner(tasks, vault, tasks.db_now(vault.data_key))
    yield r
    r.close()


def test_it_syncs_on_unlock_and_after_an_edit_and_reports_online(qtbot, runner):
    scheduler = SyncScheduler(auto_sync=True)
    scheduler.edit_timer.setInterval(50)
    assert scheduler.connection is Connection.unknown
    with qtbot.waitSignals([scheduler.sig_connection, scheduler.sig_finished], timeout=30000):
        scheduler.attach(runner)
    assert scheduler.connection is Connection.online
    assert scheduler.sync_timer.isActive()
    with qtbot.waitSignal(scheduler.sig_finished, timeout=30000):
        scheduler.local_edit()
    scheduler.close()
    assert not scheduler.sync_timer.isActive() and not scheduler.edit_timer.isActive()
    assert scheduler.runner is None and scheduler.sync_now() is False


def test_without_auto_sync_only_asking_syncs(qtbot, runner):
    scheduler = SyncScheduler(auto_sync=False)
    scheduler.attach(runner)
    scheduler.local_edit()
    assert not scheduler.sync_timer.isActive() and not scheduler.edit_timer.isActive()
    with qtbot.waitSignal(scheduler.sig_finished, timeout=30000) as done:
        assert scheduler.sync_now() is True
        assert scheduler.sync_now() is False  # one at a time
    assert done.args[0].completed_at is not None
    scheduler.close()
