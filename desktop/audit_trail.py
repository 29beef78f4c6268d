"""A child's audit trail read back on a coordinator's or manager's laptop:
who viewed, edited, exported, printed, shared or received the record, from
the central record (online only: the laptop keeps no one else's events).

The central record words each event (`AuditEntry.words`, times in England's)
so the laptop and `central-record audit --child` read alike; reading it is
itself audited there.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop.england import moment_text
from desktop.syncing import SyncEngine
from sync.wire import AuditEntry

# Pages of the service's default size (200): a child's whole history in
# all but extreme cases; past that the dialog says there is more.
MAX_PAGES = 25


@dataclass(frozen=True)
class Trail:
    entries: list[AuditEntry]
    #: more events than were read (the worker is told, never silently cut)
    more: bool


def read(engine: SyncEngine, child_id: str, *, max_pages: int = MAX_PAGES) -> Trail:
    """The child's trail, oldest first. Raises the transport's errors: a
    refusal (not the worker's team) reads the central record's words."""
    entries: list[AuditEntry] = []
    after: str | None = None
    for _ in range(max_pages):
        page = engine.transport.audit_trail(child_id, after)
        entries.extend(page.entries)
        after = page.next
        if after is None:
            return Trail(entries, more=False)
    return Trail(entries, more=True)


def entry_line(entry: AuditEntry) -> str:
    """When, who, what: 'Tue 02 Jun 2026 10:04 · sam.patel · Viewed … on laptop …'
    (as `central-record audit --child` prints it)."""
    who = entry.worker or "the central record"
    return f"{moment_text(entry.at)} · {who} · {entry.words}"
