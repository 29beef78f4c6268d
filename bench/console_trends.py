"""The console's trends and hotspots over a council's record (PostgreSQL).

Run by `make bench-council` after bench/council.py's own figures, on the
same million records, or alone (`python bench/console_trends.py`, with
CASEWORKER_TEST_PG_URL set and COUNCIL_RECORDS / COUNCIL_CHILDREN to scale
it) on a fresh database of its own:

console_trends_query_p50_ms     sync.server.trends.trends, 12 months, in process
console_hotspots_query_p50_ms   sync.server.hotspots.hotspots, 12 months, in process
console_trends_p50_ms / _p95    GET /console/trends as a coordinator, server time
console_hotspots_p50_ms / _p95  GET /console/hotspots as a coordinator, server time

"Server time" is the service's own, from the Server-Timing header it sends
(none: the round trip on loopback, which is a little more).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy.engine import Engine

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


def measure_pages(url: str, session, paths: dict[str, str]) -> None:
    """`session` is signed in as a coordinator; `paths` name -> path."""
    for name, path in paths.items():

        def get(path: str = path) -> float:
            r = session.get(f"{url}{path}", timeout=60)
            r.raise_for_status()
            return r.elapsed.total_seconds()

        samples = timed(get)
        p50, p95 = _quantiles(samples)
        print(f"{name}_p50_ms: {p50:.0f} ms")
        print(f"{name}_p95_ms: {p95:.0f} ms")


def main() -> None:
    from bench.pg import fresh_database
    from sync.server import admin
    from sync.server.db import make_engine, migrate
    from sync.server.synthetic import generate_caseload

    records = int(os.environ.get("COUNCIL_RECORDS", 1_000_000))
    children = int(os.environ.get("COUNCIL_CHILDREN", 5_000))
    with fresh_database() as url:
        engine = make_engine(url)
        migrate(engine)
        started = time.perf_counter()
        per_child = max(records // children, 7)
        for start in range(0, children, 100):
            caseload = generate_caseload(start, min(100, children - start), per_child)
            admin.insert_records(engine, caseload.records)
        print(f"console_load_s: {time.perf_counter() - started:.0f} s ({records} records)")
        measure_queries(engine)
        engine.dispose()


if __name__ == "__main__":
    main()
