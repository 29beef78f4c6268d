"""Failed sign-ins in a crowd, measured on `central-record serve` over PostgreSQL.

  signin_serve_rss_idle_mb    the service's resident memory before the crowd
  signin_serve_peak_rss_mb    its peak resident memory (VmHWM) after 40 failed
                              sign-ins sent at once, each for a different name
  signin_pull_idle_p50_ms     a device's pull (its first page, about 500 records) with no crowd
  signin_pull_p50_ms          the same device's pulls while the crowd is answered
  signin_pull_max_ms          the slowest of those pulls
  signin_crowd_s              until the last of the 40 had its answer

Argon2id costs about 64 MiB and tens of milliseconds per check, so the peak
memory says how many checks ran at once; the pulls say whether a device that
syncs meanwhile waits for them.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests

from bench.pg import fresh_database
from sync.server.synthetic import generate_caseload
from sync.server.testing import service_process
from sync.wire import CLIENT_VERSION, CLIENT_VERSION_HEADER

PASSWORD = "benchmark password"
CROWD = 40
HEADERS = {CLIENT_VERSION_HEADER: CLIENT_VERSION}


def serve_pid() -> int:
    """The `central-record serve` child of this process (found in /proc, so
    the bench needs nothing from the harness but the process itself)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        ppid = int(stat.rpartition(")")[2].split()[1])
        if ppid == os.getpid() and b"sync.server.cli" in cmdline and b"serve" in cmdline:
            return int(entry.name)
    raise RuntimeError("central-record serve is not running")


def memory_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/{pid}/status")


def enrol(url: str, worker: str) -> dict[str, str]:
    body = {"worker": worker, "password": PASSWORD, "device_name": "bench"}
    r = requests.post(f"{url}/api/v1/auth/enrol", json=body, headers=HEADERS, timeout=60)
    r.raise_for_status()
    return HEADERS | {"Authorization": f"Bearer {r.json()['device_token']}"}


def timed_pull(session: requests.Session, url: str, headers: dict) -> float:
    start = time.perf_counter()
    r = session.get(f"{url}/api/v1/changes", params={"limit": 500}, headers=headers, timeout=120)
    r.raise_for_status()
    assert r.json()["records"]
    return (time.perf_counter() - start) * 1000


def failed_sign_in(url: str, i: int) -> int:
    body = {"worker": f"crowd{i}", "password": "not the password", "device_name": "x"}
    r = requests.post(f"{url}/api/v1/auth/enrol", json=body, headers=HEADERS, timeout=120)
    return r.status_code


def main() -> None:
    caseload = generate_caseload(8, 10, 60, workers=["bench"])
    with (
        fresh_database() as url,
        tempfile.TemporaryDirectory(prefix="caseworker-bench-") as tmp,
        service_process(url, tmp_path=Path(tmp)) as svc,
    ):
        svc.add_worker("bench", PASSWORD)
        for i in range(CROWD):
            svc.add_worker(f"crowd{i}", PASSWORD)
        svc.insert_records(caseload.records)
        for child in caseload.holders:
            svc.assign("bench", child)
        headers = enrol(svc.url, "bench")
        session = requests.Session()
        idle = [timed_pull(session, svc.url, headers) for _ in range(20)]
        pid = serve_pid()
        rss_idle = memory_kb(pid, "VmRSS")

        during: list[float] = []
        done = threading.Event()

        def keep_pulling() -> None:
            while not done.is_set():
                during.append(timed_pull(session, svc.url, headers))

        puller = threading.Thread(target=keep_pulling)
        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=CROWD) as crowd:
            puller.start()
            answers = Counter(crowd.map(lambda i: failed_sign_in(svc.url, i), range(CROWD)))
        crowd_s = time.perf_counter() - start
        done.set()
        puller.join()
        peak = memory_kb(pid, "VmHWM")

    print(f"signin_serve_rss_idle_mb: {rss_idle / 1024:.0f} MB")
    print(f"signin_serve_peak_rss_mb: {peak / 1024:.0f} MB")
    print(f"signin_pull_idle_p50_ms: {statistics.median(idle):.1f} ms")
    print(f"signin_pull_p50_ms: {statistics.median(during):.1f} ms ({len(during)} pulls)")
    print(f"signin_pull_max_ms: {max(during):.1f} ms")
    answered = ", ".join(f"{n} x {code}" for code, n in sorted(answers.items()))
    print(f"signin_crowd_s: {crowd_s:.2f} s (answers: {answered})")


if __name__ == "__main__":
    main()
