"""Signing in with the council's identity provider from the screens: the
worker's browser opened on the UI thread, the wait on the sign-in worker
(ui.tasks), the token handed back to the screen that asked.

The wizard, the forgotten-passphrase dialog and the window's "sign in again"
banner all go through `sign_in_op`; the token stays in memory only, for the
one request it is for.
"""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices

from desktop import provider_sign_in
from desktop.provider_sign_in import Opener, ProviderToken
from desktop.sign_in_methods import SignInChoice
from ui.tasks import Op, Tasks


def system_browser(tasks: Tasks) -> Opener:
    """Opens an address in the worker's default browser (Qt wants the UI thread)."""

    def show(url: str) -> None:
        QDesktopServices.openUrl(QUrl(url))

    def open_url(url: str) -> None:
        tasks.call_soon(lambda: show(url))

    return open_url


def sign_in_op(
    tasks: Tasks,
    choice: SignInChoice,
    *,
    ca_bundle: str | None,
    open_browser: Opener | None = None,
) -> Op[ProviderToken]:
    """The provider sign-in as a background call; queue it with
    `.success(...).failure(...).run()`. Quitting the app ends the wait."""
    provider = choice.provider
    if provider is None:
        raise ValueError("no identity provider to sign in with")
    opener = open_browser or system_browser(tasks)
    return tasks.sign_in(
        lambda: provider_sign_in.sign_in(
            provider,
            open_browser=opener,
            ca_bundle=ca_bundle,
            port=choice.loopback_port,
            cancelled=lambda: tasks.closed,
        )
    )
