"""The feed's record JSON is built by the database: it must be the same
wire Record, escaping included, on PostgreSQL and SQLite."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

from sync.server import admin
from sync.wire import ChangesPage, Record
from tests.server.devices import Device


def test_pulled_records_equal_the_stored_ones_escaping_included(client, workers, engine):
    alice = Device(client, "alice")
    child_id = uuid.uuid4()
    awkward = 'Zoë "Z" O\'Neil\\ \u2028 tab\there'
    child = Record(
        id=child_id,
        kind="child",
        child_id=child_id,
        updated_at=datetime(2026, 5, 1, 10, 30, 15, 123456, tzinfo=UTC),
        updated_by="seed",
        data={
            "first_name": awkward,
            "last_name": "Quillfeather",
            "date_of_birth": "2011-03-04",
            "legal_status": "cin",
        },
    )
    admin.insert_records(engine, [child], by=awkward)
    admin.set_assignment(engine, "alice", str(child_id), True)
    r = client.get("/api/v1/changes", params={"limit": 10}, headers=alice.headers)
    assert r.status_code == 200, r.text
    page = ChangesPage.model_validate_json(r.content)
    (pulled,) = page.records
    assert pulled.updated_by == awkward
    assert pulled.data["first_name"] == awkward
    assert pulled.deleted is False and pulled.rev == 1
    assert pulled.updated_at == child.updated_at
    assert pulled.model_dump() == admin.current_records(engine, "alice")[0].model_dump()
    assert json.loads(r.content)["more"] is False
