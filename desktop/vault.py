"""The vault: the data key, who may have it, and how it is destroyed.

The database is encrypted with a random 256-bit data key. That key is wrapped
(AES-GCM) by a key derived from the worker's passphrase (Argon2id), and the
wrapped blob lives in the OS keyring — never beside the database. Changing the
passphrase rewraps the key; the database is never rewritten.
"""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import os
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import NoReturn

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from desktop.attempts import AttemptCount
from desktop.errors import (
    KeyringChanged,
    PassphraseRejected,
    VaultExists,
    VaultLocked,
    VaultMissing,
    VaultWiped,
    WrongPassphrase,
)
from desktop.keystore import DemoFileKeyStore, KeyStore, SystemKeyStore
from desktop.profile import Profile
from desktop.store import KEY_BYTES, Store
from desktop.titles import derive_titles_again

log = logging.getLogger(__name__)

ENTRY_NAME = "vault-key"
ENTRY_VERSION = 1
DEFAULT_ATTEMPT_LIMIT = 10
MIN_PASSPHRASE = 10
MAX_PASSPHRASE = 1024


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost. About half a second on a 2-core laptop: slow for an
    attacker guessing offline, quick enough for a worker unlocking. Stored in
    the entry so future releases can raise it without breaking old vaults."""

    time_cost: int = 2
    memory_kib: int = 256 * 1024
    parallelism: int = 2

    def derive(self, passphrase: str, salt: bytes) -> bytes:
        return hash_secret_raw(
            _normalise(passphrase).encode("utf-8"),
            salt,
            time_cost=self.time_cost,
            memory_cost=self.memory_kib,
            parallelism=self.parallelism,
            hash_len=KEY_BYTES,
            type=Type.ID,
        )


def _normalise(passphrase: str) -> str:
    # The same passphrase typed on another keyboard layout may arrive composed
    # differently; NFC makes it derive the same key.
    return unicodedata.normalize("NFC", passphrase)


def check_passphrase_rules(passphrase: str) -> None:
    """Raise `PassphraseRejected` naming the rule a new passphrase breaks."""
    text = _normalise(passphrase)
    if not text.strip():
        raise PassphraseRejected("The passphrase cannot be blank.")
    if len(text) < MIN_PASSPHRASE:
        raise PassphraseRejected(
            f"The passphrase must be at least {MIN_PASSPHRASE} characters long "
            f"(it has {len(text)}). A few unrelated words are easy to remember."
        )
    if len(text) > MAX_PASSPHRASE:
        raise PassphraseRejected(f"The passphrase must be at most {MAX_PASSPHRASE} characters.")
    if len(set(text)) < 4:
        raise PassphraseRejected("The passphrase needs more than a few different characters.")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


_WIPED_MESSAGE = (
    "The passphrase was wrong {limit} times in a row, so the case data on this laptop "
    "has been erased. Nothing that was sent to the central record is lost: enrol this "
    "laptop again to get it back."
)

_WIPED_MEANWHILE = (
    "Too many wrong passphrases were tried at once, so the case data on this laptop "
    "has been erased. Nothing that was sent to the central record is lost: enrol this "
    "laptop again to get it back."
)


class Vault:
    """Create, unlock, lock, rewrap and wipe one profile's encrypted store.

    Not thread-safe: the UI calls it from one thread. While unlocked it holds
    the data key and one open `Store`; `lock()` drops both.
    """

    def __init__(
        self,
        profile: Profile,
        *,
        keystore: KeyStore | None = None,
        insecure_demo_keyring: bool = False,
        kdf: KdfParams | None = None,
    ) -> None:
        self.profile = profile.ensure()
        if keystore is None:
            keystore = (
                DemoFileKeyStore(profile.path)
                if insecure_demo_keyring
                else SystemKeyStore(profile.keyring_service)
            )
        self.keystore = keystore
        self.kdf = kdf or KdfParams()
        self._key: bytearray | None = None
        self._store: Store | None = None
        self.attempts = AttemptCount(self.profile.path)
        # The keyring entry read ahead by `prefetch()`. Reading the Secret
        # Service costs ~15 ms a round trip on D-Bus; the unlock dialog
        # prefetches while the worker types, so pressing Enter costs only the
        # Argon2id step and opening the database. Used once, then re-read.
        # (The count of attempts is not in it: see desktop.attempts.)
        self._prefetched: dict | None = None

    # -- state -----------------------------------------------------------

    @property
    def exists(self) -> bool:
        return self.profile.db_path.exists() or "keyring_backend" in self.profile.settings()

    @property
    def is_unlocked(self) -> bool:
        return self._store is not None and self._store.is_open

    @property
    def store(self) -> Store:
        if self._store is None or not self._store.is_open:
            raise VaultLocked()
        return self._store

    def data_key(self) -> bytes:
        """The raw data key, for escrow with the central record. Unlocked only."""
        if self._key is None:
            raise VaultLocked()
        return bytes(self._key)

    # -- entry in the keyring -----------------------------------------------

    def _read_entry(self) -> dict:
        settings = self.profile.settings()
        wrote = settings.get("keyring_backend")
        if wrote is None and not self.profile.db_path.exists():
            if settings.get("wiped_at"):
                raise VaultMissing(
                    f"The case data on this laptop was erased ({settings.get('wiped_reason')}, "
                    f"{settings['wiped_at']}). Enrol this laptop again to get back what the "
                    "central record holds."
                )
            raise VaultMissing("There is no vault in this profile yet. Enrol this laptop first.")
        if wrote is not None and wrote != self.keystore.backend_name:
            raise KeyringChanged(
                f"This vault's key was stored in the keyring '{wrote}', but the keyring "
                f"available now is '{self.keystore.backend_name}'. The desktop or its "
                "keyring has changed. Sign in to the desktop session that enrolled this "
                "laptop, or use `caseworker recover` to get the key back from the "
                "central record."
            )
        raw = self.keystore.get(ENTRY_NAME)
        if raw is None:
            raise KeyringChanged(
                f"The keyring '{self.keystore.backend_name}' no longer holds this vault's "
                "key (it may have been reset or this profile was copied from another "
                "machine). Use `caseworker recover` to get the key back from the central "
                "record."
            )
        entry = json.loads(raw)
        if entry.get("v") != ENTRY_VERSION:
            raise KeyringChanged("The vault key in the keyring has an unknown format.")
        return entry

    def _write_entry(self, entry: dict) -> None:
        self._prefetched = None
        self.keystore.set(ENTRY_NAME, json.dumps(entry, sort_keys=True))

    def prefetch(self) -> int:
        """Read the keyring entry ahead of `unlock()`; return the attempts left."""
        self._prefetched = self._read_entry()
        return self._attempts_left(self._prefetched)

    def _aad(self) -> bytes:
        # Binds the blob to this profile: a blob copied into another
        # profile's keyring entry will not unwrap there.
        return f"caseworker-vault/{self.profile.profile_id}/v{ENTRY_VERSION}".encode()

    def _wrap(self, key: bytes, passphrase: str, *, failed: int, limit: int) -> dict:
        salt, nonce = os.urandom(16), os.urandom(12)
        kek = self.kdf.derive(passphrase, salt)
        wrapped = AESGCM(kek).encrypt(nonce, key, self._aad())
        return {
            "v": ENTRY_VERSION,
            "backend": self.keystore.backend_name,
            "kdf": {
                "alg": "argon2id",
                "t": self.kdf.time_cost,
                "m": self.kdf.memory_kib,
                "p": self.kdf.parallelism,
            },
            "salt": _b64(salt),
            "nonce": _b64(nonce),
            "wrapped": _b64(wrapped),
            "failed": failed,
            "limit": limit,
        }

    def _unwrap(self, entry: dict, passphrase: str) -> bytes | None:
        kdf = entry["kdf"]
        params = KdfParams(time_cost=kdf["t"], memory_kib=kdf["m"], parallelism=kdf["p"])
        kek = params.derive(passphrase, _unb64(entry["salt"]))
        try:
            nonce, wrapped = _unb64(entry["nonce"]), _unb64(entry["wrapped"])
            return AESGCM(kek).decrypt(nonce, wrapped, self._aad())
        except InvalidTag:
            return None

    # -- lifecycle ---------------------------------------------------------

    def create(self, passphrase: str, *, attempt_limit: int = DEFAULT_ATTEMPT_LIMIT) -> Store:
        """Make a new vault with a fresh random key and open its empty store."""
        check_passphrase_rules(passphrase)
        if self.exists:
            raise VaultExists(f"A vault already exists in {self.profile.path}.")
        key = os.urandom(KEY_BYTES)
        self.attempts.write(0)  # a count left by an erased vault is not this one's
        self._write_entry(self._wrap(key, passphrase, failed=0, limit=attempt_limit))
        self.profile.update_settings(keyring_backend=self.keystore.backend_name)
        return self._open(key)

    def unlock(self, passphrase: str) -> Store:
        """Open the store, or count a failure; at the limit, wipe and say so.

        The attempt is counted before Argon2id runs and uncounted when the
        passphrase is right, under a lock that spans processes
        (`desktop.attempts`): however many unlocks run at once, no more than
        the limit's guesses are ever tried before the wipe. An attempt whose
        process dies meanwhile stays counted.
        """
        entry, self._prefetched = self._prefetched or self._read_entry(), None
        self._begin_attempt(entry)
        key = self._unwrap(entry, passphrase)
        if key is None:
            self._count_failure(entry)
        self._end_attempt(entry)
        return self._open(key)

    def _begin_attempt(self, entry: dict) -> None:
        """Count one attempt. When the count has already reached the limit
        (that many attempts counted, none right), wipe: this guess is not tried."""
        limit = entry.get("limit", DEFAULT_ATTEMPT_LIMIT)
        with self.attempts.locked():
            self._still_there()  # `entry` may have been read before a wipe
            failed = max(self.attempts.read(), entry.get("failed", 0))  # older entries
            if failed >= limit:
                self._wipe_at_limit(limit)
            self.attempts.write(failed + 1)

    def _end_attempt(self, entry: dict) -> None:
        """The passphrase was right: the failures in a row start again from 0."""
        with self.attempts.locked():
            self._still_there()
            self.attempts.write(0)
        if entry.get("failed"):  # counted in the keyring by an older release
            entry["failed"] = 0
            self._write_entry(entry)

    def _still_there(self) -> None:
        # Another process may have wiped the vault while Argon2id ran here.
        if "keyring_backend" not in self.profile.settings():
            raise VaultWiped(_WIPED_MEANWHILE)

    def attempts_left(self) -> int:
        return self._attempts_left(self._read_entry())

    def _attempts_left(self, entry: dict) -> int:
        failed = max(self.attempts.read(), entry.get("failed", 0))
        return entry.get("limit", DEFAULT_ATTEMPT_LIMIT) - failed

    def set_attempt_limit(self, limit: int) -> None:
        """Apply the central record's policy; takes effect at the next unlock."""
        entry = self._read_entry()
        if entry.get("limit") != limit:
            entry["limit"] = limit
            self._write_entry(entry)

    def change_passphrase(self, old: str, new: str) -> None:
        """Rewrap the same data key under a new passphrase. The database file
        is not touched: only the keyring entry changes. The old passphrase is
        an unlock attempt and counted as one."""
        check_passphrase_rules(new)
        entry = self._read_entry()
        self._begin_attempt(entry)
        key = self._unwrap(entry, old)
        if key is None:
            self._count_failure(entry)
        limit = entry.get("limit", DEFAULT_ATTEMPT_LIMIT)
        self._write_entry(self._wrap(key, new, failed=0, limit=limit))
        self._end_attempt({})

    def _count_failure(self, entry: dict) -> NoReturn:
        """A wrong passphrase (already counted): raise, and wipe once the
        failures in a row, counted by every process, have reached the limit."""
        limit = entry.get("limit", DEFAULT_ATTEMPT_LIMIT)
        with self.attempts.locked():
            self._still_there()
            failed = self.attempts.read()
            if failed >= limit:
                self._wipe_at_limit(limit)
        raise WrongPassphrase(limit - failed)

    def _wipe_at_limit(self, limit: int) -> NoReturn:
        self.wipe(reason=f"{limit} wrong passphrases in a row")
        raise VaultWiped(_WIPED_MESSAGE.format(limit=limit))

    def reset_with_key(self, key: bytes, new_passphrase: str) -> Store:
        """Recovery: wrap a data key returned by the central record under a new
        passphrase. The key must open this profile's database."""
        check_passphrase_rules(new_passphrase)
        store = Store(self.profile.db_path, key)  # proves the key before we keep it
        store.close()
        limit = DEFAULT_ATTEMPT_LIMIT
        with contextlib.suppress(KeyringChanged, VaultMissing):
            limit = self._read_entry().get("limit", limit)
        self._write_entry(self._wrap(key, new_passphrase, failed=0, limit=limit))
        with self.attempts.locked():
            self.attempts.write(0)
        self.profile.update_settings(keyring_backend=self.keystore.backend_name)
        return self._open(key)

    def _open(self, key: bytes) -> Store:
        self.lock()
        self._store = Store(self.profile.db_path, key)
        derive_titles_again(self._store)  # words an older Caseworker stored
        for path in self.profile.db_files:
            if path.exists():
                os.chmod(path, 0o600)
        self._key = bytearray(key)
        return self._store

    def lock(self) -> None:
        """Drop the key and close the store; every store access now raises VaultLocked."""
        if self._store is not None:
            self._store.close()
            self._store = None
        if self._key is not None:
            # Best effort: other copies may exist in the driver; this one we can clear.
            for i in range(len(self._key)):
                self._key[i] = 0
            self._key = None

    def wipe(self, *, reason: str) -> None:
        """Erase this device's case data and key, and leave a note saying why."""
        self.lock()
        # Deleting the wrapped key is the real erase: without it the database
        # is ciphertext that no passphrase can open. Deleting the files after
        # is tidiness (and frees the disk); do the key first so a crash
        # between the two still leaves nothing readable.
        self._prefetched = None
        self.keystore.delete(ENTRY_NAME)
        for path in self.profile.db_files:
            path.unlink(missing_ok=True)
        self.profile.update_settings(
            keyring_backend=None,
            wiped_at=datetime.now(UTC).isoformat(timespec="seconds"),
            wiped_reason=reason,
        )
        log.warning("vault wiped: %s", reason)
