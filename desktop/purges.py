"""Children removed from the caseload: when they leave this laptop.

A removed child is purged once none of its work is open — no edit waiting
to send, refused, or in conflict, and no typing a form could not save yet
(a draft, `desktop.drafts`). Until then its records stay, encrypted
and visible, so the worker's text can still reach the central record (it
accepts edits made while the worker held the child, within the policy's
grace period) or be settled by the worker. A child whose records arrive
again (assigned back) is no longer waiting to be purged.
"""

from __future__ import annotations

import json

from desktop import device, outbox
from desktop.records import purge_child
from desktop.store import Store
from sync.wire import PulledPage


def defer_purges(conn, page: PulledPage) -> None:
    """Note the children this page removes; a child whose records arrive is
    held (again): it is no longer waiting to be purged."""
    deferred = set(device.get_json(conn, "purge_pending", []))
    if not deferred and not page.removed_children:
        return
    arrived = {r["child_id"] for r in page.records}
    now = (deferred - arrived) | set(page.removed_children)
    if now != deferred:
        device.set_meta(conn, "purge_pending", json.dumps(sorted(now)))


def open_work(conn, child_id: str) -> int:
    """How many of a child's edits are not yet settled: waiting to send,
    refused, in conflict, or kept as a draft the record could not take yet.
    A child is never purged while any remain."""
    return (
        outbox.count_for_child(conn, child_id)
        + conn.execute(
            "SELECT (SELECT count(*) FROM conflicts WHERE child_id = ?)"
            " + (SELECT count(*) FROM drafts WHERE child_id = ?)",
            (child_id, child_id),
        ).fetchone()[0]
    )


def purge_settled(store: Store) -> list[str]:
    """Purge the removed children with no open work left; their ids."""
    done: list[str] = []
    if not device.get_json(store.conn, "purge_pending", []):
        return done
    with store.transaction() as conn:
        deferred = device.get_json(conn, "purge_pending", [])
        for child_id in deferred:
            if open_work(conn, child_id):
                # Waiting, refused and conflicting text must reach the
                # central record or be discarded by the worker first: until
                # then the child stays here, encrypted and visible.
                continue
            purge_child(conn, child_id)
            done.append(child_id)
        device.set_meta(conn, "purge_pending", json.dumps([c for c in deferred if c not in done]))
    return done
