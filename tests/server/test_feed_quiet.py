"""A poll in a busy council whose caseload is quiet costs one statement after
the watermark, and answers what the full page would: nothing, with the
cursor at the top. A caseload change after the cursor takes the full path."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa

from sync.server import admin, feed
from sync.server.schema import workers
from sync.server.sequence import committed_seq
from sync.wire import Record
from tests.helpers import PASSWORD, child_data


def _child(child_id: str) -> Record:
    return Record(
        id=child_id,
        kind="child",
        child_id=child_id,
        updated_at=datetime.now(UTC),
        updated_by="seed",
        data=child_data("Ash"),
    )


def _poll(engine, worker_id: int, cursor: str | None) -> tuple[dict, list[str]]:
    statements: list[str] = []

    def seen(conn, cursor_, statement, *args) -> None:
        if not statement.startswith("BEGIN"):  # SQLite's own transaction start
            statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", seen)
    try:
        with engine.connect() as conn, conn.begin():
            body, _ = feed.page(conn, worker_id, cursor, 2000, estimate=True)
    finally:
        sa.event.remove(engine, "before_cursor_execute", seen)
    return json.loads(body), statements


def test_a_quiet_caseload_in_a_busy_council_is_answered_in_two_statements(engine):
    admin.add_worker(engine, "alice", PASSWORD)
    admin.add_worker(engine, "bob", PASSWORD)
    mine, theirs = str(uuid.uuid4()), str(uuid.uuid4())
    admin.insert_records(engine, [_child(mine), _child(theirs)])
    admin.set_assignment(engine, "alice", mine, True)
    admin.set_assignment(engine, "bob", theirs, True)
    with engine.connect() as conn:
        alice = conn.execute(sa.select(workers.c.id).where(workers.c.name == "alice")).scalar_one()
    page, _ = _poll(engine, alice, None)
    assert [r["id"] for r in page["records"]] == [mine]
    cursor = page["cursor"]

    # A new child arrives for the council: busy, but not Alice's caseload.
    admin.insert_records(engine, [_child(str(uuid.uuid4()))])
    page, statements = _poll(engine, alice, cursor)
    with engine.connect() as conn:
        top = committed_seq(conn)
    assert page["records"] == [] and page["remaining"] == 0 and not page["more"]
    assert feed.decode_cursor(page["cursor"]) == (top, None)
    assert len(statements) == 2, statements  # the watermark, then the one quiet check

    # Bob's child is given to Alice too: the full page sends it whole.
    admin.set_assignment(engine, "alice", theirs, True)
    page, statements = _poll(engine, alice, page["cursor"])
    assert [r["id"] for r in page["records"]] == [theirs] and len(statements) > 2
