"""Records withdrawn from this laptop: restricted, since it received them,
to agencies its worker's is not among (`sync.kinds.restriction`; the feed
names them in a page's `removed_records`).

A withdrawn record leaves at once, with everything derived from it: its
search text, the places it names, its due items and the child's summary
(refreshed by the caller), and the central record's copy kept as a base.
What the worker typed is never dropped without asking: an edit waiting to
send stays in the outbox, where the central record refuses it with the
reason (the record is restricted to other agencies) and it waits, refused,
in "Not accepted" until the worker settles it; a conflict's own version
becomes such an edit, while the central record's side of it, which the
worker may no longer see, goes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

import sqlcipher3

from desktop import outbox
from desktop.records import drop_record
from sync.wire import Record


def withdraw_records(conn: sqlcipher3.Connection, record_ids: Iterable[str]) -> set[str]:
    """Drop these records and what derives from them; the children they
    belonged to (to refresh). Ids this laptop does not hold are ignored."""
    touched: set[str] = set()
    for rid in record_ids:
        rid = str(rid)
        row = conn.execute("SELECT child_id FROM records WHERE id = ?", (rid,)).fetchone()
        conflict = conn.execute(
            "SELECT child_id, mine, made_at FROM conflicts WHERE record_id = ?", (rid,)
        ).fetchone()
        if row is None and conflict is None:
            continue
        if conflict is not None:
            mine = Record.model_validate(json.loads(conflict[1]))
            conn.execute("DELETE FROM conflicts WHERE record_id = ?", (rid,))
            outbox.enqueue(conn, mine, made_at=conflict[2], fresh=True)
        drop_record(conn, rid)
        touched.add(row[0] if row is not None else conflict[0])
    return touched
