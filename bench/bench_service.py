"""The central record on PostgreSQL, measured at the HTTP client over loopback.

service_pull_records_per_s   initial pull of 20,000 records (~450 B, 100 children) (goal >= 19,000)
service_noop_pull_ms         a pull with nothing new (goal <= 10)
service_push_records_per_s   1,000 mutations pushed in batches of 100
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests

from bench.loop import note
from bench.pg import fresh_database
from sync.server.synthetic import generate_caseload
from sync.server.testing import running_service
from sync.wire import CLIENT_VERSION, CLIENT_VERSION_HEADER

PASSWORD = "benchmark password"


def enrol(url: str) -> dict[str, str]:
    body = {"worker": "bench", "password": PASSWORD, "device_name": "bench"}
    version = {CLIENT_VERSION_HEADER: CLIENT_VERSION}  # the service refuses requests without it
    r = requests.post(f"{url}/api/v1/auth/enrol", json=body, headers=version, timeout=30)
    r.raise_for_status()
    return version | {"Authorization": f"Bearer {r.json()['device_token']}"}


def pull_all(
    session: requests.Session, url: str, headers: dict, since: str | None = None
) -> tuple[int, str]:
    count = 0
    while True:
        params = {"limit": 5000} | ({"since": since} if since else {})
        page = session.get(
            f"{url}/api/v1/changes", params=params, headers=headers, timeout=60
        ).json()
        count += len(page["records"])
        since = page["cursor"]
        if not page["more"]:
            return count, since


def main() -> None:
    caseload = generate_caseload(5, 100, 200, workers=["bench"])
    records = caseload.records
    size = statistics.mean(len(json.dumps(r.data)) for r in records[:2000])
    with (
        fresh_database() as url,
        tempfile.TemporaryDirectory() as tmp,
        running_service(url, tmp_path=Path(tmp)) as svc,
    ):
        svc.add_worker("bench", PASSWORD)
        svc.insert_records(records)
        for child in caseload.holders:
            svc.assign("bench", child)
        headers = enrol(svc.url)
        session = requests.Session()
        rates, cursor = [], None
        for _ in range(3):
            start = time.perf_counter()
            count, cursor = pull_all(session, svc.url, headers)
            rates.append(count / (time.perf_counter() - start))
        assert count == len(records), count
        print(
            f"service_pull_records_per_s: {statistics.median(rates):.0f} records/s"
            f" ({size:.0f} B data each)"
        )

        noop = []
        for _ in range(30):
            start = time.perf_counter()
            n, _ = pull_all(session, svc.url, headers, cursor)
            noop.append(time.perf_counter() - start)
            assert n == 0
        print(f"service_noop_pull_ms: {statistics.median(noop) * 1000:.1f} ms")

        child = str(next(iter(caseload.holders)))
        mutations = [note(child) for _ in range(1000)]
        start = time.perf_counter()
        for i in range(0, 1000, 100):
            r = session.post(
                f"{svc.url}/api/v1/changes",
                json={"mutations": mutations[i : i + 100]},
                headers=headers,
                timeout=60,
            )
            assert all(x["status"] == "applied" for x in r.json()["results"])
        print(f"service_push_records_per_s: {1000 / (time.perf_counter() - start):.0f} records/s")


if __name__ == "__main__":
    main()
