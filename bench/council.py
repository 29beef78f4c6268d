"""A council's morning on one central record (PostgreSQL; `make bench-council`).

Loads COUNCIL_RECORDS records (default 1,000,000) for COUNCIL_CHILDREN
children (5,000) dealt to COUNCIL_WORKERS workers (300) with the service's
bulk loader, serves them with `central-record serve --workers
COUNCIL_PROCESSES` (2) in processes of their own, and measures with bounded
closed-loop clients on loopback (each client sends its next request when
its last one is answered):

council_poll_busy_p50_ms       one device polling while the council pushes
council_poll_busy_cpu_ms       service CPU (all its processes) per poll, less the
                               background pushes' share
council_poll_busy_10_p99_ms    10 devices polling at once
council_poll_busy_50_p99_ms    50 devices polling at once
council_push_1_notes_per_s     one device pushing batches of 20 notes
council_push_10_vs_1_x         10 devices' push throughput over one's
council_push_10_vs_1_p99_x     10 devices' push p99 over one's
council_first_pull_30_s        a fresh device of a 30-child caseload, first pull (HTTP only)

The console's pages on a council of the same size are `make bench`'s
(bench/bench_console.py, which loads with `load` here).

"Busy" means a background device pushes a note every 20 ms throughout, so
every poll finds something changed somewhere in the council.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests
import sqlalchemy as sa

from bench.pg import fresh_database
from sync.server import admin
from sync.server.auth import create_device, hash_password
from sync.server.schema import workers as workers_table
from sync.server.sequence import committed_seq
from sync.server.synthetic import SyntheticCaseload, generate_caseload
from sync.server.testing import service_process
from sync.wire import CLIENT_VERSION, CLIENT_VERSION_HEADER, Record

RECORDS = int(os.environ.get("COUNCIL_RECORDS", 1_000_000))
CHILDREN = int(os.environ.get("COUNCIL_CHILDREN", 5_000))
WORKERS = int(os.environ.get("COUNCIL_WORKERS", 300))
PROCESSES = int(os.environ.get("COUNCIL_PROCESSES", 2))
SECONDS = float(os.environ.get("COUNCIL_SECONDS", 10))
VERSION = {CLIENT_VERSION_HEADER: CLIENT_VERSION}


def name(i: int) -> str:
    return f"council.worker{i:03d}"


def load(
    svc,
    *,
    records: int = RECORDS,
    children: int = CHILDREN,
    workers: int = WORKERS,
    more: Callable[[SyntheticCaseload], list[Record]] | None = None,
) -> dict[str, list[str]]:
    """The council's records and caseloads (with the records `more` adds to
    each 100 children's, when given); returns each worker's children."""
    per_child = max(records // children, 7)
    hashed = hash_password("benchmark password")
    with svc.engine.begin() as conn:
        conn.execute(
            sa.insert(workers_table),
            [
                {"name": name(i), "password_hash": hashed, "created_at": datetime.now(UTC)}
                for i in range(workers)
            ],
        )
    caseloads: dict[str, list[str]] = {name(i): [] for i in range(workers)}
    chunk = 100
    for start in range(0, children, chunk):
        names = [name((start + i) % workers) for i in range(workers)]
        caseload = generate_caseload(start, min(chunk, children - start), per_child, workers=names)
        admin.insert_records(svc.engine, caseload.records + (more(caseload) if more else []))
        for child, holders in caseload.holders.items():
            for worker in holders:
                admin.set_assignment(svc.engine, worker, str(child), True)
                caseloads[worker].append(str(child))
    return caseloads


def device(svc, worker: str) -> dict[str, str]:
    with svc.engine.begin() as conn:
        worker_id = conn.execute(
            sa.select(workers_table.c.id).where(workers_table.c.name == worker)
        ).scalar_one()
        _, token = create_device(conn, worker_id, "bench")
    return VERSION | {"Authorization": f"Bearer {token}"}


def note(child: str) -> dict:
    return {
        "mutation_id": str(uuid.uuid4()),
        "base_rev": 0,
        "record": {
            "id": str(uuid.uuid4()),
            "kind": "visit",
            "child_id": child,
            "rev": 0,
            "updated_at": datetime.now(UTC).isoformat(),
            "updated_by": "bench",
            "data": {
                "visit_type": "cin",
                "start": "2026-05-01T10:00:00+00:00",
                "observations": "Synthetic benchmark note. " * 15,
            },
        },
    }


def closed_loop(clients: int, step, seconds: float = SECONDS) -> list[float]:
    """Run `clients` threads, each calling step(client, session) until the
    time is up; every call's latency in seconds."""
    latencies: list[float] = []
    lock = threading.Lock()
    end = time.monotonic() + seconds

    def run(n: int) -> None:
        session = requests.Session()
        mine = []
        while time.monotonic() < end:
            start = time.perf_counter()
            step(n, session)
            mine.append(time.perf_counter() - start)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies


def p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else values[0]


def cpu_s(pid: int) -> float:
    """User and system CPU of a process and its children so far, in seconds."""
    pids = [pid] + [
        int(e.name) for e in Path("/proc").iterdir() if e.name.isdigit() and _parent(e) == pid
    ]
    total = 0.0
    for one in pids:
        try:
            fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _parent(entry: Path) -> int:
    try:
        return int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except OSError:
        return -1


def main() -> None:
    with (
        fresh_database() as url,
        tempfile.TemporaryDirectory() as tmp,
        service_process(url, tmp_path=Path(tmp), extra_args=["--workers", str(PROCESSES)]) as svc,
    ):
        started = time.perf_counter()
        caseloads = load(svc)
        print(
            f"council_load_s: {time.perf_counter() - started:.0f} s "
            f"({RECORDS} records, {CHILDREN} children, {WORKERS} workers)"
        )
        measure(svc, caseloads)


def measure(svc, caseloads: dict[str, list[str]]) -> None:
    names = sorted(caseloads)
    pollers = [device(svc, names[i]) for i in range(50)]
    with svc.engine.connect() as conn:
        top = str(committed_seq(conn))
    cursors = [top] * len(pollers)

    busy = threading.Event()
    busy_headers = device(svc, names[-1])

    def background() -> None:
        session = requests.Session()
        child = caseloads[names[-1]][0]
        while not busy.is_set():
            session.post(
                f"{svc.url}/api/v1/changes",
                json={"mutations": [note(child)]},
                headers=busy_headers,
                timeout=60,
            )
            time.sleep(0.02)

    def poll(n: int, session: requests.Session) -> None:
        page = session.get(
            f"{svc.url}/api/v1/changes",
            params={"since": cursors[n], "limit": 2000, "estimate": "true"},
            headers=pollers[n],
            timeout=60,
        ).json()
        cursors[n] = page["cursor"]

    pusher = threading.Thread(target=background)
    pusher.start()
    try:
        # The background pushes cost CPU too: what the service spends
        # with them alone, for as long, is taken off the polls' share.
        before = cpu_s(svc.pid)
        time.sleep(SECONDS)
        idle = cpu_s(svc.pid) - before
        before = cpu_s(svc.pid)
        one = closed_loop(1, poll)
        spent = max(cpu_s(svc.pid) - before - idle, 0.0)
        print(f"council_poll_busy_p50_ms: {statistics.median(one) * 1000:.1f} ms")
        print(f"council_poll_busy_cpu_ms: {spent / len(one) * 1000:.1f} ms")
        ten = closed_loop(10, poll)
        print(f"council_poll_busy_10_p99_ms: {p(ten, 99) * 1000:.0f} ms")
        fifty = closed_loop(50, poll)
        print(f"council_poll_busy_50_p50_ms: {statistics.median(fifty) * 1000:.0f} ms")
        print(f"council_poll_busy_50_p99_ms: {p(fifty, 99) * 1000:.0f} ms")
    finally:
        busy.set()
        pusher.join()

    pushers = [device(svc, names[i]) for i in range(10)]

    def push(n: int, session: requests.Session) -> None:
        child = caseloads[names[n]][0]
        r = session.post(
            f"{svc.url}/api/v1/changes",
            json={"mutations": [note(child) for _ in range(20)]},
            headers=pushers[n],
            timeout=60,
        )
        assert all(x["status"] == "applied" for x in r.json()["results"])

    single = closed_loop(1, push)
    ten_pushing = closed_loop(10, push)
    rate_1, rate_10 = 20 * len(single) / SECONDS, 20 * len(ten_pushing) / SECONDS
    print(f"council_push_1_notes_per_s: {rate_1:.0f} notes/s (p99 {p(single, 99) * 1000:.0f} ms)")
    print(
        f"council_push_10_notes_per_s: {rate_10:.0f} notes/s "
        f"(p99 {p(ten_pushing, 99) * 1000:.0f} ms)"
    )
    print(f"council_push_10_vs_1_x: {rate_10 / rate_1:.2f} x")
    print(f"council_push_10_vs_1_p99_x: {p(ten_pushing, 99) / p(single, 99):.2f} x")

    fresh = "council.fresh"
    with svc.engine.begin() as conn:
        conn.execute(
            sa.insert(workers_table).values(
                name=fresh, password_hash="x", created_at=datetime.now(UTC)
            )
        )
    for child in [c for w in names[:10] for c in caseloads[w]][:30]:
        admin.set_assignment(svc.engine, fresh, child, True)
    headers = device(svc, fresh)
    session = requests.Session()
    start = time.perf_counter()
    cursor, count = None, 0
    while True:
        params = {"limit": 2000, "estimate": "true"} | ({"since": cursor} if cursor else {})
        page = session.get(
            f"{svc.url}/api/v1/changes", params=params, headers=headers, timeout=60
        ).json()
        count += len(page["records"])
        cursor = page["cursor"]
        if not page["more"]:
            break
    print(f"council_first_pull_30_s: {time.perf_counter() - start:.2f} s ({count} records)")


if __name__ == "__main__":
    main()
