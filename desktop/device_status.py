"""What this laptop can say about its sync without showing case content:
the last sync, changes waiting, changes refused, conflicts, the lease, and
which version of the council's rules applies.

One `DeviceStatus` feeds both `caseworker status` and the status bar, so
the two never disagree about a count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from desktop import conflicts, device, outbox, restored
from desktop.account import SignedInAs, signed_in_as
from desktop.council_rules import BUNDLED, held_version, in_force_words
from desktop.device import Lease
from desktop.vault import Vault


@dataclass(frozen=True)
class DeviceStatus:
    worker: str | None
    server: str | None
    #: changes waiting to send (the outbox's pending mutations)
    waiting: int
    #: changes the central record refused, until the worker settles them
    refused: int
    #: open conflicts, until the worker resolves them
    conflicts: int
    lease: Lease
    #: which due-date rules and screening tools apply, in words
    #: ("Council rules version 3, Thu 12 Nov 2026", or the bundled defaults)
    council_rules: str = BUNDLED
    #: their version number; None while the bundled defaults apply
    council_rules_version: int | None = None
    #: revisions a restore of the central record lost that this laptop
    #: cannot send back (another worker wrote them; desktop.restored)
    unrecovered: int = 0

    @property
    def unrecovered_words(self) -> str:
        """The status bar's and `caseworker status`'s sentence ('' when none)."""
        n = self.unrecovered
        if not n:
            return ""
        return (
            f"{n} record{'s' if n != 1 else ''} lost when the central record was restored "
            "from a backup: written by other workers, not sent back from this laptop"
        )

    #: who is signed in, as the last sync heard it (None before one said)
    signed_in: SignedInAs | None = None

    @property
    def last_sync(self) -> datetime | None:
        return self.lease.last_sync

    def as_json(self) -> dict[str, Any]:
        """The keys `caseworker status --json` has always printed."""
        return {
            "worker": self.worker,
            "server": self.server,
            "last_sync": self.last_sync.isoformat() if self.last_sync else None,
            "pending_mutations": self.waiting,
            "rejected_mutations": self.refused,
            "conflicts": self.conflicts,
            "lease_days_left": self.lease.days_left,
            "lease_expired": self.lease.expired,
        }


def device_status(vault: Vault) -> DeviceStatus:
    """The status of an unlocked vault; counts only, never case content.
    Reads the store outside the lease gate: these figures say why records
    are hidden, so they must show when they are."""
    conn = vault.store.conn
    settings = vault.profile.settings()
    return DeviceStatus(
        worker=settings.get("worker"),
        server=settings.get("server_url"),
        waiting=outbox.pending_count(conn),
        refused=outbox.rejected_count(conn),
        conflicts=conflicts.open_count(conn),
        lease=device.lease(conn),
        council_rules=in_force_words(conn),
        council_rules_version=held_version(conn),
        unrecovered=restored.unrecovered_count(conn),
        signed_in=signed_in_as(conn),
    )
