"""A leaver, as the council's identity provider tells it (`sync.server.scim`):
the account is deactivated, and with it everything it could still reach.

`deactivate` does it all in the caller's one transaction, so a failure
leaves nothing half done: the account is disabled (as
`accounts.set_disabled` does), every device of it not yet revoked is
revoked (the laptop wipes itself at its next contact: the refusal
`device_revoked` comes before `account_disabled`), every console session
ends, and the audit trail says the provider did it. The caseload stays
assigned on the record, so nothing is lost and the coordinator's daily
list shows the children as unallocated (`daily_list`, "worker left") until
someone else takes them on.

`reactivate` enables the account again; its devices stay revoked (their
data is already gone, or will be at their next contact), so the worker
enrols a laptop anew.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sync.server.audit import record_audit
from sync.server.console.sessions import end_all
from sync.server.schema import devices, workers

DEACTIVATED = "account_deactivated_by_provider"
REACTIVATED = "account_reactivated_by_provider"


def deactivate(conn: Connection, worker_id: int, now: datetime) -> int:
    """Disable the account, revoke its devices and end its console sessions,
    audited; how many devices were revoked. Deactivating an account already
    disabled still revokes and ends what is left (an administrator's
    disabling keeps the laptops; the provider's wipes them)."""
    conn.execute(
        sa.update(workers)
        .where(workers.c.id == worker_id, workers.c.disabled_at.is_(None))
        .values(disabled_at=now)
    )
    revoked = list(
        conn.execute(
            sa.select(devices.c.id).where(
                devices.c.worker_id == worker_id, devices.c.revoked_at.is_(None)
            )
        ).scalars()
    )
    if revoked:
        conn.execute(sa.update(devices).where(devices.c.id.in_(revoked)).values(revoked_at=now))
    for device_id in revoked:
        record_audit(conn, action="revoke", worker_id=worker_id, device_id=device_id)
    sessions = end_all(conn, worker_id, "deactivated", now)
    record_audit(
        conn,
        action=DEACTIVATED,
        worker_id=worker_id,
        detail=f"{len(revoked)} devices revoked, {sessions} console sessions ended",
    )
    return len(revoked)


def reactivate(conn: Connection, worker_id: int) -> bool:
    """Enable the account again (its devices stay revoked); whether it was disabled."""
    changed = conn.execute(
        sa.update(workers)
        .where(workers.c.id == worker_id, workers.c.disabled_at.is_not(None))
        .values(disabled_at=None)
    ).rowcount
    if changed:
        record_audit(conn, action=REACTIVATED, worker_id=worker_id)
    return bool(changed)
