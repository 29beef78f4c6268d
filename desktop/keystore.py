"""Where the wrapped data key lives: the OS keyring, never the profile directory.

`keyring` chooses the backend (the Secret Service on a Linux desktop). When it
can only offer its failing backend we refuse, with instructions, rather than
fall back to anything that stores a key in plaintext. The on-disk demo store
exists only behind an explicit flag and announces itself loudly.
"""

from __future__ import annotations

import contextlib
import json
import logging
from pathlib import Path
from typing import Protocol

import keyring
import keyring.errors
from keyring.backend import KeyringBackend

from desktop.errors import KeyringUnavailable
from desktop.profile import write_private_file

log = logging.getLogger(__name__)

DEMO_KEYRING_FILE = "INSECURE-demo-keyring.json"
DEMO_BACKEND_NAME = "caseworker.demo-file (insecure, demo only)"

HOW_TO_ENABLE = (
    "Caseworker keeps its key in the desktop's Secret Service keyring and will not "
    "store it anywhere less safe. Sign in to a desktop session with GNOME Keyring or "
    "KWallet running (on Debian: apt install gnome-keyring), or start one with "
    "`dbus-run-session` and `gnome-keyring-daemon --unlock --components=secrets`. "
    "For a demonstration only, `--insecure-demo-keyring` keeps the passphrase-wrapped "
    "key in a file in the profile."
)


class KeyStore(Protocol):
    """A small secret store addressed by entry name within one profile."""

    backend_name: str

    def get(self, name: str) -> str | None: ...

    def set(self, name: str, value: str) -> None: ...

    def delete(self, name: str) -> None: ...


def backend_name(backend: KeyringBackend) -> str:
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def _usable(backend: KeyringBackend) -> bool:
    from keyring.backends import chainer, fail, null

    if isinstance(backend, fail.Keyring | null.Keyring):
        return False
    if isinstance(backend, chainer.ChainerBackend):
        return bool(backend.backends)
    return True


def _gone_meanwhile() -> tuple[type[BaseException], ...]:
    """What the Secret Service raises for an entry another process deleted
    between finding it and reading (or deleting) it: a vault wiped at the
    unlock limit by a parallel attempt. Not a keyring fault."""
    try:
        from secretstorage.exceptions import ItemNotFoundException
    except ImportError:  # another platform's backend
        return ()
    return (ItemNotFoundException,)


class SystemKeyStore:
    """Entries in the OS keyring under service ``caseworker/<profile id>``."""

    def __init__(self, service: str, backend: KeyringBackend | None = None) -> None:
        self._backend = backend or keyring.get_keyring()
        if not _usable(self._backend):
            raise KeyringUnavailable(f"No secure keyring is available. {HOW_TO_ENABLE}")
        self.service = service
        self.backend_name = backend_name(self._backend)

    def get(self, name: str) -> str | None:
        try:
            return self._backend.get_password(self.service, name)
        except _gone_meanwhile():
            return None
        except keyring.errors.KeyringError as exc:
            raise KeyringUnavailable(
                f"The keyring ({self.backend_name}) could not be read: {exc}. {HOW_TO_ENABLE}"
            ) from None

    def set(self, name: str, value: str) -> None:
        try:
            self._backend.set_password(self.service, name, value)
        except keyring.errors.KeyringError as exc:
            raise KeyringUnavailable(
                f"The keyring ({self.backend_name}) refused to store the key: {exc}. "
                f"{HOW_TO_ENABLE}"
            ) from None

    def delete(self, name: str) -> None:
        # Already gone is the outcome the caller wants.
        with contextlib.suppress(keyring.errors.PasswordDeleteError, *_gone_meanwhile()):
            self._backend.delete_password(self.service, name)


class DemoFileKeyStore:
    """DEMO ONLY: entries in a file inside the profile.

    The vault blob is still wrapped by the passphrase, but it sits beside the
    database, so anyone with the disk and time can attack the passphrase
    offline. Never use this for real case data.
    """

    backend_name = DEMO_BACKEND_NAME

    def __init__(self, profile_dir: Path) -> None:
        self.path = profile_dir / DEMO_KEYRING_FILE
        log.warning(
            "INSECURE DEMO KEYRING in use at %s: the wrapped key is stored beside the "
            "database. Do not use this profile for real case data.",
            self.path,
        )

    def _load(self) -> dict[str, str]:
        try:
            return json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}

    def get(self, name: str) -> str | None:
        return self._load().get(name)

    def set(self, name: str, value: str) -> None:
        data = self._load()
        data[name] = value
        write_private_file(self.path, json.dumps(data))

    def delete(self, name: str) -> None:
        data = self._load()
        if data.pop(name, None) is not None:
            write_private_file(self.path, json.dumps(data))
        if not data:
            self.path.unlink(missing_ok=True)
