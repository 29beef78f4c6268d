"""The window end to end against the real central record on loopback."""

from __future__ import annotations

import pytest

from sync.server.synthetic import generate_caseload
from tests.helpers import PASSPHRASE, PASSWORD
from ui.app import open_window
from ui.caseload_model import ChildIdRole


@pytest.fixture
def caseload(service, ui_worker):
    batch = generate_caseload(7, 6, 20, workers=[ui_worker])
    service.insert_records(batch.records)
    held = [h for h in batch.holders]
    for child in held:
        service.assign("sw.one", child)
    return {str(c) for c in held}


def _window(qtbot, tasks, vault):
    window = open_window(tasks, vault, auto_sync=False)
    qtbot.addWidget(window)
    return window


def test_first_run_wizard_enrols_syncs_and_shows_the_caseload(
    qtbot, tasks, vault, service, caseload
):
    window = _window(qtbot, tasks, vault)
    wizard = window.wizard
    page = wizard.server_page
    page.address.setText("http://127.0.0.1:1")  # nothing listens: the error goes to the address
    page.worker.setText("sw.one")
    page.password.setText("wrong password")
    wizard.next()
    wizard.passphrase_page.first.setText("short")
    wizard.next()
    assert "at least 10 characters" in wizard.passphrase_page.error.text()
    wizard.passphrase_page.first.setText(PASSPHRASE)
    wizard.passphrase_page.second.setText(PASSPHRASE)
    wizard.next()
    qtbot.waitUntil(
        lambda: wizard.currentPage() is page and page.address_error.isVisible(), timeout=20000
    )
    assert (
        "reach" in page.address_error.text().lower()
        or "connect" in page.address_error.text().lower()
    )
    assert not vault.exists  # a failed enrolment leaves nothing behind

    page.address.setText(service.url)
    wizard.next()
    wizard.next()
    qtbot.waitUntil(lambda: page.sign_in_error.isVisible(), timeout=20000)
    assert wizard.currentPage() is page
    assert page.password.text() == ""

    page.password.setText(PASSWORD)
    wizard.next()
    totals: list[tuple[str, int, int]] = []
    wizard.currentIdChanged.connect(
        lambda _: wizard.runner().sig_progress.connect(
            lambda phase, done, total, _b: totals.append((phase, done, total))
        )
    )
    with qtbot.waitSignal(wizard.sig_first_sync_done, timeout=30000) as done:
        wizard.next()
    report = done.args[0]
    assert report.pulled == 6 * 20  # six children, twenty records each
    # The bar had a total from the first page on, so the worker saw a percentage.
    assert ("pull", 120, 120) in totals
    assert "Done: 120 records" in wizard.sync_page.counts.text()
    with qtbot.waitSignal(window.sig_unlocked, timeout=10000):
        wizard.accept()
    panel = window.workspace.caseload
    qtbot.waitUntil(lambda: panel.model.rowCount() == len(caseload), timeout=10000)
    shown = {panel.proxy.index(r, 0).data(ChildIdRole) for r in range(panel.proxy.rowCount())}
    assert shown == caseload
    assert window.status.waiting.text() == "Nothing waiting to send"
