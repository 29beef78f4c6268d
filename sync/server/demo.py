"""Synthetic demo caseloads for the central record (never real people)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine

from sync.server import admin
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
    caseload = demo_caseload(seed=seed, children=children, per_child=per_child, today=today)
    count = admin.insert_records(engine, caseload.records)
    for child_id, holders in caseload.holders.items():
        for worker in holders:
            admin.set_assignment(engine, worker, str(child_id), True)
    yield f"loaded {count} synthetic records for {children} children"
