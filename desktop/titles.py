"""Titles and summaries written by an older Caseworker, derived again once.

The chronology and search read each record's title and summary from
columns written when the record was saved (`desktop.chronology.describe`),
so when the words a kind shows itself in change (issue 15: "Visit: cin"
became "Visit: Child in need"), a laptop's records keep the old words until
each one changes. When the store is opened and its titles are older than
`TITLES_VERSION`, every record's are derived again, in one transaction;
after that, opening costs one read of a device fact.
"""

from __future__ import annotations

import json
import logging

from desktop.chronology import describe
from desktop.device import get_meta, set_meta
from desktop.search import search_form
from desktop.store import Store

log = logging.getLogger(__name__)

# Raise it whenever `describe` words a record differently.
# 3: a missing-education episode says whether it is open, and a sharing names
# its agency ("Information shared: Police"), and a screening is titled by both
# levels, the practitioner's first
TITLES_VERSION = 3
_KEY = "titles_version"
_BATCH = 2000


def titles_current(store: Store) -> bool:
    return get_meta(store.conn, _KEY) == str(TITLES_VERSION)


def derive_titles_again(store: Store) -> int:
    """Bring every stored title and summary up to `TITLES_VERSION` (a no-op
    once they are); the number of records whose words changed."""
    if titles_current(store):
        return 0
    changed = 0
    with store.transaction() as conn:
        last = -1
        while True:
            rows = conn.execute(
                "SELECT seq, kind, data, updated_at, sort_at, title, summary, deleted"
                " FROM records WHERE seq > ? ORDER BY seq LIMIT ?",
                (last, _BATCH),
            ).fetchall()
            if not rows:
                break
            last = rows[-1][0]
            for seq, kind, data, updated_at, *stored, deleted in rows:
                now = describe(kind, json.loads(data), updated_at)
                if tuple(stored) == now:
                    continue
                changed += 1
                conn.execute(
                    "UPDATE records SET sort_at = ?, title = ?, summary = ? WHERE seq = ?",
                    (*now, seq),
                )
                if not deleted:
                    conn.execute(
                        "UPDATE search_index SET title = ? WHERE rowid = ?",
                        (search_form(now[1]), seq),
                    )
        set_meta(conn, _KEY, str(TITLES_VERSION))
    log.info("titles derived again for %d records (version %d)", changed, TITLES_VERSION)
    return changed
