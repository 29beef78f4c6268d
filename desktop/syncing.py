"""The sync engine for an enrolled laptop: the composition root.

`desktop` is where vault, store and engine meet (DESIGN.md, "Dependency
direction"): `sync.client` knows nothing of the store, and `ui` reaches
the engine only through here. (`make_engine` is the central record's
database engine, in sync/server; this is the laptop's sync engine.)
"""

from __future__ import annotations

from collections.abc import Callable

from desktop import device
from desktop.enrolment import ca_bundle_for, enrolment
from desktop.replica import StoreReplica
from desktop.store import Store
from desktop.vault import Vault
from sync.client.engine import Progress, SyncEngine, SyncReport
from sync.client.transport import Transport

__all__ = ["Progress", "SyncEngine", "SyncReport", "engine_for"]

PUSH_BATCH = 1000  # mutations per push request (PushRequest's bound)


def engine_for(
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
    transport = Transport(info.server_url, token=token, ca_bundle=ca_bundle_for(vault.profile))

    def revoked() -> None:
        vault.wipe(reason="the central record revoked this device")

    replica = StoreReplica(
        store,
        on_policy=lambda p: vault.set_attempt_limit(p.unlock_attempt_limit),
        on_revoked=on_revoked or revoked,
        worker=info.worker,
    )
    return SyncEngine(transport, replica, push_batch=PUSH_BATCH)
