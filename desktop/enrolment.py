"""Enrolment: joining a laptop to a central record, and getting back in
after a forgotten passphrase.

`enrol` creates the vault, registers the device and deposits the data key
(wrapped for the server) so that `recover` can restore it later. The
non-secret facts of where a profile syncs live in profile.json
(`enrolment`); the device token lives inside the encrypted store.

With the council's identity provider the worker signs in through the
browser first (desktop.provider_sign_in, off the UI thread) and the token it
brings back goes to `enrol_with_provider` / `recover_with_provider` /
`renew_sign_in`; none of them keeps it. Password recovery needs the
one-time code an administrator gives out as well as the password: the
password alone never releases the data key.
"""

from __future__ import annotations

import base64
import platform
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass

from desktop import device, managed, sign_in_methods
from desktop.errors import UserError
from desktop.profile import Profile
from desktop.provider_sign_in import ProviderToken
from desktop.sign_in_methods import SignInChoice
from desktop.store import Store
from desktop.vault import Vault
from sync.client.transport import Transport, check_url
from sync.wire import EnrolResponse

__all__ = [
    "Enrolment",
    "ca_bundle_for",
    "check_url",
    "enrol",
    "enrol_with_provider",
    "enrolment",
    "recover",
    "recover_with_provider",
    "renew_sign_in",
    "sign_in_choice",
]


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


def sign_in_choice(server_url: str | None, *, ca_bundle: str | None = None) -> SignInChoice:
    """How a worker signs in at the central record at `server_url` (asked
    over the network: run it off the UI thread), the council's settings first."""
    council = managed.load()
    server_url = council.address_for(server_url)
    with closing(Transport(server_url, ca_bundle=council.ca_bundle_for(ca_bundle))) as transport:
        methods = transport.sign_in_methods()
    return sign_in_methods.choose(council, methods)


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
    _enrol(
        vault,
        server_url,
        passphrase,
        ca_bundle,
        lambda transport, key: transport.enrol(worker, password, _device(device_name), key),
        SignInChoice(provider=None, password=True),
    )


def enrol_with_provider(
    vault: Vault,
    *,
    server_url: str | None = None,
    token: ProviderToken,
    choice: SignInChoice,
    passphrase: str,
    device_name: str | None = None,
    ca_bundle: str | None = None,
) -> None:
    """`enrol`, signed in through the council's identity provider (`token`
    from desktop.provider_sign_in.sign_in, `choice` from `sign_in_choice`).
    As with `enrol`, a failed enrolment erases the new vault again."""
    _enrol(
        vault,
        server_url,
        passphrase,
        ca_bundle,
        lambda transport, key: transport.enrol_with_provider(
            token.id_token, token.nonce, _device(device_name), key
        ),
        choice,
    )


def _device(name: str | None) -> str:
    return name or platform.node() or "laptop"


def _enrol(
    vault: Vault,
    server_url: str | None,
    passphrase: str,
    ca_bundle: str | None,
    send: Callable[[Transport, str], EnrolResponse],
    choice: SignInChoice,
) -> None:
    """Create the vault, enrol by `send` (given the transport and the data
    key for escrow), store the answer; a failure erases the new vault again."""
    council = managed.load()
    server_url = council.address_for(server_url)
    check_url(server_url)
    store = vault.create(passphrase)
    try:
        transport = Transport(server_url, ca_bundle=council.ca_bundle_for(ca_bundle))
        answer = send(transport, _b64(vault.data_key()))
    except BaseException:
        vault.wipe(reason="enrolment did not complete")
        raise
    _enrolled(vault, store, answer, server_url=server_url, ca_bundle=ca_bundle)
    sign_in_methods.remember(vault.profile, choice)


def _enrolled(
    vault: Vault, store: Store, answer: EnrolResponse, *, server_url: str, ca_bundle: str | None
) -> None:
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


def recover(
    vault: Vault, *, password: str, recovery_code: str | None = None, new_passphrase: str
) -> None:
    """Forgotten passphrase: sign in with the worker password and the
    administrator's one-time recovery code, get the data key back, set a new
    passphrase. Without a valid code the central record answers
    RecoveryCodeNeeded and nothing changes."""
    info = enrolment(vault.profile)
    with closing(Transport(info.server_url, ca_bundle=ca_bundle_for(vault.profile))) as transport:
        escrow = transport.recover(info.worker, password, info.device_id, recovery_code)
    vault.reset_with_key(base64.b64decode(escrow), new_passphrase)


def recover_with_provider(vault: Vault, *, token: ProviderToken, new_passphrase: str) -> None:
    """Forgotten passphrase, with a fresh sign-in at the council's provider."""
    info = enrolment(vault.profile)
    with closing(Transport(info.server_url, ca_bundle=ca_bundle_for(vault.profile))) as transport:
        escrow = transport.recover_with_provider(token.id_token, token.nonce, info.device_id)
    vault.reset_with_key(base64.b64decode(escrow), new_passphrase)


def renew_sign_in(transport: Transport, token: ProviderToken) -> None:
    """The council asked for a fresh sign-in (SignInNeeded): hand it to the
    central record through the device's own transport; sync works again."""
    transport.renew_sign_in(token.id_token, token.nonce)
