"""Reading the central record's revision history in the sync tests."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa

from sync.server.schema import revisions


def record_history(service, record_id: object) -> list[dict[str, Any]]:
    """Every stored revision of one record, oldest first."""
    with service.engine.connect() as conn:
        rows = conn.execute(
            sa.select(revisions.c.rev, revisions.c.data, revisions.c.mutation_id)
            .where(revisions.c.record_id == str(record_id))
            .order_by(revisions.c.rev)
        )
        return [
            {"rev": r.rev, "data": json.loads(r.data), "mutation_id": r.mutation_id} for r in rows
        ]


def strings(value: Any) -> list[str]:
    """Every string inside a record's data."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


def history_texts(service, record_id: object | None = None) -> list[str]:
    """Every string in the history of one record (None: of every record)."""
    with service.engine.connect() as conn:
        query = sa.select(revisions.c.data)
        if record_id is not None:
            query = query.where(revisions.c.record_id == str(record_id))
        return [s for (data,) in conn.execute(query) for s in strings(json.loads(data))]
