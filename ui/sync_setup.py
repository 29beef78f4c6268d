"""Wiring the vault, the local store and the sync engine together.

This is the composition root (DESIGN.md: ui -> desktop, sync): `desktop`
knows nothing of the engine and `sync` nothing of the store.
"""

from __future__ import annotations

import base64
import platform
from collections.abc import Callable
from dataclasses import dataclass

from desktop import device
from desktop.errors import UserError
from desktop.profile import Profile
from desktop.replica import StoreReplica
from desktop.store import Store
from desktop.vault import Vault
from sync.client.engine import SyncEngine
from sync.client.transport import Transport, check_url
from sync.errors import SyncError


def _b64(key: bytes) -> str:
    return base64.b64encode(key).decode()


@dataclass
class Enrolment:
    server_url: str
    worker: str
    device_id: str


def enrolment(profile: Profile) -> Enrolment:
    """The non-secret facts that say where this profile syncs (in profile.json)."""
    s = profile.settings()
    if not s.get("server_url") or not s.get("device_id"):
        raise UserError("This laptop is not enrolled yet: run `caseworker enrol` first.")
    return Enrolment(s["server_url"], s["worker"], s["device_id"])


def enrol(
    vault: Vault,
    *,
    server_url: str,
    worker: str,
    password: str,
    passphrase: str,
    device_name: str | None = None,
    ca_bundle: str | None = None,
) -> None:
    """Create the vault, enrol with the central record, deposit the key.

    If enrolment fails the new vault is erased again, so the worker can
    simply retry; nothing else was in it.
    """
    check_url(server_url)
    store = vault.create(passphrase)
    try:
        transport = Transport(server_url, ca_bundle=ca_bundle)
        answer = transport.enrol(
            worker, password, device_name or platform.node() or "laptop", _b64(vault.data_key())
        )
    except BaseException:
        vault.wipe(reason="enrolment did not complete")
        raise
    with store.transaction() as conn:
        device.set_meta(conn, "device_token", answer.device_token)
        device.set_meta(conn, "policy", answer.policy.model_dump_json())
    vault.set_attempt_limit(answer.policy.unlock_attempt_limit)
    vault.profile.update_settings(
        server_url=server_url,
        worker=answer.worker,
        device_id=str(answer.device_id),
        ca_bundle=ca_bundle,
        wiped_at=None,
        wiped_reason=None,
    )


def make_engine(
    vault: Vault,
    *,
    store: Store | None = None,
    on_revoked: Callable[[], None] | None = None,
) -> SyncEngine:
    """An engine for an unlocked, enrolled vault.

    The app passes a second connection (`store`) so that sync never shares
    the UI's database thread, and its own `on_revoked` so the wipe happens on
    that thread; scripts use the vault's store and wipe at once.
    """
    info = enrolment(vault.profile)
    store = store or vault.store
    token = device.get_meta(store.conn, "device_token")
    transport = Transport(
        info.server_url, token=token, ca_bundle=vault.profile.settings().get("ca_bundle")
    )

    def revoked() -> None:
        vault.wipe(reason="the central record revoked this device")

    replica = StoreReplica(
        store,
        on_policy=lambda p: vault.set_attempt_limit(p.unlock_attempt_limit),
        on_revoked=on_revoked or revoked,
    )
    return SyncEngine(transport, replica, push_batch=200)


def recover(vault: Vault, *, password: str, new_passphrase: str) -> None:
    """Forgotten passphrase: sign in, get the data key back, set a new passphrase."""
    info = enrolment(vault.profile)
    transport = Transport(info.server_url, ca_bundle=vault.profile.settings().get("ca_bundle"))
    key = base64.b64decode(transport.recover(info.worker, password, info.device_id))
    vault.reset_with_key(key, new_passphrase)


__all__ = ["Enrolment", "SyncError", "enrol", "enrolment", "make_engine", "recover"]
