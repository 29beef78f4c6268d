"""The central team's writes from the console: records the service itself
composes (a finalised meeting's records, a partner's report) go through
the same push as a laptop's (`push.apply_push`), so the same validation,
need-to-know, sibling rules, revision history and change feed apply, and
each allocated worker's laptop receives them at its next sync.

The caller owns the transaction: a caller that needs all or nothing checks
every result and raises before its transaction commits.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sync.server.db import among
from sync.server.policy import current_policy
from sync.server.push import apply_push
from sync.server.schema import records as records_table
from sync.wire import Mutation, MutationResult, Record


def write_records(
    conn: Connection,
    *,
    worker_id: int,
    worker: str,
    role: str,
    agency: str,
    records: list[Record],
    device_id: str,
) -> list[MutationResult]:
    """Push `records` as `worker` (of `role` and `agency`) would, to
    children already on the record whether or not they hold them; one
    result per record, in order. Each is an edit of the record's current
    revision (the central team's word is the newest), or a create."""
    ids = [str(r.id) for r in records]
    current = dict(
        conn.execute(
            sa.select(records_table.c.id, records_table.c.rev).where(
                among(conn, records_table.c.id, ids)
            )
        ).all()
    )
    now = datetime.now(UTC)
    batch = [
        Mutation(
            mutation_id=uuid.uuid4(),
            record=r.model_copy(update={"updated_at": now, "updated_by": worker}),
            base_rev=current.get(str(r.id), 0),
            made_at=now,
        )
        for r in records
    ]
    return apply_push(
        conn,
        worker_id=worker_id,
        worker=worker,
        agency=agency,
        device_id=device_id,
        policy=current_policy(conn),
        batch=batch,
        role=role,
        central=True,
    )
