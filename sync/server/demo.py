"""Synthetic demo caseloads for the central record (never real people)."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy.engine import Engine

from sync.server import admin
from sync.server.synthetic import generate_caseload

DEMO_WORKERS = {
    "demo.social": "demo-password-1",
    "demo.health": "demo-password-2",
    "demo.police": "demo-password-3",
}


def load_demo(engine: Engine, *, seed: int, children: int, per_child: int) -> Iterator[str]:
    existing = set(admin.list_workers(engine))
    for name, password in DEMO_WORKERS.items():
        if name not in existing:
            admin.add_worker(engine, name, password)
            yield f"worker {name} (password: {password})"
    caseload = generate_caseload(seed, children, per_child, workers=list(DEMO_WORKERS))
    count = admin.insert_records(engine, caseload.records)
    for child_id, holders in caseload.holders.items():
        for worker in holders:
            admin.set_assignment(engine, worker, str(child_id), True)
    yield f"loaded {count} synthetic records for {children} children"
