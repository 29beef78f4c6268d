"""End-to-end client sync against the PostgreSQL-backed service on loopback.

  initial_sync_records_per_s  20,000 records (100 children), fresh profile (goal >= 19,000)
  noop_sync_ms                a sync with nothing to do (goal <= 20)
  push_notes_per_s            1,000 offline visit notes pushed (goal >= 2,000)

The service runs as `central-record serve` in its own process, as it does
for real (on another machine). `--in-process` serves it from a thread of
this process instead, where it shares the interpreter lock with the client:
a figure for the embedded demo, not for a laptop talking to the council.
"""

from __future__ import annotations

import gc
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.pg import fresh_database
from desktop import enrolment
from desktop.profile import Profile
from desktop.repository import CaseRepository
from desktop.syncing import engine_for
from desktop.vault import Vault
from sync.server.synthetic import generate_caseload
from sync.server.testing import running_service, service_process

PASSWORD = "benchmark password"
PASSPHRASE = "benchmark passphrase words"


def main() -> None:
    in_process = "--in-process" in sys.argv[1:]
    serve = running_service if in_process else service_process
    suffix = " (service in this process)" if in_process else ""
    caseload = generate_caseload(21, 100, 200, workers=["bench"])
    with (
        fresh_database() as url,
        tempfile.TemporaryDirectory(prefix="caseworker-bench-") as tmp,
        serve(url, tmp_path=Path(tmp)) as svc,
    ):
        svc.add_worker("bench", PASSWORD)
        svc.insert_records(caseload.records)
        for child in caseload.holders:
            svc.assign("bench", child)
        expected, child = len(caseload.records), str(next(iter(caseload.holders)))
        # The fixture's 20,000 records are the service's, not the client's:
        # kept alive here they would make every collection of the client's
        # objects walk them too.
        del caseload
        gc.collect()
        rates = []
        vault = None
        for run in range(5):
            if vault is not None:
                vault.wipe(reason="benchmark")
            vault = Vault(Profile(Path(tmp) / f"profile{run}").ensure())
            enrolment.enrol(
                vault, server_url=svc.url, worker="bench", password=PASSWORD, passphrase=PASSPHRASE
            )
            engine = engine_for(vault)
            start = time.perf_counter()
            report = engine.sync()
            rates.append(report.pulled / (time.perf_counter() - start))
            assert report.pulled == expected, report.pulled
        print(f"initial_sync_records_per_s: {statistics.median(rates):.0f} records/s{suffix}")

        noop = []
        for _ in range(20):
            start = time.perf_counter()
            engine.sync()
            noop.append(time.perf_counter() - start)
        print(f"noop_sync_ms: {statistics.median(noop) * 1000:.1f} ms{suffix}")

        repo = CaseRepository(vault.store, "bench")
        for i in range(1000):
            repo.create(
                "visit",
                {
                    "visit_type": "cin",
                    "start": "2026-05-01T10:00:00+00:00",
                    "observations": f"Offline note {i}. " + "Seen at home, calm and chatty. " * 10,
                },
                child_id=child,
            )
        start = time.perf_counter()
        report = engine.sync()
        elapsed = time.perf_counter() - start
        assert report.pushed == 1000, report
        print(f"push_notes_per_s: {1000 / elapsed:.0f} notes/s{suffix}")
        vault.wipe(reason="benchmark finished")


if __name__ == "__main__":
    main()
