"""SIGKILL a sync at random points; the next sync completes and is exact."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

import sqlalchemy as sa

from sync.server.schema import revisions
from sync.synthetic import generate_caseload
from tests.conftest import PASSPHRASE
from tests.sync.conftest import child_data


def test_sync_killed_at_random_points_then_completes_exactly(laptops, service):
    seeded = generate_caseload(9, 10, 150, workers=["sw"])
    service.add_worker("sw", "a long enough password")
    service.insert_records(seeded.records)
    for child in seeded.holders:
        service.assign("sw", child)
    laptop = laptops("sw", new_worker=False)
    child = laptop.repo.create("child", child_data("Kestrel"))
    notes = [
        laptop.repo.create(
            "visit",
            {"visit_type": "cin", "start": "2026-05-02T10:00:00+00:00", "analysis": f"n{i}"},
            child_id=child.id,
        )
        for i in range(60)
    ]
    laptop.vault.lock()
    cmd = [
        sys.executable,
        "-m",
        "ui.main",
        "--profile",
        str(laptop.vault.profile.path),
        "--secrets-stdin",
        "sync",
        "--page-size",
        "40",
    ]
    rng = random.Random(11)
    kills = 0
    for _ in range(6):
        proc = subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        proc.stdin.write(f"{PASSPHRASE}\n".encode())
        proc.stdin.close()
        time.sleep(rng.uniform(0.7, 2.0))
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            kills += 1
        proc.wait(timeout=30)
    assert kills >= 2, "the sync finished too fast to be interrupted"

    laptop.vault.unlock(PASSPHRASE)
    report = laptop.sync()
    assert report.completed_at is not None
    server = {str(r.id): (r.rev, r.data) for r in service.current_records("sw")}
    assert laptop.held() == server
    with service.engine.connect() as conn:
        for note in notes:
            revs = conn.execute(
                sa.select(revisions.c.rev).where(revisions.c.record_id == str(note.id))
            ).all()
            assert [r[0] for r in revs] == [1]
    assert laptop.vault.store.conn.execute("SELECT count(*) FROM outbox").fetchone()[0] == 0
