"""Records the central record writes itself, from the console: a partner's
report landing on a child's record, a meeting's minutes. They go through
the one write path every laptop's push takes (`push.apply_push`), so the
same validation, rules across a child's records, revision history and feed
apply: the allocated worker's laptop receives them at its next sync.

The caller's route has checked the account's permission; the write is made
under the account's name (`updated_by`), role and agency. It may write to
any child on the record and makes nobody hold a child (`central=True`).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.engine import Connection

from sync.server.policy import current_policy
from sync.server.push import apply_push
from sync.wire import Mutation, MutationResult, Record


def write_records(
    conn: Connection,
    *,
    worker_id: int,
    worker: str,
    role: str,
    agency: str,
    records: Sequence[Record],
    device_id: str,
) -> list[MutationResult]:
    """Write `records` (each a create at rev 0, or an edit based on the
    revision it carries) in the caller's write transaction; one result per
    record, in order. A rejected record stores nothing of itself, but the
    others of the batch are stored: a caller wanting all or nothing checks
    the results and rolls the transaction back. `device_id` names the
    writer in the mutations table (at most 36 characters)."""
    batch = [Mutation(mutation_id=uuid.uuid4(), record=r, base_rev=r.rev) for r in records]
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
