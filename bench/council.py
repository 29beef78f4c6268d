"""A council's morning on one central record (PostgreSQL; `make bench-council`).

Loads COUNCIL_RECORDS records (default 1,000,000) for COUNCIL_CHILDREN
children (5,000) dealt to COUNCIL_WORKERS workers (300) with the service's
bulk loader, serves them with `central-record serve --workers
COUNCIL_PROCESSES` (2) in processes of their own, and measures with bounded
closed-loop clients on loopback (each device sends its next request when
its last one is answered; `bench.loop`: asyncio devices with a keep-alive
connection each, spread over COUNCIL_CLIENT_PROCESSES client processes, so
the harness's own interpreter lock and CPU are not what is measured):

council_poll_busy_p50_ms       one device polling while the council pushes
council_poll_busy_cpu_ms       service CPU (all its processes) per poll, less the
                               background pushes' share
council_poll_busy_10_p99_ms    10 devices polling at once
council_poll_busy_50_p99_ms    50 devices polling at once
council_push_1_notes_per_s     one device pushing batches of 20 notes
council_push_10_vs_1_x         10 devices' push throughput over one's
council_push_10_vs_1_p99_x     10 devices' push p99 over one's
council_first_pull_30_s        a fresh device of a 30-child caseload, first pull (HTTP only)

Beside them, `*_cpu_budget_ms` lines: per request, the CPU of the service,
of PostgreSQL and of the harness's own client processes, so a reader can
see what a figure is made of and what the two cores can give at most.
`council_push_1_cpu_used` is how much of the machine one pushing device
keeps busy (the rest is what ten devices can fill).

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
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests
import sqlalchemy as sa

from bench import loop
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


def p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else values[0]


def cpu_s(pid: int) -> float:
    """User and system CPU of a process and its children so far (living,
    and ended), in seconds."""
    pids = [pid] + [
        int(e.name) for e in Path("/proc").iterdir() if e.name.isdigit() and _parent(e) == pid
    ]
    total = 0.0
    for one in pids:
        try:
            fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # Its own, and that of its children it has reaped: a backend whose
        # connection the pool closed takes its CPU with it otherwise.
        total += sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")
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


def postmaster(svc) -> int:
    """PostgreSQL's server process (its backends are its children)."""
    with svc.engine.connect() as conn:
        backend = conn.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()
    return _parent(Path(f"/proc/{backend}"))


class Spent:
    """The CPU the service, PostgreSQL and the clients spent on a closed
    loop, less what the background pushes alone cost for as long."""

    def __init__(self, svc, background_per_s: tuple[float, float] = (0.0, 0.0)) -> None:
        self.svc, self.pg = svc.pid, postmaster(svc)
        self.background = background_per_s

    def rates(self, seconds: float) -> tuple[float, float]:
        """Service and PostgreSQL CPU seconds per second, over `seconds`."""
        svc, pg = cpu_s(self.svc), cpu_s(self.pg)
        time.sleep(seconds)
        return (cpu_s(self.svc) - svc) / seconds, (cpu_s(self.pg) - pg) / seconds

    def loop(self, url: str, devices: list[loop.Device]) -> tuple[loop.Result, float, float]:
        """The loop's result, and the service's and PostgreSQL's CPU
        seconds over its wall time (background pushes taken off)."""
        began: list[float] = []

        def start() -> None:
            began.extend((cpu_s(self.svc), cpu_s(self.pg), time.monotonic()))

        result = loop.closed_loop(url, devices, SECONDS, on_start=start)
        svc, pg, started = began
        wall = time.monotonic() - started
        return (
            result,
            max(cpu_s(self.svc) - svc - self.background[0] * wall, 0.0),
            max(cpu_s(self.pg) - pg - self.background[1] * wall, 0.0),
        )


def cost(prefix: str, result: loop.Result, service_s: float, pg_s: float) -> None:
    """Each request's CPU: the service's, PostgreSQL's and the harness's own."""
    n = len(result.latencies)
    print(
        f"{prefix}_cpu_budget_ms: service {service_s / n * 1000:.2f} + postgres "
        f"{pg_s / n * 1000:.2f} + client {result.client_cpu_s / n * 1000:.2f} ms "
        f"per request ({n} requests)"
    )


def measure(svc, caseloads: dict[str, list[str]]) -> None:
    names = sorted(caseloads)
    with svc.engine.connect() as conn:
        top = str(committed_seq(conn))
    pollers = [loop.Device(device(svc, names[i]), "poll", cursor=top) for i in range(50)]

    busy = threading.Event()
    busy_headers = device(svc, names[-1])

    def background() -> None:
        session = requests.Session()
        child = caseloads[names[-1]][0]
        while not busy.is_set():
            session.post(
                f"{svc.url}/api/v1/changes",
                json={"mutations": [loop.note(child)]},
                headers=busy_headers,
                timeout=60,
            )
            time.sleep(0.02)

    pusher = threading.Thread(target=background)
    pusher.start()
    try:
        # The background pushes cost CPU too: what the service and
        # PostgreSQL spend with them alone is taken off the polls' share.
        spent = Spent(svc)
        spent = Spent(svc, spent.rates(SECONDS))
        one, service_s, pg_s = spent.loop(svc.url, pollers[:1])
        print(f"council_poll_busy_p50_ms: {statistics.median(one.latencies) * 1000:.1f} ms")
        print(f"council_poll_busy_cpu_ms: {service_s / len(one.latencies) * 1000:.1f} ms")
        cost("council_poll_busy", one, service_s, pg_s)
        ten, *_ = spent.loop(svc.url, pollers[:10])
        print(f"council_poll_busy_10_p99_ms: {p(ten.latencies, 99) * 1000:.0f} ms")
        fifty, service_s, pg_s = spent.loop(svc.url, pollers)
        print(f"council_poll_busy_50_p50_ms: {statistics.median(fifty.latencies) * 1000:.0f} ms")
        print(f"council_poll_busy_50_p99_ms: {p(fifty.latencies, 99) * 1000:.0f} ms")
        print(f"council_poll_busy_50_per_s: {len(fifty.latencies) / SECONDS:.0f} polls/s")
        cost("council_poll_busy_50", fifty, service_s, pg_s)
    finally:
        busy.set()
        pusher.join()

    spent = Spent(svc)
    pushers = [
        loop.Device(device(svc, names[i]), "push", child=caseloads[names[i]][0]) for i in range(10)
    ]
    single, service_s, pg_s = spent.loop(svc.url, pushers[:1])
    # One device leaves most of the two cores idle while it waits on round
    # trips: what ten devices can fill.
    print(
        f"council_push_1_cpu_used: service {service_s / SECONDS:.2f} + postgres "
        f"{pg_s / SECONDS:.2f} cores of {os.cpu_count()}"
    )
    cost("council_push_1", single, service_s, pg_s)
    ten_pushing, service_s, pg_s = spent.loop(svc.url, pushers)
    cost("council_push_10", ten_pushing, service_s, pg_s)
    rate_1, rate_10 = (20 * len(r.latencies) / SECONDS for r in (single, ten_pushing))
    p99_1, p99_10 = (p(r.latencies, 99) for r in (single, ten_pushing))
    print(f"council_push_1_notes_per_s: {rate_1:.0f} notes/s (p99 {p99_1 * 1000:.0f} ms)")
    print(f"council_push_10_notes_per_s: {rate_10:.0f} notes/s (p99 {p99_10 * 1000:.0f} ms)")
    print(f"council_push_10_vs_1_x: {rate_10 / rate_1:.2f} x")
    print(f"council_push_10_vs_1_p99_x: {p99_10 / p99_1:.2f} x")

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
