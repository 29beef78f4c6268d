"""The console's trends and hotspots over a council's record (PostgreSQL).

Run by `make bench-council` after bench/council.py's own figures, on the
same million records, or alone (`python bench/console_trends.py`, with
CASEWORKER_TEST_PG_URL set and COUNCIL_RECORDS / COUNCIL_CHILDREN to scale
it) on a fresh database of its own:

console_trends_query_p50_ms     sync.server.trends.trends, 12 months, in process
console_hotspots_query_p50_ms   sync.server.hotspots.hotspots, 12 months, in process
console_trends_p50_ms / _p95    GET /console/trends as a coordinator
console_hotspots_p50_ms / _p95  GET /console/hotspots as a coordinator

A page's time is its round trip on loopback to the whole answer, one
request at a time: the service's time, and a little more.
"""

from __future__ import annotations

import os
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests
from sqlalchemy.engine import Engine

from sync.server import admin
from sync.server.hotspots import hotspots
from sync.server.trends import Period, trends

ROUNDS = int(os.environ.get("CONSOLE_ROUNDS", 40))
# The synthetic histories end on 1 Nov 2026 (sync.server.synthetic.TODAY).
NOW = datetime(2026, 11, 15, 12, tzinfo=UTC)


def _quantiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def timed(step: Callable[[], object], rounds: int = ROUNDS) -> list[float]:
    step()  # warm: plans cached, pages in memory
    out = []
    for _ in range(rounds):
        start = time.perf_counter()
        step()
        out.append((time.perf_counter() - start) * 1000)
    return out


def measure_queries(engine: Engine) -> None:
    period = Period(12, NOW)
    with engine.connect() as conn:
        t = timed(lambda: trends(conn, agency="csc", period=period))
        h = timed(lambda: hotspots(conn, agency="csc", period=period))
    print(f"console_trends_query_p50_ms: {statistics.median(t):.1f} ms")
    print(f"console_hotspots_query_p50_ms: {statistics.median(h):.1f} ms")


def _cookie(response, name: str) -> str:
    for header in response.headers.get("set-cookie", "").split(", __Host"):
        if header.lstrip("_").startswith(name.lstrip("_") + "=") or header.startswith(
            name.removeprefix("__Host") + "="
        ):
            return header.split(";", 1)[0].split("=", 1)[1]
    raise RuntimeError(f"no {name} cookie")


def coordinator_session(svc, name: str = "council.coordinator") -> requests.Session:
    """A session signed in to the console as a new coordinator. The cookies
    are Secure, which `requests` keeps from plain http even on loopback,
    so they are sent by hand."""
    admin.add_worker(svc.engine, name, "benchmark password", role="coordinator")
    session = requests.Session()
    page = session.get(f"{svc.url}/console/sign-in", timeout=60)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    pre = page.cookies.get("__Host-console-pre") or _cookie(page, "__Host-console-pre")
    signed = session.post(
        f"{svc.url}/console/sign-in",
        data={"worker": name, "password": "benchmark password", "csrf_token": token},
        headers={"Cookie": f"__Host-console-pre={pre}"},
        allow_redirects=False,
        timeout=60,
    )
    cookie = signed.cookies.get("__Host-console") or _cookie(signed, "__Host-console")
    session.headers["Cookie"] = f"__Host-console={cookie}"
    return session


def measure_pages(svc) -> None:
    """The pages as a coordinator: round trip on loopback to the whole
    answer (the service's time, and a little more)."""
    session = coordinator_session(svc)
    for name, path in (
        ("console_trends", "/console/trends?months=12"),
        ("console_hotspots", "/console/hotspots?months=12"),
    ):

        def get(path: str = path) -> None:
            r = session.get(f"{svc.url}{path}", timeout=60, allow_redirects=False)
            if r.status_code != 200:
                raise RuntimeError(f"{path}: {r.status_code}")

        p50, p95 = _quantiles(timed(get))
        print(f"{name}_p50_ms: {p50:.0f} ms")
        print(f"{name}_p95_ms: {p95:.0f} ms")


def main() -> None:
    from bench.pg import fresh_database
    from sync.server.synthetic import generate_caseload
    from sync.server.testing import service_process

    records = int(os.environ.get("COUNCIL_RECORDS", 1_000_000))
    children = int(os.environ.get("COUNCIL_CHILDREN", 5_000))
    with (
        fresh_database() as url,
        tempfile.TemporaryDirectory() as tmp,
        service_process(url, tmp_path=Path(tmp)) as svc,
    ):
        started = time.perf_counter()
        per_child = max(records // children, 7)
        for start in range(0, children, 100):
            caseload = generate_caseload(start, min(100, children - start), per_child)
            admin.insert_records(svc.engine, caseload.records)
        print(f"console_load_s: {time.perf_counter() - started:.0f} s ({records} records)")
        measure_queries(svc.engine)
        measure_pages(svc)


if __name__ == "__main__":
    main()
