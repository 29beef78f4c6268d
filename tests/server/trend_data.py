"""Crafted records for the trends and hotspots tests (synthetic: every name
invented), stored with the service's own loader so the derived rows are
written the way a push writes them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.engine import Engine

from sync.server import admin
from sync.wire import Kind, Record

# The tests' "now": mid-November 2026, so a 3-month period is Sep, Oct, Nov.
NOW = datetime(2026, 11, 15, 12, 0, tzinfo=UTC)


def record(kind: str, child_id: str, data: dict[str, Any], rid: str | None = None) -> Record:
    return Record(
        id=uuid.UUID(rid) if rid else uuid.uuid4(),
        kind=Kind(kind),
        child_id=uuid.UUID(child_id),
        rev=1,
        updated_at=NOW,
        updated_by="trends.test",
        data=data,
    )


def child(first: str, last: str = "Fernhollow") -> tuple[str, Record]:
    cid = str(uuid.uuid4())
    data = {
        "first_name": first,
        "last_name": last,
        "date_of_birth": "2011-04-04",
        "legal_status": "cin",
    }
    return cid, record("child", cid, data, rid=cid)


def episode(child_id: str, start: str, end: str | None = None, **extra: Any) -> Record:
    rhi = extra.pop("rhi", {})
    data = {"start": start, "end": end, "return_home_interview": rhi, **extra}
    return record("missing_episode", child_id, data)


def concern(child_id: str, received_at: str = "2026-10-01T10:00:00Z", **parts: Any) -> Record:
    data = {
        "received_at": received_at,
        "source": "Neighbour",
        "reliability": "single_source",
        **parts,
    }
    return record("concern", child_id, data)


def meeting(child_id: str, day: str = "2026-10-05", **parts: Any) -> Record:
    return record("meeting", child_id, {"meeting_type": "mset", "date": day, **parts})


def load(engine: Engine, records: list[Record]) -> None:
    admin.insert_records(engine, records)
