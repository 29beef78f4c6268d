from __future__ import annotations

import hashlib
import stat

import pytest
import secretstorage
import sqlcipher3

from desktop.errors import (
    KeyringChanged,
    PassphraseRejected,
    StoreError,
    VaultLocked,
    VaultMissing,
    VaultWiped,
    WrongPassphrase,
)
from desktop.store import Store
from desktop.vault import ENTRY_NAME, check_passphrase_rules
from tests.helpers import PASSPHRASE

MARKER = "ZEBRA-MARKER-7f3c1e"


def _put(store: Store, key: str, value: str) -> None:
    with store.transaction() as conn:
        conn.execute("INSERT OR REPLACE INTO device_meta (key, value) VALUES (?, ?)", (key, value))


def _get(store: Store, key: str) -> str | None:
    row = store.conn.execute("SELECT value FROM device_meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def _all_keyring_secrets() -> list[bytes]:
    bus = secretstorage.dbus_init()
    found = []
    for collection in secretstorage.get_all_collections(bus):
        for item in collection.get_all_items():
            found.append(item.get_secret())
            found.append(repr(item.get_attributes()).encode())
            found.append(item.get_label().encode())
    return found


def test_planted_marker_is_in_no_profile_file_and_no_keyring_entry(vault, profile):
    store = vault.create(PASSPHRASE)
    for i in range(200):  # enough pages to spill into the WAL and the database
        _put(store, f"k{i}", f"{MARKER} note {i} " + "x" * 300)
    assert _get(store, "k7").startswith(MARKER)
    files = [p for p in profile.path.rglob("*") if p.is_file()]
    assert any(p.name.endswith("-wal") for p in files), "WAL mode should leave a -wal file"
    for path in files:
        data = path.read_bytes()
        assert MARKER.encode() not in data, path
        assert MARKER.encode("utf-16-le") not in data, path
    vault.lock()
    for path in (p for p in profile.path.rglob("*") if p.is_file()):
        assert MARKER.encode() not in path.read_bytes(), path
    secrets = _all_keyring_secrets()
    assert secrets, "the vault entry should be in the Secret Service"
    assert all(MARKER.encode() not in s for s in secrets)


def test_wrapped_key_never_in_profile_directory(vault, profile):
    vault.create(PASSPHRASE)
    raw = vault.keystore.get(ENTRY_NAME)
    assert raw and '"wrapped"' in raw
    wrapped = raw.split('"wrapped": "')[1].split('"')[0]
    for path in (p for p in profile.path.rglob("*") if p.is_file()):
        assert wrapped.encode() not in path.read_bytes()


def test_database_refuses_wrong_key_and_no_key(vault, profile):
    store = vault.create(PASSPHRASE)
    _put(store, "a", "b")
    vault.lock()
    with pytest.raises(StoreError, match="could not be decrypted"):
        Store(profile.db_path, b"\x01" * 32)
    conn = sqlcipher3.connect(str(profile.db_path))
    with pytest.raises(sqlcipher3.DatabaseError):
        conn.execute("SELECT * FROM device_meta").fetchall()
    conn.close()


def test_wrong_passphrase_cannot_unwrap(vault):
    vault.create(PASSPHRASE)
    vault.lock()
    entry = vault._read_entry()
    assert vault._unwrap(entry, "not the passphrase at all") is None
    assert vault._unwrap(entry, PASSPHRASE) is not None


def test_wrong_passphrase_counts_down_across_restarts_then_wipes(make_vault, profile):
    v = make_vault()
    store = v.create(PASSPHRASE, attempt_limit=4)
    _put(store, "note", "kept")
    v.lock()
    with pytest.raises(WrongPassphrase) as first:
        v.unlock("wrong passphrase one")
    assert first.value.attempts_left == 3
    assert "3 attempts left" in first.value.message

    restarted = make_vault()  # a new process would build a new Vault object
    assert restarted.attempts_left() == 3
    with pytest.raises(WrongPassphrase) as second:
        restarted.unlock("wrong passphrase two")
    assert second.value.attempts_left == 2
    with pytest.raises(WrongPassphrase) as last_warning:
        restarted.unlock("wrong passphrase three")
    assert last_warning.value.attempts_left == 1
    assert "erases" in last_warning.value.message

    with pytest.raises(VaultWiped, match="erased"):
        make_vault().unlock("wrong passphrase four")
    assert not any(p.exists() for p in profile.db_files)
    assert restarted.keystore.get(ENTRY_NAME) is None
    assert "wiped_reason" in profile.settings()
    with pytest.raises(VaultMissing):
        make_vault().unlock(PASSPHRASE)


def test_right_passphrase_resets_the_count(vault):
    vault.create(PASSPHRASE, attempt_limit=5)
    vault.lock()
    with pytest.raises(WrongPassphrase):
        vault.unlock("wrong passphrase here")
    vault.unlock(PASSPHRASE)
    assert vault.attempts_left() == 5


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_change_passphrase_rewraps_only(vault, profile):
    store = vault.create(PASSPHRASE)
    _put(store, "note", "still here")
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    vault.lock()
    before = {p.name: (_digest(p), p.stat().st_mtime_ns) for p in profile.db_files if p.exists()}

    vault.change_passphrase(PASSPHRASE, "a brand new passphrase")

    after = {p.name: (_digest(p), p.stat().st_mtime_ns) for p in profile.db_files if p.exists()}
    assert before == after, "changing the passphrase must not rewrite the database"
    with pytest.raises(WrongPassphrase):
        vault.unlock(PASSPHRASE)
    assert _get(vault.unlock("a brand new passphrase"), "note") == "still here"


def test_change_passphrase_with_wrong_old_is_counted(vault):
    vault.create(PASSPHRASE, attempt_limit=5)
    vault.lock()
    with pytest.raises(WrongPassphrase):
        vault.change_passphrase("not the old one", "a brand new passphrase")
    assert vault.attempts_left() == 4


def test_lock_drops_the_key(vault):
    store = vault.create(PASSPHRASE)
    _put(store, "a", "1")
    vault.lock()
    with pytest.raises(VaultLocked):
        _put(store, "a", "2")
    with pytest.raises(VaultLocked):
        vault.store  # noqa: B018
    with pytest.raises(VaultLocked):
        vault.data_key()
    assert _get(vault.unlock(PASSPHRASE), "a") == "1"


def test_keyring_backend_change_is_named(vault, profile):
    vault.create(PASSPHRASE)
    vault.lock()
    profile.update_settings(keyring_backend="keyring.backends.kwallet.DBusKeyring")
    with pytest.raises(KeyringChanged) as err:
        vault.unlock(PASSPHRASE)
    assert "kwallet" in err.value.message and "SecretService" in err.value.message


def test_lost_keyring_entry_is_named_not_cannot_open(vault):
    vault.create(PASSPHRASE)
    vault.lock()
    vault.keystore.delete(ENTRY_NAME)
    with pytest.raises(KeyringChanged, match="no longer holds"):
        vault.unlock(PASSPHRASE)


def test_blob_is_bound_to_its_profile(make_vault, tmp_path):
    from desktop.profile import Profile

    a = make_vault(Profile(tmp_path / "a").ensure())
    b = make_vault(Profile(tmp_path / "b").ensure())
    a.create(PASSPHRASE)
    b.create(PASSPHRASE)
    a.lock()
    b.lock()
    b.keystore.set(ENTRY_NAME, a.keystore.get(ENTRY_NAME))
    with pytest.raises(WrongPassphrase):
        b.unlock(PASSPHRASE)


def test_recovery_key_rewraps_under_new_passphrase(vault):
    store = vault.create(PASSPHRASE)
    _put(store, "unsent", "visit note")
    key = vault.data_key()
    vault.lock()
    store = vault.reset_with_key(key, "recovered passphrase")
    assert _get(store, "unsent") == "visit note"
    vault.lock()
    with pytest.raises(WrongPassphrase):
        vault.unlock(PASSPHRASE)


def test_recovery_with_a_wrong_key_is_refused(vault):
    vault.create(PASSPHRASE)
    vault.lock()
    with pytest.raises(StoreError):
        vault.reset_with_key(b"\x02" * 32, "recovered passphrase")
    assert _get(vault.unlock(PASSPHRASE), "k") is None


def test_profile_files_are_owner_only(vault, profile):
    vault.create(PASSPHRASE)
    assert stat.S_IMODE(profile.path.stat().st_mode) == 0o700
    for path in (p for p in profile.path.iterdir() if p.is_file()):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


@pytest.mark.parametrize(
    ("passphrase", "words"),
    [
        ("", "blank"),
        ("          ", "blank"),
        ("short", "at least 10"),
        ("aaaaaaaaaaaa", "different"),
    ],
)
def test_passphrase_rules_name_the_problem(passphrase, words):
    with pytest.raises(PassphraseRejected, match=words):
        check_passphrase_rules(passphrase)


def test_weak_passphrase_creates_nothing(vault, profile):
    with pytest.raises(PassphraseRejected):
        vault.create("short")
    assert not profile.db_path.exists()
    assert vault.keystore.get(ENTRY_NAME) is None


def test_prefetched_entry_is_used_once(vault):
    vault.create(PASSPHRASE, attempt_limit=5)
    vault.lock()
    assert vault.prefetch() == 5
    with pytest.raises(WrongPassphrase):
        vault.unlock("wrong passphrase here")
    assert vault.prefetch() == 4  # the failure reached the keyring, not just the cache
    vault.unlock(PASSPHRASE)
    assert vault.is_unlocked
