"""Synthetic demo caseloads for the central record (never real people)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from sync.kinds.people import display_name
from sync.server import admin, partner_reports
from sync.server.schema import workers
from sync.server.synthetic import SyntheticCaseload, generate_caseload

DEMO_WORKERS = {
    "demo.social": "demo-password-1",
    "demo.health": "demo-password-2",
    "demo.police": "demo-password-3",
}
# Role and agency where the default (a social worker of children's social
# care) is not the demo's story. demo.police keeps a laptop and a caseload,
# so it stays a social worker's account: a partner may not read the record.
DEMO_ACCOUNTS = {"demo.health": {"role": "health_worker", "agency": "health"}}
# The web console's people (no laptop, no caseload): the central team, and a
# school that reports to the record.
DEMO_CONSOLE = {
    "demo.coordinator": ("demo-password-4", {"role": "coordinator"}),
    "demo.school": ("demo-password-5", {"role": "partner", "agency": "school_education"}),
}
# The demo worker whose child a school reports missing from education, so
# the laptop opens with "New from School / education" on one child.
REPORTED_FOR = "demo.social"


def demo_caseload(
    *, seed: int, children: int, per_child: int, today: date | None = None
) -> SyntheticCaseload:
    """The demo workers' caseloads, ending on `today` (default: today in
    England), so the app's clock and the data agree on what is due."""
    day = today or datetime.now(ZoneInfo("Europe/London")).date()
    return generate_caseload(seed, children, per_child, workers=list(DEMO_WORKERS), today=day)


def load_demo(
    engine: Engine, *, seed: int, children: int, per_child: int, today: date | None = None
) -> Iterator[str]:
    existing = set(admin.list_workers(engine))
    for name, password in DEMO_WORKERS.items():
        if name not in existing:
            admin.add_worker(engine, name, password, **DEMO_ACCOUNTS.get(name, {}))
            yield f"worker {name} (password: {password})"
    for name, (password, account) in DEMO_CONSOLE.items():
        if name not in existing:
            admin.add_worker(engine, name, password, **account)
            yield f"console account {name}, {account['role']} (password: {password})"
    caseload = demo_caseload(seed=seed, children=children, per_child=per_child, today=today)
    count = admin.insert_records(engine, caseload.records)
    for child_id, holders in caseload.holders.items():
        for worker in holders:
            admin.set_assignment(engine, worker, str(child_id), True)
    yield f"loaded {count} synthetic records for {children} children"
    reported = _school_reports(engine, caseload)
    if reported:
        yield f"demo.school reported {reported} missing from education"


def _school_reports(engine: Engine, caseload: SyntheticCaseload) -> str | None:
    """A school's report that one of the demo worker's children is missing
    education, made as the console makes it; the child's name, or None."""
    held = {str(c) for c, holders in caseload.holders.items() if REPORTED_FOR in holders}
    child = next(
        (r.data for r in caseload.records if r.kind == "child" and str(r.id) in held), None
    )
    if child is None:
        return None
    with engine.connect() as conn:
        school = conn.execute(
            sa.select(workers.c.id, workers.c.name, workers.c.role, workers.c.agency).where(
                workers.c.name == "demo.school"
            )
        ).one()
    form = {
        "first_name": child["first_name"],
        "last_name": child["last_name"],
        "date_of_birth": str(child["date_of_birth"]),
        "school": "Larkfield Academy",
        "reliability": "confirmed",
        "enquiries": "Not in school for ten days; the family have not answered calls.",
    }
    partner_reports.submit(engine, partner_reports.Account(*school), "cme", form)
    return display_name(child)
