"""What the search index costs per note as a first pull fills it (issue 14).

A first pull commits its notes 10,000 at a time; FTS5 writes each commit as
a segment and merges segments as they pile up. This fills a fresh encrypted
store's index with the search text of 200,000 synthetic records in such
commits, once as migrated and once with FTS5's default merging, and prints
`name: value unit` lines:
  search_index_us_per_note_first_fifth   as migrated, first 40,000 notes
  search_index_us_per_note_last_fifth    as migrated, last 40,000 (goal: flat)
  search_index_default_merge_last_fifth_us   FTS5's automerge 4, for comparison
  search_index_query_ms                  one word over the full index
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from desktop.records import prepare_pulled
from desktop.store import Store
from sync.server.synthetic import generate_caseload

CHILDREN = 1_000  # x 200 records
COMMIT = 10_000  # a full pull page


def _search_rows() -> list[tuple[int, str, str]]:
    caseload = generate_caseload(14, CHILDREN, 200)
    pulled = [json.loads(r.model_dump_json()) for r in caseload.records]
    prepared = prepare_pulled(pulled)
    return [(i + 1, *p.search) for i, p in enumerate(prepared) if p.search is not None]


def _fill(rows: list[tuple[int, str, str]], automerge: int | None) -> tuple[float, float, float]:
    """(us per note in the first fifth, in the last fifth, query ms)."""
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "bench.db", os.urandom(32))
        conn = store.conn
        if automerge is not None:
            conn.execute(
                "INSERT INTO search_index (search_index, rank) VALUES ('automerge', ?)",
                (automerge,),
            )
        times = []
        for start in range(0, len(rows), COMMIT):
            began = time.perf_counter()
            with store.transaction():
                conn.executemany(
                    "INSERT INTO search_index (rowid, title, body) VALUES (?, ?, ?)",
                    rows[start : start + COMMIT],
                )
            times.append(time.perf_counter() - began)
        fifth = len(times) // 5
        per_note = 1e6 / (fifth * COMMIT)
        began = time.perf_counter()
        for _ in range(20):
            conn.execute(
                "SELECT count(*) FROM search_index WHERE search_index MATCH 'missing'"
            ).fetchone()
        query_ms = (time.perf_counter() - began) * 1000 / 20
        store.close()
    return sum(times[:fifth]) * per_note, sum(times[-fifth:]) * per_note, query_ms


def main() -> None:
    rows = _search_rows()
    first, last, query_ms = _fill(rows, None)
    _, default_last, _ = _fill(rows, 4)
    print(f"search_index_us_per_note_first_fifth: {first:.1f} us")
    print(f"search_index_us_per_note_last_fifth: {last:.1f} us")
    print(f"search_index_default_merge_last_fifth_us: {default_last:.1f} us")
    print(f"search_index_query_ms: {query_ms:.2f} ms")


if __name__ == "__main__":
    main()
