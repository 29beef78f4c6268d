"""Access audit events leave the laptop on sync, each once, oldest first."""

from __future__ import annotations

import logging

import sqlalchemy as sa

from desktop import audit
from sync.client.engine import AUDIT_BATCH
from sync.server.schema import audit_events
from sync.wire import AuditBatch
from tests.helpers import child_data


def _local(laptop) -> list[tuple[str, str, int]]:
    return laptop.vault.store.conn.execute(
        "SELECT id, action, pushed FROM audit_events ORDER BY at"
    ).fetchall()


def test_audit_events_reach_the_central_record_once(laptops, service):
    laptop = laptops("sw")
    child = laptop.repo.create("child", child_data())
    laptop.repo.view_child(child.id)  # audited
    local = _local(laptop)
    assert [a for _, a, _ in local] == ["edit", "view"] and not any(p for *_, p in local)
    # Oldest first, and no more than asked for.
    store = laptop.vault.store
    assert [str(e.id) for e in audit.unpushed(store.conn, 1)] == [local[0][0]]

    laptop.sync()
    with service.engine.connect() as conn:
        sent = conn.execute(
            sa.select(audit_events.c.id, audit_events.c.action).where(
                audit_events.c.source == "client"
            )
        ).all()
    assert sorted(sent) == sorted((i, a) for i, a, _ in local)
    assert all(p == 1 for *_, p in _local(laptop))
    assert audit.unpushed(store.conn) == []

    laptop.sync()  # nothing new: nothing sent twice
    with service.engine.connect() as conn:
        total = conn.execute(
            sa.select(sa.func.count()).where(audit_events.c.source == "client")
        ).scalar_one()
    assert total == len(local)


def test_a_long_offline_spell_of_events_goes_in_as_few_requests_as_the_service_takes(
    laptops, service, caplog
):
    laptop = laptops("sw.week")
    child = laptop.repo.create("child", child_data())
    laptop.sync()
    store = laptop.vault.store
    with store.transaction() as conn:
        for _ in range(1_500):
            audit.append(conn, actor="sw.week", action="view", child_id=str(child.id))
    caplog.set_level(logging.INFO, logger="central_record.access")
    caplog.clear()
    laptop.sync()
    uploads = [
        r
        for r in caplog.records
        if r.name == "central_record.access" and r.route.endswith("/audit")
    ]
    assert [(u.method, u.status) for u in uploads] == [("POST", 204)]
    assert AuditBatch.model_fields["events"].metadata[0].max_length == AUDIT_BATCH
    assert audit.unpushed(store.conn) == []
    with service.engine.connect() as conn:
        views = conn.execute(
            sa.select(sa.func.count()).where(
                audit_events.c.source == "client", audit_events.c.action == "view"
            )
        ).scalar_one()
    assert views == 1_500
