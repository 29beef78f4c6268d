"""Break-the-glass on the laptop: a child off the caseload, opened online by
stating why, held until the central record's grant ends.

The grant is the central record's (`sync.server.glass`); the laptop keeps
the grants in force as the service last listed them (after every sync), to
say "Temporary access — ends …" on the caseload and the child's header.
When a grant ends, the central record's feed removes the child like any
unassignment, and `desktop.purges` purges it once its pending work is
settled: nothing typed during the grant is lost.
"""

from __future__ import annotations

import json
from datetime import datetime

from desktop import device
from desktop.england import moment_text
from desktop.store import Store
from sync.client.engine import SyncEngine
from sync.wire import ChildSearch, ChildSearchResult, TemporaryAccess, TemporaryAccessList

_KEY = "temporary_access"


def keep(store: Store, grants: TemporaryAccessList) -> None:
    """Keep the grants in force, as the central record listed them."""
    value = json.dumps({str(g.child_id): g.ends_at.isoformat() for g in grants.grants})
    if device.get_meta(store.conn, _KEY) == value:
        return
    with store.transaction() as conn:
        device.set_meta(conn, _KEY, value)


def ends(conn) -> dict[str, datetime]:
    """child id → when its temporary access ends, for the children held so."""
    return {c: datetime.fromisoformat(at) for c, at in device.get_json(conn, _KEY, {}).items()}


def words(ends_at: datetime) -> str:
    """What the caseload and the child's header say of a child held so."""
    return f"Temporary access — ends {moment_text(ends_at)}"


def search(engine: SyncEngine, ask: ChildSearch) -> ChildSearchResult:
    """Online only: children off the caseload by name, date of birth or NHS
    number, with just enough to choose (the central record audits it)."""
    return engine.transport.search_children(ask)


def open_child(engine: SyncEngine, child_id: str, reason: str) -> TemporaryAccess:
    """Online only: ask for the child, stating why, then sync so that the
    child arrives whole with its end marked. Raises the transport's errors
    (a refusal reads the central record's plain words)."""
    grant = engine.transport.open_temporarily(child_id, reason)
    engine.sync()
    return grant
