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
from sync.server.synthetic import generate_caseload
from tests.helpers import PASSPHRASE, child_data


def test_sync_killed_at_random_points_then_completes_exactly(laptops, service):
    service.add_worker("sw", "a long enough password")
    laptop = laptops("sw", new_worker=False)
    child = laptop.repo.create("child", child_data("Kestrel"))
    cmd = [
        sys.executable,
        "-m",
        "ui.main",
        "--profile",
        str(laptop.vault.profile.path),
        "--secrets-stdin",
        "sync",
        "--page-size",
        "5",
        "--progress",
    ]
    rng = random.Random(11)
    notes, kills = [], 0
    for attempt in range(8):
        # Fresh work for every attempt, so each sync has something to be
        # interrupted in: records to pull and offline notes to push.
        batch = generate_caseload(100 + attempt, 2, 120, workers=["sw"])
        service.insert_records(batch.records)
        for held in batch.holders:
            service.assign("sw", held)
        if not laptop.vault.is_unlocked:
            laptop.vault.unlock(PASSPHRASE)
        notes += [
            laptop.repo.create(
                "visit",
                {
                    "visit_type": "cin",
                    "start": "2026-05-02T10:00:00+00:00",
                    "analysis": f"a{attempt}-{i}",
                },
                child_id=child.id,
            )
            for i in range(15)
        ]
        laptop.vault.lock()
        proc = subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        proc.stdin.write(f"{PASSPHRASE}\n".encode())
        proc.stdin.close()
        # Kill after a random number of progress steps (plus a little), so
        # the kill lands inside the sync however fast this machine is today.
        steps = rng.randint(1, 4)  # a sync here is ~3 push batches and 2+ pages
        for _ in range(steps):
            if not proc.stderr.readline():
                break
        time.sleep(rng.uniform(0, 0.02))
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            kills += 1
        proc.wait(timeout=60)
        proc.stderr.close()
    assert kills >= 6, f"only {kills} syncs were still running when killed"

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
