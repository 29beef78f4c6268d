"""A forgotten passphrase is recovered from the lock screen against the real
central record: sign in with the worker password and the administrator's
one-time recovery code, choose a new passphrase, and the window unlocks;
the old passphrase no longer opens the laptop, and the code is used up."""

from __future__ import annotations

import pytest

from desktop import enrolment
from desktop.repository import CaseRepository
from sync.errors import RecoveryCodeNeeded
from sync.server.testing import recovery_code
from tests.helpers import CHILD, PASSPHRASE, PASSWORD, enrol
from tests.ui.screens import unlock
from ui.app import open_window

NEW_PASSPHRASE = "purple kettle under moonlight"


@pytest.fixture
def window(qtbot, tasks, vault, service, ui_worker):
    enrol(vault, service.url, ui_worker)
    CaseRepository(vault.store, ui_worker).create("child", dict(CHILD))
    vault.lock()
    w = open_window(tasks, vault, auto_sync=False)
    qtbot.addWidget(w)
    yield w
    w.close()


def _dialog(qtbot, window):
    window.lock_screen.forgot_button.click()
    qtbot.waitUntil(lambda: window.recover_dialog is not None, timeout=2000)
    dialog = window.recover_dialog
    qtbot.waitUntil(dialog.isVisible, timeout=2000)
    return dialog


def test_the_lock_screen_recovers_a_forgotten_passphrase(qtbot, window, vault, service):
    dialog = _dialog(qtbot, window)
    code = recovery_code(service.engine, vault.profile.settings()["device_id"])
    # The right password without a good code: said at the code, nothing changes.
    dialog.password.setText(PASSWORD)
    dialog.code.setText("AAAA-BBBB-CCCC")
    dialog.first.setText(NEW_PASSPHRASE)
    dialog.second.setText(NEW_PASSPHRASE)
    dialog.go.click()
    qtbot.waitUntil(dialog.code_error.isVisible, timeout=20000)
    assert "administrator" in dialog.code_error.text()
    assert window.workspace is None
    # The wrong password: said at the password, nothing changes.
    dialog.password.setText("not the password")
    dialog.code.setText(code)
    dialog.first.setText(NEW_PASSPHRASE)
    dialog.second.setText(NEW_PASSPHRASE)
    dialog.go.click()
    qtbot.waitUntil(dialog.password_error.isVisible, timeout=20000)
    assert "password" in dialog.password_error.text()
    assert window.workspace is None

    dialog.password.setText(PASSWORD)
    with qtbot.waitSignal(window.sig_unlocked, timeout=30000):
        dialog.go.click()
    assert window.workspace is not None and window.recover_dialog is None
    # Used up: the same code never opens the key again.
    with pytest.raises(RecoveryCodeNeeded):
        enrolment.recover(
            vault, password=PASSWORD, recovery_code=code, new_passphrase="another long passphrase"
        )

    with qtbot.waitSignal(window.sig_locked, timeout=5000):
        window.lock()
    window.lock_screen.passphrase.setText(PASSPHRASE)  # the forgotten one
    window.lock_screen.unlock_button.click()
    qtbot.waitUntil(window.lock_screen.message.isVisible, timeout=10000)
    assert window.workspace is None
    unlock(qtbot, window, NEW_PASSPHRASE)


def test_the_new_passphrase_is_checked_before_signing_in(qtbot, window):
    dialog = _dialog(qtbot, window)
    dialog.password.setText(PASSWORD)
    dialog.code.setText("RECOVERY-CODE")
    dialog.first.setText(NEW_PASSPHRASE)
    dialog.second.setText(NEW_PASSPHRASE + " typo")
    dialog.go.click()
    assert dialog.passphrase_error.isVisible()
    assert "not the same" in dialog.passphrase_error.text()
    dialog.first.setText("short")
    dialog.go.click()
    assert "at least" in dialog.passphrase_error.text()
    assert dialog.go.isEnabled()  # nothing was sent


def test_password_recovery_asks_for_the_administrators_code(qtbot, window):
    """The password alone never gets the data key back: no code, nothing sent."""
    dialog = _dialog(qtbot, window)
    assert dialog.code.isVisibleTo(dialog)
    dialog.password.setText(PASSWORD)
    dialog.first.setText(NEW_PASSPHRASE)
    dialog.second.setText(NEW_PASSPHRASE)
    dialog.go.click()
    assert dialog.code_error.isVisibleTo(dialog)
    assert "recovery code" in dialog.code_error.text()
    assert dialog.go.isEnabled() and window.workspace is None
