"""The user-facing errors of the core.

Expected failures (a wrong passphrase, a locked vault, an unreachable server)
are ``UserError``s carrying a plain message that the UI and the CLI show as is.
Anything else is a bug and goes to the crash path. Messages never contain
case content.
"""

from __future__ import annotations


class UserError(Exception):
    """An expected failure with a message fit to show a worker."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class VaultMissing(UserError):
    """No vault has been created in this profile."""


class VaultExists(UserError):
    """A vault already exists where one was about to be created."""


class VaultLocked(UserError):
    """The data key is not in memory; unlock first."""

    def __init__(self, message: str = "") -> None:
        super().__init__(message or "Caseworker is locked. Unlock it with your passphrase.")


class WrongPassphrase(UserError):
    def __init__(self, attempts_left: int) -> None:
        plural = "attempt" if attempts_left == 1 else "attempts"
        msg = f"That passphrase is not right. {attempts_left} {plural} left"
        if attempts_left == 1:
            msg += " — one more wrong passphrase erases the case data on this laptop"
        super().__init__(msg + ".")
        self.attempts_left = attempts_left


class VaultWiped(UserError):
    """The vault was erased (too many failed unlocks, revocation, or on request)."""


class PassphraseRejected(UserError):
    """A new passphrase does not meet the rules."""


class KeyringUnavailable(UserError):
    """No usable OS keyring (Secret Service) is available."""


class KeyringChanged(UserError):
    """The keyring that holds the wrapped key is not the one that wrote it, or lost it."""


class StoreError(UserError):
    """The encrypted database cannot be opened or is damaged."""


class LeaseExpired(UserError):
    """Too long since the last sync: case records are hidden until the next one."""

    def __init__(self) -> None:
        super().__init__(
            "This laptop has not synced with the central record for too long, so case "
            "records are hidden until it syncs again. You can still record a new visit."
        )
