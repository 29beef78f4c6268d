"""A poll in a busy council whose caseload is quiet costs one statement, the
one that reads the watermark, and answers what the full page would: nothing,
with the cursor at the top. A caseload change after the cursor takes the
full path. `feed.quiet_page`, which the service asks first in autocommit,
answers exactly when that one statement does, and the same."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa

from sync.server import admin, feed
from sync.server.db import single_statements
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


def test_a_quiet_caseload_in_a_busy_council_is_answered_in_one_statement(engine):
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
    assert len(statements) == 1, statements  # the watermark and the quiet check at once
    with single_statements(engine) as conn:
        assert json.loads(feed.quiet_page(conn, alice, cursor, estimate=True) or "null") == page
        lean = json.loads(feed.quiet_page(conn, alice, cursor, estimate=False) or "null")
    assert lean == {k: v for k, v in page.items() if k != "remaining"}

    # Bob's child is given to Alice too: the full page sends it whole.
    admin.set_assignment(engine, "alice", theirs, True)
    before = page["cursor"]
    with single_statements(engine) as conn:
        assert feed.quiet_page(conn, alice, before, estimate=True) is None
    page, statements = _poll(engine, alice, before)
    assert [r["id"] for r in page["records"]] == [theirs] and len(statements) > 1
