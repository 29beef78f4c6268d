"""Bulk statements for the store: many rows per statement, one row per answer.

The driver hands Python's interpreter lock back to other threads around
every step of a statement: once per statement executed and once per row
fetched. While a sync's fetching thread is busy validating the next page,
getting the lock back can take a whole switch interval (5 ms) each time, so
a loop over a thousand rows or statements can cost seconds instead of
milliseconds. Hence: multi-row VALUES for writes, `json_each` for key lists,
and `json_group_array` to fetch a result set as a single row.
(bench/bench_sync.py's initial_sync_records_per_s is the measure.)
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

import sqlcipher3
from pydantic_core import to_json

# Bound parameters per statement: SQLite's limit is 32766 since 3.32 (the
# bundled SQLCipher is newer).
_MAX_PARAMS = 30_000
_MAX_ROWS = 1000


def _chunks(n: int, width: int) -> Iterator[tuple[int, int]]:
    """Chunks of at most _MAX_ROWS rows (and _MAX_PARAMS parameters)."""
    per = max(1, min(_MAX_ROWS, _MAX_PARAMS // width))
    for start in range(0, n, per):
        yield start, min(start + per, n)


def insert_rows(
    conn: sqlcipher3.Connection, head: str, rows: Sequence[tuple], tail: str = ""
) -> None:
    """`head VALUES (...), (...) tail` for every row, a thousand rows a statement.

    `head` and `tail` are the caller's own SQL, never data.
    """
    if not rows:
        return
    width = len(rows[0])
    one = "(" + ",".join("?" * width) + ")"
    for start, end in _chunks(len(rows), width):
        chunk = rows[start:end]
        values = ",".join([one] * len(chunk))
        conn.execute(f"{head} VALUES {values}{tail}", [v for row in chunk for v in row])


def json_list(values: Sequence[Any]) -> str:
    """A parameter for `... IN (SELECT value FROM json_each(?))`."""
    return to_json(list(values)).decode()


def rows_as_one(conn: sqlcipher3.Connection, sql: str, params: Sequence[Any] = ()) -> list:
    """The single value `sql` selects, a `json_group_array(...)`, parsed.

    Wrap each row as `json_array(a, b, json(data))`: the answer is one row,
    and `json(data)` arrives already parsed.
    """
    row = conn.execute(sql, params).fetchone()
    return json.loads(row[0]) if row and row[0] else []
