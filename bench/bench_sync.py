"""End-to-end client sync against the PostgreSQL-backed service on loopback.

  initial_sync_records_per_s  20,000 records (100 children), fresh profile (goal >= 19,000)
  initial_sync_200k_s         200,000 records (1,000 children), fresh profile (goal <= 10)
  initial_sync_400k_s         400,000 records (2,000 children), with BENCH_SYNC_400K=1
  initial_sync_us_per_record_20k / _200k / _400k
                              the same two pulls per record: flat is linear
  noop_sync_ms                a sync with nothing to do (goal <= 20)
  push_notes_per_s            20,000 offline visit notes pushed (goal >= 2,000)
  peer_pull_ratio             our 20,000-record pull rate over PouchDB's (goal >= 3)
  peer_push_ratio             our 20,000-note push rate over PouchDB's 20,000 docs (goal >= 1)

The PouchDB anchor (`../shared/peers/pouchdb/run.sh 20000`, or PEER_POUCHDB)
runs in the same process tree just before, so both sides see the same
machine; without it the ratios are not printed, and the run says why.
BENCH_SYNC_BIG=0 leaves out the 200,000-record pull (a minute to load);
BENCH_SYNC_400K=1 adds a 400,000-record one (2,000 children, two more
minutes), `initial_sync_400k_s` and `_us_per_record_400k`: with the 20k and
200k figures, whether a first pull's cost per record stays flat.

The service runs as `central-record serve` in its own process, as it does
for real (on another machine). `--in-process` serves it from a thread of
this process instead, where it shares the interpreter lock with the client:
a figure for the embedded demo, not for a laptop talking to the council.
"""

from __future__ import annotations

import gc
import json
import os
import statistics
import subprocess
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
NOTES = 20_000
ROOT = Path(__file__).resolve().parent.parent
_ANCHOR = "shared/peers/pouchdb/run.sh"  # beside the checkout, or beside a worktree's parent
PEER = Path(
    os.environ.get("PEER_POUCHDB")
    or next((p / _ANCHOR for p in ROOT.parents if (p / _ANCHOR).exists()), ROOT.parent / _ANCHOR)
)


def peer_rates() -> dict[str, float] | None:
    """PouchDB's pull and push of 20,000 docs, docs/s; None if it cannot run."""
    if not PEER.exists():
        print(f"peer: {PEER} not found; peer ratios not measured", file=sys.stderr)
        return None
    ran = subprocess.run(
        ["bash", str(PEER), str(NOTES)], capture_output=True, text=True, timeout=900
    )
    lines = [json.loads(line) for line in ran.stdout.splitlines() if line.startswith("{")]
    rates = {("pull" if "pulled" in line else "push"): line["docs_per_s"] for line in lines}
    if ran.returncode != 0 or set(rates) != {"pull", "push"}:
        print(f"peer: the PouchDB anchor failed ({ran.returncode})", file=sys.stderr)
        return None
    for direction, rate in rates.items():
        print(f"peer_pouchdb_{direction}_docs_per_s: {rate:.0f} docs/s")
    return rates


def first_pull(svc, tmp: Path, worker: str, expected: int) -> float:
    """Seconds for a fresh encrypted profile's first sync of `worker`'s caseload."""
    vault = Vault(Profile(tmp / f"profile-{worker}").ensure())
    enrolment.enrol(
        vault, server_url=svc.url, worker=worker, password=PASSWORD, passphrase=PASSPHRASE
    )
    start = time.perf_counter()
    report = engine_for(vault).sync()
    elapsed = time.perf_counter() - start
    assert report.pulled == expected, report.pulled
    vault.wipe(reason="benchmark")
    return elapsed


def main() -> None:
    in_process = "--in-process" in sys.argv[1:]
    serve = running_service if in_process else service_process
    suffix = " (service in this process)" if in_process else ""
    peer = None if in_process else peer_rates()
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
        expected, holders = len(caseload.records), list(caseload.holders)
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
        pull_rate = statistics.median(rates)
        print(f"initial_sync_records_per_s: {pull_rate:.0f} records/s{suffix}")
        print(f"initial_sync_us_per_record_20k: {1e6 / pull_rate:.0f} us{suffix}")

        noop = []
        for _ in range(20):
            start = time.perf_counter()
            engine.sync()
            noop.append(time.perf_counter() - start)
        print(f"noop_sync_ms: {statistics.median(noop) * 1000:.1f} ms{suffix}")

        repo = CaseRepository(vault.store, "bench")
        # Spread over the caseload, as a team's offline week would be: all
        # on one child, each save would re-derive an ever longer history.
        children = [str(c) for c in holders]
        for i in range(NOTES):
            repo.create(
                "visit",
                {
                    "visit_type": "cin",
                    "start": "2026-05-01T10:00:00+00:00",
                    "observations": f"Offline note {i}. " + "Seen at home, calm and chatty. " * 10,
                },
                child_id=children[i % len(children)],
            )
        start = time.perf_counter()
        report = engine.sync()
        elapsed = time.perf_counter() - start
        assert report.pushed == NOTES, report
        push_rate = NOTES / elapsed
        print(f"push_notes_per_s: {push_rate:.0f} notes/s{suffix}")
        vault.wipe(reason="benchmark finished")

        big_pulls = [(1_000, "200k")] if os.environ.get("BENCH_SYNC_BIG", "1") != "0" else []
        if os.environ.get("BENCH_SYNC_400K") == "1":
            big_pulls.append((2_000, "400k"))
        for children_, label in big_pulls:
            worker = f"bench.{label}"
            big = generate_caseload(5 * children_, children_, 200, workers=[worker])
            svc.add_worker(worker, PASSWORD)
            svc.insert_records(big.records)
            for child in big.holders:
                svc.assign(worker, child)
            expected = len(big.records)
            del big
            gc.collect()
            seconds = first_pull(svc, Path(tmp), worker, expected)
            print(f"initial_sync_{label}_s: {seconds:.1f} s{suffix}")
            print(f"initial_sync_us_per_record_{label}: {seconds * 1e6 / expected:.0f} us{suffix}")

    if peer is not None:
        print(f"peer_pull_ratio: {pull_rate / peer['pull']:.2f} x")
        print(f"peer_push_ratio: {push_rate / peer['push']:.2f} x")


if __name__ == "__main__":
    main()
