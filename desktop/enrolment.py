"""Enrolment: joining a laptop to a central record, and getting back in
after a forgotten passphrase.

`enrol` creates the vault, registers the device and deposits the data key
(wrapped for the server) so that `recover` can restore it later. The
non-secret facts of where a profile syncs live in profile.json
(`enrolment`); the device token lives inside the encrypted store.
"""

from __future__ import annotations

import base64
import platform
from dataclasses import dataclass

from desktop import device, managed
from desktop.errors import UserError
from desktop.profile import Profile
from desktop.vault import Vault
from sync.client.transport import Transport, check_url

__all__ = ["Enrolment", "ca_bundle_for", "check_url", "enrol", "enrolment", "recover"]


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


def ca_bundle_for(profile: Profile) -> str | None:
    """The CA bundle this profile's requests use: the council's managed one
    when it is locked (a CA the council replaced reaches every laptop), else
    the one given at enrolment, else the council's default."""
    return managed.load().ca_bundle_for(profile.settings().get("ca_bundle"))


def enrol(
    vault: Vault,
    *,
    server_url: str | None = None,
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
    council = managed.load()
    server_url = council.address_for(server_url)
    check_url(server_url)
    store = vault.create(passphrase)
    try:
        transport = Transport(server_url, ca_bundle=council.ca_bundle_for(ca_bundle))
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


def recover(vault: Vault, *, password: str, new_passphrase: str) -> None:
    """Forgotten passphrase: sign in, get the data key back, set a new passphrase."""
    info = enrolment(vault.profile)
    transport = Transport(info.server_url, ca_bundle=ca_bundle_for(vault.profile))
    key = base64.b64decode(transport.recover(info.worker, password, info.device_id))
    vault.reset_with_key(key, new_passphrase)
