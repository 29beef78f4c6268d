"""Caseload summary, chronology and search on a large encrypted store.

Prints `name: value unit` lines:
  repo_load_s            bulk load of 200,000 synthetic records (context only)
  caseload_summary_ms    2,000 children / 200,000 records (goal <= 50)
  chronology_ms          one child with 2,000 records (goal <= 20)
  search_ms              a two-word search over 200,000 records (goal <= 50)
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from desktop.chronology import chronology
from desktop.records import put_record, refresh_children
from desktop.repository import CaseRepository
from desktop.search import search
from desktop.store import Store
from desktop.summary import caseload_summary
from sync.server.synthetic import generate_caseload

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)


def median_ms(fn, runs: int = 15) -> float:
    fn()  # warm the page cache as a worker's second look would
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def load(store: Store, records) -> None:
    for i in range(0, len(records), 5000):
        chunk = records[i : i + 5000]
        with store.transaction() as conn:
            for record in chunk:
                put_record(conn, record, pending=False)
            refresh_children(conn, {str(r.child_id) for r in chunk})


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="caseworker-bench-") as tmp:
        store = Store(Path(tmp) / "bench.db", os.urandom(32))
        caseload = generate_caseload(11, 2000, 100).records
        heavy = generate_caseload(12, 1, 2000).records
        start = time.perf_counter()
        load(store, caseload)
        load(store, heavy)
        print(f"repo_load_s: {time.perf_counter() - start:.1f} s")
        conn = store.conn
        rows = len(caseload_summary(conn, NOW))
        assert rows == 2001, rows
        print(f"caseload_summary_ms: {median_ms(lambda: caseload_summary(conn, NOW)):.1f} ms")
        heavy_child = str(heavy[0].child_id)
        assert len(chronology(conn, heavy_child)) >= 1900
        print(f"chronology_ms: {median_ms(lambda: chronology(conn, heavy_child)):.1f} ms")
        # A rare pair (a name and a note word) and a phrase that recurs in
        # a tenth of all notes of the synthetic caseload.
        assert search(conn, "Gigglesworth retail")
        print(f"search_ms: {median_ms(lambda: search(conn, 'Gigglesworth retail')):.1f} ms")
        assert len(search(conn, "maths teacher")) == 50
        print(f"search_common_ms: {median_ms(lambda: search(conn, 'maths teacher')):.1f} ms")
        # An autosave: a draft visit of the child with the longest history
        # rewritten, its summary and due dates refreshed, committed.
        repo = CaseRepository(store, "bench")
        draft = repo.create(
            "visit",
            {"visit_type": "cin", "start": "2026-05-01T10:00:00+00:00", "observations": "Seen"},
            child_id=heavy_child,
        )
        words = iter(range(1_000_000))

        def autosave() -> None:
            repo.update(draft.id, {"observations": f"Seen {next(words)}"})

        print(f"autosave_ms: {median_ms(autosave):.1f} ms")
        store.close()


if __name__ == "__main__":
    main()
