"""The sign-in widgets on their own: what each offers for each council
(provider only, provider and password, password only) and what a failed
sign-in says. The flows against a real provider are in test_provider_screens."""

from __future__ import annotations

from desktop.provider_sign_in import ProviderConfig, ProviderSignInFailed
from desktop.sign_in_methods import SignInChoice
from sync.errors import RecoveryCodeNeeded
from ui.lock_screen import FORGOT_TEXT, LockScreen
from ui.recover_dialog import RecoverDialog
from ui.sign_in_banner import SignInBanner

COUNCIL = ProviderConfig("Northshire Council", "https://login.example", "caseworker-laptop")


def test_recovery_offers_the_provider_and_the_password_with_its_code(qtbot):
    dialog = RecoverDialog("sw.one", choice=SignInChoice(provider=COUNCIL, password=True))
    qtbot.addWidget(dialog)
    assert dialog.provider_button is not None
    assert dialog.provider_button.text() == "Sign in with Northshire Council"
    assert dialog.password.isVisibleTo(dialog) and dialog.code.isVisibleTo(dialog)
    assert dialog.go.isVisibleTo(dialog)


def test_recovery_without_a_provider_is_the_password_and_the_code(qtbot):
    dialog = RecoverDialog("sw.one")
    qtbot.addWidget(dialog)
    assert dialog.provider_button is None
    assert dialog.code.isVisibleTo(dialog)
    dialog.password.setText("a password")
    dialog.code.setText("ABCD-EFGH")
    dialog.first.setText("purple kettle under moonlight")
    dialog.second.setText("purple kettle under moonlight")
    with qtbot.waitSignal(dialog.sig_recover) as asked:
        dialog.go.click()
    assert asked.args == ["a password", "ABCD-EFGH", "purple kettle under moonlight"]
    dialog.show_failure(RecoveryCodeNeeded("Ask your council's administrator for a recovery code."))
    assert dialog.code_error.isVisibleTo(dialog) and dialog.code.text() == ""
    assert dialog.go.isEnabled()


def test_a_failed_provider_sign_in_is_said_in_the_dialog(qtbot):
    dialog = RecoverDialog("sw.one", choice=SignInChoice(provider=COUNCIL, password=False))
    qtbot.addWidget(dialog)
    dialog.first.setText("purple kettle under moonlight")
    dialog.second.setText("purple kettle under moonlight")
    with qtbot.waitSignal(dialog.sig_recover_with_provider):
        dialog.provider_button.click()
    assert not dialog.provider_button.isEnabled()  # busy while the browser is open
    dialog.show_failure(ProviderSignInFailed("The sign-in was not finished within 5 minutes."))
    assert "5 minutes" in dialog.error.text()
    assert dialog.provider_button.isEnabled()


def test_the_lock_screen_says_how_to_recover(qtbot):
    plain = LockScreen("sw.one")
    council = LockScreen("sw.one", provider_name="Northshire Council")
    qtbot.addWidget(plain)
    qtbot.addWidget(council)
    assert plain.findChild(type(plain.message), "hint").text() == FORGOT_TEXT
    assert "recovery code" in FORGOT_TEXT
    assert (
        "sign in with Northshire Council" in council.findChild(type(plain.message), "hint").text()
    )


def test_the_banner_keeps_a_wait_and_says_a_failure_kindly(qtbot):
    banner = SignInBanner()
    qtbot.addWidget(banner)
    banner.show()
    banner.ask("Northshire Council")
    assert banner.isVisible() and banner.button.isEnabled()
    banner.set_waiting("Northshire Council")
    banner.ask("Northshire Council")  # a timed sync refused meanwhile
    assert "in your browser" in banner.text.text() and not banner.button.isEnabled()
    banner.failed(ProviderSignInFailed("The sign-in was stopped."))
    assert banner.text.text().startswith("The sign-in was stopped.")
    assert "Your notes are safe" in banner.text.text()
    assert banner.button.isEnabled()
    banner.done()
    assert not banner.isVisible()
