"""The console's pages at a council's scale (PostgreSQL; `make bench`).

Loads a council (bench/council.py's `load`: COUNCIL_CHILDREN children,
default 5,000, COUNCIL_RECORDS records, default 1,000,000, dealt to
COUNCIL_WORKERS workers, default 300, in 10 teams) through the service's
own bulk loader, which writes the derived rows the console reads as a push
would. Beside each child's synthetic history (missing episodes, screenings,
visits, plans, missing education, concerns naming places, persons and
vehicles, some restricted to the police and social care) come partner
reports: a school's missing-education report for every 10th child, a
police concern for every 10th, a health concern for every 25th and, for
every 100th, a police missing report restricted to the police alone.

Then, as a signed-in coordinator, one request at a time on loopback, the
time to the whole answer (the service's time, and a little more) over
CONSOLE_ROUNDS requests (default 40) after one to warm:

console_daily_list_p50_ms / _p95           GET /console/daily
console_daily_list_filtered_p50_ms / _p95  with a filter and a sort
console_daily_csv_p50_ms / _p95            GET /console/daily.csv
console_trends_p50_ms / _p95               GET /console/trends (12 months)
console_hotspots_p50_ms / _p95             GET /console/hotspots (12 months)
console_hotspots_3_months_p50_ms / _p95    the same over 3 months
console_trends_query_p50_ms                sync.server.trends.trends, in process
console_hotspots_query_p50_ms              sync.server.hotspots.hotspots, in process
"""

from __future__ import annotations

import os
import re
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bench import council
from bench.pg import fresh_database
from sync.server import admin
from sync.server.hotspots import hotspots
from sync.server.schema import teams
from sync.server.schema import workers as workers_table
from sync.server.synthetic import PERSONS, PLACES, TODAY, VEHICLES, SyntheticCaseload
from sync.server.testing import service_process
from sync.server.trends import Period, trends
from sync.wire import Kind, Record

ROUNDS = int(os.environ.get("CONSOLE_ROUNDS", 40))
TEAMS = 10
# The synthetic histories end on 1 Nov 2026 (sync.server.synthetic.TODAY).
NOW = datetime(2026, 11, 15, 12, tzinfo=UTC)
REPORTED = datetime.combine(TODAY, datetime.min.time(), UTC) - timedelta(days=2)


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def partner_reports(caseload: SyntheticCaseload) -> list[Record]:
    """The records partner reports leave on these children (as
    `partner_reports._record_for` writes them)."""
    out: list[Record] = []
    for n, child_id in enumerate(caseload.holders):
        at = _stamp(REPORTED)

        def report(kind: Kind, data: dict, salt: int, child_id: uuid.UUID = child_id) -> None:
            rid = uuid.UUID(int=(child_id.int ^ 0x5EED) + salt, version=4)
            out.append(
                Record(
                    id=rid,
                    kind=kind,
                    child_id=child_id,
                    updated_at=REPORTED,
                    updated_by="bench",
                    data=data,
                )
            )

        place = {"name": PLACES[n % len(PLACES)][0], "postcode": PLACES[n % len(PLACES)][2]}
        if n % 10 == 0:
            report(
                Kind.cme_episode,
                {
                    "school": "Puddingstone Academy",
                    "notified_at": REPORTED.date().isoformat(),
                    "enquiries": [],
                    "source_agency": "school_education",
                    "reliability": "confirmed",
                },
                1,
            )
        if n % 10 == 3 or n % 25 == 5:
            agency = "police" if n % 10 == 3 else "health"
            report(
                Kind.concern,
                {
                    "received_at": at,
                    "source": f"{agency.title()} (partner report)",
                    "category": "cce",
                    "narrative": "Seen getting into a car outside the shops late at night.",
                    "source_agency": agency,
                    "reliability": "single_source",
                    "places": [place],
                    "persons": [{"name": PERSONS[n % len(PERSONS)][0]}],
                    "vehicles": [
                        dict(
                            zip(
                                ("registration", "make", "colour"),
                                VEHICLES[n % 3][::2],
                                strict=False,
                            )
                        )
                    ],
                },
                2,
            )
        if n % 100 == 7:
            report(
                Kind.missing_episode,
                {
                    "start": at,
                    "reported_to_police": True,
                    "police_reference": f"ZZ-R{n:05d}",
                    "source_agency": "police",
                    "reliability": "confirmed",
                    "locations": [place | {"type": "last seen"}],
                    "restricted_to": ["police"],
                },
                3,
            )
    return out


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


PAGES = (
    ("console_daily_list", "/console/daily"),
    ("console_daily_list_filtered", "/console/daily?missing_now=1&at_risk=1&sort=interview_due"),
    ("console_daily_csv", "/console/daily.csv?sort=last_visit&order=desc"),
    ("console_trends", "/console/trends?months=12"),
    ("console_hotspots", "/console/hotspots?months=12"),
    ("console_hotspots_3_months", "/console/hotspots?months=3"),
)


def measure_pages(svc) -> None:
    session = coordinator_session(svc)
    for name, path in PAGES:

        def get(path: str = path) -> None:
            r = session.get(f"{svc.url}{path}", timeout=60, allow_redirects=False)
            if r.status_code != 200:
                raise RuntimeError(f"{path}: {r.status_code}")

        p50, p95 = _quantiles(timed(get))
        print(f"{name}_p50_ms: {p50:.0f} ms")
        print(f"{name}_p95_ms: {p95:.0f} ms")


def in_teams(engine: Engine, workers: int) -> None:
    """Deal the council's workers into TEAMS teams."""
    with engine.begin() as conn:
        for t in range(TEAMS):
            conn.execute(
                sa.insert(teams).values(name=f"Team {t + 1}", created_at=datetime.now(UTC))
            )
        ids = list(conn.execute(sa.select(teams.c.id).order_by(teams.c.id)).scalars())
        for i in range(workers):
            conn.execute(
                sa.update(workers_table)
                .where(workers_table.c.name == council.name(i))
                .values(team_id=ids[i % TEAMS])
            )


def main() -> None:
    with (
        fresh_database() as url,
        tempfile.TemporaryDirectory() as tmp,
        service_process(url, tmp_path=Path(tmp)) as svc,
    ):
        started = time.perf_counter()
        council.load(svc, more=partner_reports)
        in_teams(svc.engine, council.WORKERS)
        # What autovacuum does soon after a load of this size: statistics
        # for the planner, and the visibility map an index-only scan needs.
        with svc.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            stored = conn.execute(sa.text("SELECT count(*) FROM records")).scalar_one()
            conn.execute(sa.text("VACUUM ANALYZE"))
        print(
            f"console_load_s: {time.perf_counter() - started:.0f} s ({stored} records, "
            f"{council.CHILDREN} children, {council.WORKERS} workers)"
        )
        measure_pages(svc)
        measure_queries(svc.engine)


if __name__ == "__main__":
    main()
