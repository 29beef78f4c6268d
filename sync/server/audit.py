"""The service's own audit events (enrol, pull, push, revoke, escrow)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sync.server.schema import audit_events


def record_audit(conn: Connection, *, action: str, source: str = "server", **ids: object) -> None:
    """Append one event. `ids` are worker_id, device_id, child_id, record_id
    and a short detail; never names, notes or tokens."""
    conn.execute(
        sa.insert(audit_events).values(
            id=str(uuid.uuid4()), source=source, at=datetime.now(UTC), action=action, **ids
        )
    )
