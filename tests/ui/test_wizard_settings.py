"""The first-run wizard with the council's managed settings."""

from __future__ import annotations

from desktop import managed
from tests.helpers import PASSPHRASE, PASSWORD
from ui.app import open_window


def test_a_locked_address_is_shown_read_only_and_enrolled_with(
    qtbot, tasks, vault, service, ui_worker, tmp_path, monkeypatch
):
    machine = tmp_path / "settings.toml"
    machine.write_text(f'address = "{service.url}"\nlocked = ["address"]\n')
    monkeypatch.setenv(managed.ENV_MACHINE, str(machine))
    window = open_window(tasks, vault, auto_sync=False)
    qtbot.addWidget(window)
    wizard = window.wizard
    page = wizard.server_page
    assert page.address.text() == service.url
    assert page.address.isReadOnly()
    assert page.locked_note.isVisibleTo(page)
    assert page.locked_note.text() == f"Set by your council's IT (in {machine})."
    assert not page.settings_problems.isVisibleTo(page)
    page.worker.setText(ui_worker)
    page.password.setText(PASSWORD)
    wizard.next()
    wizard.passphrase_page.first.setText(PASSPHRASE)
    wizard.passphrase_page.second.setText(PASSPHRASE)
    wizard.next()
    qtbot.waitUntil(lambda: wizard.passphrase_page.enrolled, timeout=20000)
    assert vault.profile.settings()["server_url"] == service.url


def test_a_bad_settings_file_is_named_and_the_wizard_still_opens(
    qtbot, tasks, vault, tmp_path, monkeypatch
):
    machine = tmp_path / "settings.toml"
    machine.write_text('address = "ftp://caserecord"\nlocked = "address"\n')
    monkeypatch.setenv(managed.ENV_MACHINE, str(machine))
    window = open_window(tasks, vault, auto_sync=False)
    qtbot.addWidget(window)
    page = window.wizard.server_page
    assert not page.address.isReadOnly() and page.address.text() == ""
    assert page.settings_problems.isVisibleTo(page)
    text = page.settings_problems.text()
    assert f"Settings file {machine}: 'address' must start with https://" in text
    assert f"Settings file {machine}: 'locked' must be a list of setting names" in text
