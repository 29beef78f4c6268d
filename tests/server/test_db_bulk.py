"""The bulk helpers pushes and audit uploads write through: COPY and
`= ANY` on PostgreSQL, plain statements on SQLite. Both must store exactly
what they were given."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from sync.server.audit import record_per_child
from sync.server.db import among, insert_rows
from sync.server.schema import audit_events, revisions

# Text COPY has its own escapes: tabs, newlines, backslashes, \N and quotes
# must all arrive as typed.
AWKWARD = 'Said "no"\tthen left.\nBack at 9 \\ not \\N, café ☕'


def test_insert_rows_stores_every_value_exactly(engine) -> None:
    at = datetime(2026, 3, 4, 5, 6, 7, 890000, tzinfo=UTC)
    rows = [
        {
            "id": f"00000000-0000-4000-8000-00000000000{i}",
            "source": "client",
            "worker_id": None if i == 0 else i,
            "device_id": None,
            "at": at,
            "action": "view",
            "child_id": None,
            "record_id": None,
            "detail": AWKWARD if i == 1 else None,
        }
        for i in range(3)
    ]
    history = [
        {
            "record_id": "00000000-0000-4000-8000-000000000009",
            "rev": 1,
            "kind": "visit",
            "child_id": "00000000-0000-4000-8000-000000000008",
            "deleted": True,
            "updated_at": at.isoformat(),
            "updated_by": "Wren",
            "data": '{"observations": ' + repr(AWKWARD) + "}",
            "mutation_id": None,
        }
    ]
    with engine.begin() as conn:
        insert_rows(conn, audit_events, rows)
        insert_rows(conn, revisions, history)
        insert_rows(conn, revisions, [])  # nothing to write is not an error
    with engine.connect() as conn:
        stored = conn.execute(sa.select(audit_events).order_by(audit_events.c.id)).mappings().all()
        kept = conn.execute(sa.select(revisions)).mappings().one()
    assert [r["worker_id"] for r in stored] == [None, 1, 2]
    assert [r["detail"] for r in stored] == [None, AWKWARD, None]
    # SQLite hands back naive datetimes; the instant is what matters.
    assert all(r["at"].replace(tzinfo=UTC) == at for r in stored)
    assert dict(kept) == history[0]


def test_among_matches_exactly_the_listed_values(engine) -> None:
    ids = [f"00000000-0000-4000-8000-00000000000{i}" for i in range(5)]
    with engine.begin() as conn:
        insert_rows(
            conn,
            audit_events,
            [{"id": i, "source": "server", "at": datetime.now(UTC), "action": "view"} for i in ids],
        )
    with engine.connect() as conn:

        def found(values: list[str]) -> set[str]:
            query = sa.select(audit_events.c.id).where(among(conn, audit_events.c.id, values))
            return set(conn.execute(query).scalars())

        assert found([ids[1], ids[3], "not an id", "it's"]) == {ids[1], ids[3]}
        assert found([]) == set()


def test_record_per_child_writes_one_server_event_per_child(engine) -> None:
    children = {f"00000000-0000-4000-8000-0000000001{i:02d}": f"Visit ×{i + 1}" for i in range(40)}
    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_rest) -> None:
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", seen)
    with engine.begin() as conn:
        record_per_child(
            conn, action="push", worker_id=7, device_id="dev-1", details=dict(children)
        )
    sa.event.remove(engine, "before_cursor_execute", seen)
    with engine.connect() as conn:
        stored = conn.execute(sa.select(audit_events)).mappings().all()
    assert {r["child_id"]: r["detail"] for r in stored} == children
    assert {(r["source"], r["action"], r["worker_id"], r["device_id"]) for r in stored} == {
        ("server", "push", 7, "dev-1")
    }
    assert len({r["id"] for r in stored}) == len(children)
    assert all(r["received_at"] is None for r in stored)
    # One statement however many children (COPY on PostgreSQL, which
    # SQLAlchemy does not see; one executemany on SQLite).
    assert len([s for s in statements if "audit_events" in s]) <= 1
