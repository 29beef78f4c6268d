"""Syncing through a misbehaving network converges to the clean result."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from sync.errors import SyncError
from sync.server.schema import revisions
from sync.server.synthetic import generate_caseload
from tests.helpers import child_data
from tests.sync.faultproxy import FaultProxy


def _sync_until_done(laptop, attempts: int = 60):
    failures = 0
    for _ in range(attempts):
        try:
            report = laptop.sync()
            if report.completed_at:
                return failures
        except SyncError:
            failures += 1
    raise AssertionError("sync never completed through the faulty network")


@pytest.mark.slow
def test_faulty_network_converges_with_no_duplicates(laptops, service):
    seeded = generate_caseload(3, 4, 60, workers=["sw"])
    service.add_worker("sw", "a long enough password")
    service.insert_records(seeded.records)
    for child in seeded.holders:
        service.assign("sw", child)

    flaky = laptops("sw", new_worker=False)
    clean = laptops("sw", new_worker=False)
    proxy = FaultProxy(urlsplit(service.url).port, seed=7)
    try:
        flaky.vault.profile.update_settings(server_url=proxy.url)
        engine_pages = 25  # small pages: many requests, many faults
        child = flaky.repo.create("child", child_data("Offline"))
        notes = [
            flaky.repo.create(
                "visit",
                {
                    "visit_type": "cin",
                    "start": f"2026-05-{i % 28 + 1:02d}T10:00:00+00:00",
                    "observations": f"note {i}",
                },
                child_id=child.id,
            )
            for i in range(40)
        ]

        def small_engine():
            from desktop.syncing import engine_for

            e = engine_for(flaky.vault)
            e.page_size, e.push_batch = engine_pages, 7
            return e

        flaky.engine = small_engine  # type: ignore[method-assign]
        _sync_until_done(flaky)
    finally:
        proxy.close()

    # Cut answers are now asked for again inside a sync, so the faults may
    # cost no failed sync at all; but the network did misbehave.
    assert sum(proxy.counts[f] for f in ("drop", "truncate", "bad_gw")) > 0, proxy.counts
    clean.sync()
    server = {str(r.id): (r.rev, r.data) for r in service.current_records("sw")}
    assert flaky.held() == server
    assert clean.held() == server
    with service.engine.connect() as conn:
        for note in notes:
            revs = conn.execute(
                sa.select(revisions.c.rev).where(revisions.c.record_id == str(note.id))
            ).all()
            assert [r[0] for r in revs] == [1], "a mutation was applied twice"
    assert json.dumps(server[str(notes[0].id)][1]).count("note 0") == 1
