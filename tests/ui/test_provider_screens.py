"""The screens with the council's identity provider, against Canaille and the
central record on loopback: the wizard's "Sign in with <council>", the lock
screen's recovery through the provider, and the window's "sign in again"
banner after `sign_in_needed`, sync resuming once signed in.

With PROVIDER_SCREENSHOTS=<dir> the screens are saved there as PNGs (the
window at 1366×768), to look at."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWidget

from desktop import enrolment, outbox, provider_sign_in
from desktop.repository import CaseRepository
from sync.server import schema
from tests.helpers import CHILD, PASSPHRASE, require_secret_service
from tests.oidc.laptop import (
    Clock,
    FormBrowser,
    laptop_of_council,
    provider_service,
    social_worker_at_provider,
)
from tests.ui.screens import unlock
from ui.app import open_window

NEW_PASSPHRASE = "purple kettle under moonlight"
LOGIN = "sw-laptop-3"


def _shot(widget: QWidget, name: str) -> None:
    out = os.environ.get("PROVIDER_SCREENSHOTS")
    if out:
        Path(out).mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(Path(out) / f"{name}.png"), "PNG")


@pytest.fixture
def laptop(iam_server, tmp_path, monkeypatch):
    with laptop_of_council(iam_server, tmp_path, monkeypatch) as laptop:
        yield laptop


@pytest.fixture
def worker(iam_server):
    with social_worker_at_provider(iam_server, LOGIN) as user:
        yield user


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime.now(UTC))


@pytest.fixture
def service(tmp_path, iam_server, clock):
    with provider_service(
        None, tmp_path=tmp_path, iam_server=iam_server, clock=clock,
        password_sign_in=False, renew_days=14,
    ) as svc:  # fmt: skip
        yield svc


def _enrolled(vault, service) -> None:
    require_secret_service()
    choice = enrolment.sign_in_choice(service.url)
    token = provider_sign_in.sign_in(
        choice.provider, open_browser=FormBrowser(login=LOGIN), port=choice.loopback_port
    )
    enrolment.enrol_with_provider(
        vault, server_url=service.url, token=token, choice=choice, passphrase=PASSPHRASE
    )


def _window(qtbot, tasks, vault):
    window = open_window(tasks, vault, auto_sync=False)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.open_browser = FormBrowser(login=LOGIN)
    return window


def test_the_wizard_signs_in_with_the_council_and_enrols(
    qtbot, tasks, vault, service, laptop, worker
):
    require_secret_service()
    window = _window(qtbot, tasks, vault)
    wizard = window.wizard
    wizard.resize(1366, 768)
    wizard.open_browser = FormBrowser(login=LOGIN)
    page = wizard.server_page
    # The council's settings name the provider: offered before any address.
    assert page.provider_button.isVisibleTo(page)
    page.address.setText(service.url)
    wizard.look_up_sign_in()
    # The central record says passwords are off: only the provider's button.
    qtbot.waitUntil(lambda: not page.worker.isVisibleTo(page), timeout=10000)
    assert page.provider_button.text() == "&Sign in with Northshire Council"
    assert not page.password.isVisibleTo(page)
    _shot(wizard, "wizard-sign-in-with-council")
    wizard.next()  # not signed in yet: said, and the page stays
    assert wizard.currentPage() is page
    assert "Sign in with Northshire Council" in page.sign_in_error.text()

    page.provider_button.click()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.passphrase_page, timeout=30000)
    wizard.passphrase_page.first.setText(PASSPHRASE)
    wizard.passphrase_page.second.setText(PASSPHRASE)
    wizard.next()
    qtbot.waitUntil(lambda: wizard.passphrase_page.enrolled, timeout=30000)
    assert vault.profile.settings()["worker"] == LOGIN
    assert vault.profile.settings()["sign_in"]["password"] is False


def test_the_lock_screen_recovers_with_the_council(qtbot, tasks, vault, service, laptop, worker):
    _enrolled(vault, service)
    CaseRepository(vault.store, LOGIN).create("child", dict(CHILD))
    vault.lock()
    window = _window(qtbot, tasks, vault)
    window.show()
    screen = window.lock_screen
    assert "sign in with Northshire Council" in screen.findChild(QWidget, "hint").text()
    _shot(window, "lock-screen-with-council")
    screen.forgot_button.click()
    qtbot.waitUntil(lambda: window.recover_dialog is not None, timeout=2000)
    dialog = window.recover_dialog
    qtbot.waitUntil(dialog.isVisible, timeout=2000)
    # Passwords are off at this council: no password, no recovery code.
    assert dialog.provider_button is not None
    assert not dialog.password.isVisibleTo(dialog) and not dialog.code.isVisibleTo(dialog)
    dialog.first.setText(NEW_PASSPHRASE)
    dialog.second.setText(NEW_PASSPHRASE)
    _shot(dialog, "recover-with-council")
    with qtbot.waitSignal(window.sig_unlocked, timeout=30000):
        dialog.provider_button.click()
    with qtbot.waitSignal(window.sig_locked, timeout=5000):
        window.lock()
    unlock(qtbot, window, NEW_PASSPHRASE)


def test_the_banner_asks_for_a_sign_in_and_sync_resumes(
    qtbot, tasks, vault, service, laptop, worker, clock
):
    _enrolled(vault, service)
    with service.engine.begin() as conn:
        conn.execute(
            schema.devices.update()
            .where(schema.devices.c.id == vault.profile.settings()["device_id"])
            .values(signed_in_at=clock.now - timedelta(days=15))
        )
    CaseRepository(vault.store, LOGIN).create("child", dict(CHILD))
    vault.lock()
    window = _window(qtbot, tasks, vault)
    window.show()
    unlock(qtbot, window)
    banner = window.sign_in_banner
    assert not banner.isVisible()
    with qtbot.waitSignal(window.scheduler.sig_failed, timeout=30000):
        window.sync_now()
    assert banner.isVisible()
    assert banner.text.text() == "Your council needs you to sign in again to keep syncing."
    assert banner.button.text() == "Sign in with Northshire Council"
    assert window.workspace is not None  # recording goes on
    _shot(window, "window-sign-in-again")
    with qtbot.waitSignal(window.sig_synced, timeout=30000) as synced:
        banner.button.click()
    assert synced.args[0].pushed == 1
    assert not banner.isVisible()
    assert tasks.db_now(lambda: outbox.pending(vault.store.conn)) == []
