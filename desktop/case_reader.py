"""The one gate every read of case data passes: the offline lease.

DESIGN.md: once the last successful sync is older than the policy's lease,
case records are hidden until the next sync; recording a new visit is still
allowed. `CaseReader` is that gate. Each of its public methods checks the
lease before it reads, and `LeasedStore` — the only store the window's
screens are handed (`ui.context.Session.store`) — gives out its connection
only while the lease holds. So the caseload, a child's tabs, search,
insights, the chronology, PDF export and `caseworker dump` are all hidden
together, and a read added later through either door is hidden too
(tests/repo/test_lease_gate.py walks every public method and fails on one
that skips the check). Conflicts and refused edits (desktop.conflicts,
desktop.refused) take the repository and call `check_lease()` first.

Writes (`CaseRepository`) and sync use the store itself: a visit can still
be recorded, and the sync that renews the lease must read the outbox.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import sqlcipher3

from desktop import device, drafts, partner_news, temporary_access
from desktop.chronology import ChronologyEntry, chronology
from desktop.council_rules import rules_in_force
from desktop.drafts import Draft
from desktop.due_dates import DueRules
from desktop.errors import LeaseExpired
from desktop.insights import MONTHS, CaseloadInsights, caseload_insights
from desktop.records import get_record, record_from_row, records_of_child
from desktop.screening import Tool, tools_in_force
from desktop.search import SearchHit, matching_children, search
from desktop.store import Store
from desktop.summary import ChildSummary, caseload_summary
from desktop.team import TeamView, team_view
from sync.wire import Kind, Record


def _now() -> datetime:
    return datetime.now(UTC)


class LeasedStore:
    """The encrypted store as the screens see it: `conn` and `transaction()`
    raise `LeaseExpired` once the lease has run out, instead of handing out
    a connection that could read case records."""

    def __init__(self, store: Store, check: Callable[[], None]) -> None:
        self._store = store
        self._check = check

    @property
    def conn(self) -> sqlcipher3.Connection:
        self._check()
        return self._store.conn

    @contextmanager
    def transaction(self) -> Iterator[sqlcipher3.Connection]:
        self._check()
        with self._store.transaction() as conn:
            yield conn

    @property
    def is_open(self) -> bool:
        return self._store.is_open


class CaseReader:
    """Every read of case data the app and the command line make.

    Callers must use it from one thread at a time (the UI's database worker).
    Each public method checks the lease first; none of them writes.
    """

    def __init__(self, store: Store, *, clock: Callable[[], datetime] = _now) -> None:
        self.store = store
        self.clock = clock
        self.leased = LeasedStore(store, self.check_lease)

    def check_lease(self) -> None:
        """Raise LeaseExpired when case records must be hidden (DESIGN.md, offline lease)."""
        if device.lease(self.store.conn, self.clock()).expired:
            raise LeaseExpired()

    @property
    def _conn(self) -> sqlcipher3.Connection:
        return self.leased.conn  # the lease, checked on every read

    # -- records -------------------------------------------------------------

    def get(self, record_id: str | uuid.UUID) -> Record | None:
        return get_record(self._conn, str(record_id))

    def records_for_child(self, child_id: str | uuid.UUID, kind: str | None = None) -> list[Record]:
        return records_of_child(self._conn, str(child_id), kind)

    def children(self) -> list[Record]:
        rows = self._conn.execute(
            "SELECT id, kind, child_id, rev, deleted, updated_at, updated_by, data FROM records"
            " WHERE kind = 'child' AND deleted = 0 ORDER BY title"
        )
        return [record_from_row(r) for r in rows]  # one query, not one per child

    def pending_ids(self, child_id: str | uuid.UUID, kind: str) -> set[str]:
        """The ids of the child's records of `kind` with a local edit not yet accepted."""
        rows = self._conn.execute(
            "SELECT id FROM records WHERE child_id = ? AND kind = ? AND pending = 1",
            (str(child_id), kind),
        )
        return {r[0] for r in rows}

    def is_pending(self, record_id: str | uuid.UUID) -> bool:
        row = self._conn.execute(
            "SELECT pending FROM records WHERE id = ?", (str(record_id),)
        ).fetchone()
        return bool(row and row[0])

    def addenda(self, visit_id: str | uuid.UUID) -> list[Record]:
        """A final visit note's addenda, oldest first."""
        visit = self.get(visit_id)
        if visit is None:
            return []
        found = [
            r
            for r in records_of_child(self._conn, str(visit.child_id), Kind.addendum)
            if r.data.get("visit_id") == str(visit_id)
        ]
        return sorted(found, key=lambda r: str(r.data.get("written_at")))

    def all_records(self) -> list[Record]:
        """Everything on the laptop, tombstones included (`caseworker dump`)."""
        rows = self._conn.execute(
            "SELECT id, kind, child_id, rev, deleted, updated_at, updated_by, data FROM records"
            " ORDER BY child_id, sort_at"
        )
        return [record_from_row(r) for r in rows]

    # -- views over the caseload -------------------------------------------------

    def caseload(self, now: datetime | None = None) -> list[ChildSummary]:
        rows = caseload_summary(self._conn, now or self.clock())
        ends = temporary_access.ends(self._conn)
        if ends:
            for row in rows:
                row.temporary_until = ends.get(row.child_id)
        news = partner_news.by_child(self._conn)
        if news:
            for row in rows:
                row.new_from = news.get(row.child_id, [])
        return rows

    def partner_news(self, child_id: str | uuid.UUID) -> dict[str, str]:
        """The child's records reported by a partner and not yet opened:
        record id → "New from …" (desktop.partner_news)."""
        return partner_news.unseen(self._conn, str(child_id))

    def temporary_access_ends(self) -> dict[str, datetime]:
        """child id → when its break-the-glass access ends (desktop.temporary_access)."""
        return temporary_access.ends(self._conn)

    def child_summary(self, child_id: str, now: datetime | None = None) -> ChildSummary | None:
        return next((s for s in self.caseload(now) if s.child_id == child_id), None)

    def due_items(self, child_id: str) -> list[tuple[str, str]]:
        """(what, due) of the child's outstanding due items, soonest first."""
        rows = self._conn.execute(
            "SELECT what, due FROM due_items WHERE child_id = ? ORDER BY due", (child_id,)
        ).fetchall()
        return [(what, due) for what, due in rows]

    def search(self, text: str, *, limit: int = 50) -> list[SearchHit]:
        return search(self._conn, text, limit=limit)

    def matching_children(self, text: str) -> dict[str, str]:
        return matching_children(self._conn, text)

    def insights(self, now: datetime | None = None, *, months: int = MONTHS) -> CaseloadInsights:
        """The insights screen's figures over the last `months` months."""
        conn = self._conn
        return caseload_insights(
            conn, now or self.clock(), months=months, rules=rules_in_force(conn)
        )

    def team(self, now: datetime | None = None) -> TeamView | None:
        """A team manager's team (`desktop.team`); None for anyone else."""
        return team_view(self._conn, device.me(self._conn), now or self.clock())

    def due_rules(self) -> DueRules:
        """The due-date rules in force (`desktop.council_rules`): what the
        stored due dates were computed with, for the words of their timescales."""
        return rules_in_force(self._conn)

    def screening_tools(self) -> dict[str, Tool]:
        """The screening tools in force, by id (`desktop.screening.tools_in_force`):
        the bundled ones, each replaced by the council's served version."""
        return tools_in_force(self._conn)

    def chronology(
        self, child_id: str | uuid.UUID, kinds: Iterable[str] | None = None
    ) -> list[ChronologyEntry]:
        return chronology(self._conn, str(child_id), kinds)

    # -- drafts: typing a form could not save yet ------------------------------------

    def draft(self, form: str, child_id: str | uuid.UUID, record_id: str | None) -> Draft | None:
        return drafts.find(self._conn, form, str(child_id), record_id)

    def drafts_for_child(self, child_id: str | uuid.UUID, form: str | None = None) -> list[Draft]:
        """Newest first."""
        return drafts.for_child(self._conn, str(child_id), form)
