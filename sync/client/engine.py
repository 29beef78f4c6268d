"""The client sync engine: push the outbox, pull the feed, settle what came back.

Plain Python, no Qt: the UI runs `SyncEngine.sync` in a worker thread and
adapts `Progress` to queued signals. Local storage is reached only through
the `Replica` protocol (implemented in desktop/), so every decision here is
about the protocol, and every local change is one transaction there.
"""

from __future__ import annotations

import gc
import logging
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from sync.client.transport import CLIENT_TOO_OLD, Transport
from sync.errors import ClientTooOld, CursorAhead, DeviceRevoked
from sync.wire import (
    CLIENT_VERSION,
    AuditEvent,
    CouncilRules,
    Me,
    Mutation,
    MutationResult,
    Policy,
    PulledPage,
    Record,
    TemporaryAccessList,
    version_key,
)

log = logging.getLogger(__name__)

_tuned_lock = threading.Lock()
_tuned = 0  # syncs running with the interpreter tuned (its settings are process-wide)
_saved = (0.005, True)  # the switch interval and collector state before the first

# Audit events a request (AuditBatch's bound).
AUDIT_BATCH = 5000

# How soon a thread waiting for the interpreter lock asks for it back
# (Python's default is 5 ms). See `tuned_for_sync`.
SYNC_SWITCH_INTERVAL = 0.0001


@contextmanager
def tuned_for_sync() -> Iterator[None]:
    """The interpreter set up for a sync while one runs, restored after the last.

    - The cyclic garbage collector is off. A page brings tens of thousands of
      new containers, and each collection they trigger walks them: the first
      full collection of a long pull cost about 150 ms of a 1.3 s initial
      sync, and one landing in a push of 1,000 notes about 120 ms
      (bench/bench_sync.py). Reference counting still frees everything
      acyclic at once; cycles wait until the collector is back on. A
      collector that was already off is left off.
    - The switch interval is 0.1 ms. The store thread gives up the
      interpreter lock inside every SQLite call, and while the fetching
      thread validates the next page, getting it back took up to a whole
      default interval (5 ms) each time: a page's writes took about 300 ms
      instead of 200. Paired runs of bench_sync were faster in six of six,
      by 2-28%.
    """
    global _tuned, _saved
    with _tuned_lock:
        if _tuned == 0:
            _saved = (sys.getswitchinterval(), gc.isenabled())
            sys.setswitchinterval(min(_saved[0], SYNC_SWITCH_INTERVAL))
            gc.disable()
        _tuned += 1
    try:
        yield
    finally:
        with _tuned_lock:
            _tuned -= 1
            if _tuned == 0:
                sys.setswitchinterval(_saved[0])
                if _saved[1]:
                    gc.enable()


class Progress(Protocol):
    """A progress and cancel handle; `report` may be called from any thread."""

    def report(self, phase: str, done: int, total: int | None, received_bytes: int) -> None: ...

    def cancelled(self) -> bool: ...


class NoProgress:
    def report(self, phase: str, done: int, total: int | None, received_bytes: int) -> None:
        pass

    def cancelled(self) -> bool:
        return False


class Replica(Protocol):
    """What the engine needs of the local encrypted store. Each method is one
    local transaction: it commits whole or not at all."""

    def cursor(self) -> str | None: ...

    def prepare_page(self, page: PulledPage) -> PulledPage:
        """The page ready to apply, with the work that needs no store done now.
        Runs on the fetching thread while the page before is being applied:
        it must not touch the store."""

    def apply_page(self, page: PulledPage) -> list[str]:
        """Store the page's records and removals together with its cursor;
        return the children purged as a result. A page that has not been
        through `prepare_page` (the first of a sync) is prepared here."""

    def take_batch(self, limit: int, exclude: frozenset[str] = frozenset()) -> list[Mutation]:
        """The next mutations to send (one per record, none for the record
        ids in `exclude`, which are in flight), marked as sent."""

    def apply_results(self, batch: list[Mutation], results: list[MutationResult]) -> None: ...

    def unpushed_audit(self, limit: int) -> list[AuditEvent]: ...

    def mark_audit_pushed(self, events: list[AuditEvent]) -> None: ...

    def finish_purges(self) -> list[str]:
        """Purge removed children whose pending changes are settled; their ids."""

    def save_policy(self, policy: Policy) -> None: ...

    def save_me(self, me: Me) -> None:
        """Keep who the worker is (role, agency, team) for the screens."""

    def council_rules_version(self) -> int | None:
        """The version of the council's rules the laptop holds (None: none yet)."""

    def save_council_rules(self, rules: CouncilRules) -> None:
        """Keep the council's rules and tools if they are new, and recompute
        what depends on them; one transaction."""

    def save_temporary_access(self, grants: TemporaryAccessList) -> None:
        """Keep the worker's break-the-glass grants in force (to say when each
        child leaves the laptop); one transaction."""

    def mark_synced(self, at: datetime) -> None: ...

    def wipe_revoked(self) -> None:
        """The device is revoked: erase everything now."""

    def restore_noticed(self, epoch: int | None) -> bool:
        """Whether the central record was restored from a backup (its epoch
        changed, now or at a sync that did not finish): then the stored
        cursor is forgotten and pending work waits for `finish_restore`."""

    def begin_restore(self, epoch: int | None) -> None:
        """The feed refused the cursor as ahead of it: recovery begins."""

    def restore_questions(self) -> list[str]:
        """After the whole feed was read again: the records whose history
        `finish_restore` needs (none when not recovering)."""

    def finish_restore(self, histories: dict[str, list[Record]]) -> Any:
        """Send back what the restore lost, given those records' histories;
        the outcome (None when not recovering)."""


@dataclass
class SyncReport:
    pulled: int = 0
    pushed: int = 0
    conflicts: int = 0
    rejected: int = 0
    purged: list[str] = field(default_factory=list)
    cancelled: bool = False
    completed_at: datetime | None = None
    #: after the central record was restored from a backup (desktop.restored)
    restore: Any = None


class Cancelled(Exception):
    pass


class SyncEngine:
    def __init__(
        self,
        transport: Transport,
        replica: Replica,
        *,
        page_size: int = 10_000,
        first_page: int = 1000,
        push_batch: int = 500,
    ) -> None:
        self.transport = transport
        self.replica = replica
        self.page_size = page_size  # the most a page asks for (the service's limit)
        self.first_page = first_page
        self.push_batch = push_batch

    def sync(self, progress: Progress | None = None) -> SyncReport:
        """One full sync. Safe to interrupt anywhere: the next run resumes.

        Raises SyncError subclasses for expected failures; on DeviceRevoked
        the replica is wiped before the error propagates.
        """
        progress = progress or NoProgress()
        with tuned_for_sync():
            return self._sync(progress)

    def _sync(self, progress: Progress) -> SyncReport:
        report = SyncReport()
        try:
            policy = self.transport.policy()
            self.replica.save_policy(policy)
            if version_key(CLIENT_VERSION) < version_key(policy.min_client_version):
                # Before anything is sent: the outbox waits for the update.
                raise ClientTooOld(CLIENT_TOO_OLD)
            me = self.transport.me()
            if me is not None:
                self.replica.save_me(me)
            rules = self.transport.council_rules(self.replica.council_rules_version())
            if rules is not None:
                self.replica.save_council_rules(rules)
            epoch = self.transport.record_epoch()
            if not self.replica.restore_noticed(epoch):
                self._push(report, progress)
            try:
                self._pull(report, progress)
            except CursorAhead:
                # Restored, and the operator did not say so: the service has
                # bumped its epoch on seeing the cursor (sync.server.restores).
                self.replica.begin_restore(self.transport.record_epoch())
                self._pull(report, progress)
            asked = self.replica.restore_questions()
            report.restore = self.replica.finish_restore(
                {rid: self.transport.history(rid) for rid in asked}
            )
            self._push(report, progress)  # edits made while we were pulling
            grants = self.transport.temporary_access()
            if grants is not None:
                self.replica.save_temporary_access(grants)
            self._push_audit()
            report.purged += self.replica.finish_purges()
        except Cancelled:
            report.cancelled = True
            return report
        except DeviceRevoked:
            self.replica.wipe_revoked()
            raise
        report.completed_at = datetime.now(UTC)
        self.replica.mark_synced(report.completed_at)
        progress.report("done", report.pulled, report.pulled, self.transport.bytes_received)
        return report

    def _check(self, progress: Progress) -> None:
        if progress.cancelled():
            raise Cancelled()

    def _push(self, report: SyncReport, progress: Progress) -> None:
        # While one batch is on the wire the next is taken and the previous
        # one's results are written, so the network and the store overlap.
        # A record is never in two batches at once: its edits stay in order.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="push") as sender:
            self._check(progress)
            batch = self.replica.take_batch(self.push_batch)
            if not batch:
                return
            in_flight = sender.submit(self.transport.push, batch)
            while True:
                busy = frozenset(str(m.record.id) for m in batch)
                following = (
                    [] if progress.cancelled() else self.replica.take_batch(self.push_batch, busy)
                )
                results = in_flight.result()
                if following:
                    in_flight = sender.submit(self.transport.push, following)
                self.replica.apply_results(batch, results)
                self._count(report, results)
                progress.report("push", report.pushed, None, self.transport.bytes_received)
                if not following:
                    self._check(progress)
                    return
                batch = following

    @staticmethod
    def _count(report: SyncReport, results: list[MutationResult]) -> None:
        for r in results:
            if r.status.value in ("applied", "merged"):
                report.pushed += 1
            elif r.status.value == "conflict":
                report.conflicts += 1
            else:
                report.rejected += 1

    def _pull(self, report: SyncReport, progress: Progress) -> None:
        # The next page is fetched while this one is written: the network and
        # the encrypted store work at the same time. Only the page being
        # applied moves the stored cursor, so stopping anywhere is safe.
        #
        # Page sizes: nothing overlaps the first page's fetch and preparation,
        # nor the last page's writes, so both are small. Pages start at
        # `first_page`, double up to `page_size`, and near the end ask for
        # half of what the first page said was left, never under
        # `first_page`. Large pages in between mean fewer commits, and each
        # commit of a long first pull rewrites the leaves of the store's
        # indexes keyed by random ids that the page touched (most of them,
        # once the caseload is large): applying the same 200,000 records,
        # 10,000-record pages wrote about a quarter fewer bytes than
        # 5,000-record ones (/proc/self/io of the store's writes).
        size = max(1, min(self.first_page, self.page_size))
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="pull") as fetcher:
            # Only the first page counts what is left: a total for the
            # progress bar, at the cost of one query per sync. It is left
            # for apply_page to prepare, so the next page is asked for first.
            page = self.transport.pull(self.replica.cursor(), size, estimate=True)
            total = page.remaining
            received = 0  # to size the last pages
            while True:
                self._check(progress)
                received += len(page.records)
                size = _next_size(size, self.first_page, self.page_size, total, received)
                following = fetcher.submit(self._fetch, page.cursor, size) if page.more else None
                try:
                    report.purged += self.replica.apply_page(page)
                except BaseException:
                    if following is not None:
                        following.cancel()
                    raise
                report.pulled += len(page.records)
                if total is not None:
                    # Changes made while we pull are sent too: never past 100%.
                    total = max(total, report.pulled)
                progress.report("pull", report.pulled, total, self.transport.bytes_received)
                if following is None:
                    return
                page = following.result()

    def _fetch(self, since: str | None, limit: int) -> PulledPage:
        page = self.transport.pull(since, limit)
        return self.replica.prepare_page(page)

    def _push_audit(self) -> None:
        # As many a request as the service takes (AuditBatch): an offline
        # week's notes each leave an event, and every request and its local
        # commit cost the same however few it carries.
        while events := self.replica.unpushed_audit(AUDIT_BATCH):
            self.transport.push_audit(events)
            self.replica.mark_audit_pushed(events)


def _next_size(size: int, first: int, most: int, total: int | None, received: int) -> int:
    """The next page's limit after one of `size` (see `SyncEngine._pull`):
    twice as many, at most `most`, and, when the first page said `total`
    were to come, at most half of those not yet `received`."""
    following = min(most, size * 2)
    if total is not None:
        following = min(following, max(first, (total - received + 1) // 2))
    return max(1, following)
