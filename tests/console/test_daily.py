"""The coordinator's daily list page and its CSV export, at the HTTP level
(SQLite and PostgreSQL): the children, the filters, the sort whitelist,
"Late" in words, the export audited without names, and a name that starts
like a spreadsheet formula defused."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from sync.server import admin
from sync.server.roles import Role
from sync.server.schema import audit_events
from sync.wire import Record
from tests.server.devices import new_child, new_record


def _seed(engine, worker: str) -> None:
    """Juniper missing now, allocated to `worker`; "=Rook" (a name like a
    formula) with a return interview overdue; Moss on nothing."""
    juniper, rook, moss = new_child("Juniper"), new_child("=Rook"), new_child("Moss")
    back = (datetime.now(UTC) - timedelta(days=5)).isoformat()
    rows = [
        juniper,
        rook,
        moss,
        new_record(juniper["id"], "missing_episode", {"start": datetime.now(UTC).isoformat()}),
        new_record(rook["id"], "assessment", {"date": "2026-11-01", "practitioner_level": "high"}),
        new_record(
            rook["id"],
            "missing_episode",
            {"start": (datetime.now(UTC) - timedelta(days=6)).isoformat(), "end": back},
        ),
    ]
    admin.insert_records(engine, [Record.model_validate(r) for r in rows], by="admin")
    admin.set_assignment(engine, worker, juniper["id"], True)


def _coordinator(new_console, accounts):
    c = new_console()
    c.sign_in(accounts[Role.coordinator])
    return c


def test_the_page_lists_the_children_with_late_in_words(engine, accounts, new_console) -> None:
    _seed(engine, accounts[Role.social_worker])
    page = _coordinator(new_console, accounts).get("/console/daily")
    assert page.status_code == 200
    assert "Juniper" in page.text and "=Rook" in page.text and "Moss" not in page.text
    assert "<caption>2 children, sorted by child</caption>" in page.text
    assert "<strong>Late</strong>" in page.text
    assert accounts[Role.social_worker] in page.text


def test_the_filters_narrow_the_page(engine, accounts, new_console) -> None:
    _seed(engine, accounts[Role.social_worker])
    c = _coordinator(new_console, accounts)
    page = c.get("/console/daily?missing_now=1")
    assert "Juniper" in page.text and "=Rook" not in page.text
    page = c.get("/console/daily?at_risk=1")
    assert "Juniper" not in page.text and "=Rook" in page.text
    with engine.connect() as conn:
        sw = conn.execute(
            sa.text("SELECT id FROM workers WHERE name = :n"), {"n": accounts[Role.social_worker]}
        ).scalar_one()
    page = c.get(f"/console/daily?worker={sw}")
    assert "Juniper" in page.text and "=Rook" not in page.text
    # A column not on the whitelist sorts by name.
    page = c.get("/console/daily?sort=data")
    assert page.status_code == 200 and "sorted by child" in page.text


def test_the_csv_keeps_the_filters_defuses_formulas_and_is_audited(
    engine, accounts, new_console
) -> None:
    _seed(engine, accounts[Role.social_worker])
    c = _coordinator(new_console, accounts)
    r = c.get("/console/daily.csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.text)))
    assert rows[0][0] == "Child"
    names = [row[0] for row in rows[1:]]
    # By name: "=" sorts before letters.
    assert names == ["'=Rook Quillfeather", "Juniper Quillfeather"]
    rook = rows[1]
    assert rook[rows[0].index("Return home interview late")] == "Late"
    only_missing = list(csv.reader(io.StringIO(c.get("/console/daily.csv?missing_now=1").text)))
    assert [row[0] for row in only_missing[1:]] == ["Juniper Quillfeather"]
    with engine.connect() as conn:
        details = (
            conn.execute(
                sa.select(audit_events.c.detail).where(audit_events.c.action == "console_export")
            )
            .scalars()
            .all()
        )
    assert len(details) == 2
    assert all("Juniper" not in d and "Rook" not in d for d in details)


def test_a_social_worker_may_not_read_the_list(engine, accounts, new_console) -> None:
    _seed(engine, accounts[Role.social_worker])
    c = new_console()
    c.sign_in(accounts[Role.social_worker])
    r = c.get("/console/daily.csv")
    assert "Juniper" not in r.text
