"""The local side of sync: how pulled pages and push results change the
encrypted store. Implements `sync.client.engine.Replica`.

Decision table for a pulled record:
  no local edit waiting to send    -> the server's version replaces ours
  (a refused edit does not count:     (its text waits in the "Not accepted"
   it is not waiting to send)          list, beside the version shown)
  a local edit waiting or in conflict -> keep the worker's version on top;
                                         the server's copy becomes its base
                                         (and a conflict's "theirs")
Decision table for a push result:
  applied, nothing newer queued    -> the stored revision becomes ours
  applied, newer edits queued      -> they are rebased onto the new revision
  merged, newer edits queued       -> the server's merge is folded into them
  conflict                         -> base, theirs and mine are kept side by
                                      side; queued edits fold into "mine"
  rejected, nothing newer queued   -> the server's version (none for a refused
                                      create) is shown; the worker's text
                                      stays in the outbox, refused, with why
  rejected, newer edits queued     -> they stay on top and are sent next
Removed children: purged once nothing of theirs is waiting, in conflict or
refused (`finish_purges`); a child assigned again before that is kept.
Withdrawn records (restricted since to agencies the worker's is not among,
`sync.kinds.restriction`): dropped at once with everything derived from
them (`desktop.withdrawals`); the worker's own text of them is kept.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime

from desktop import audit, council_rules, device, outbox, restored, temporary_access
from desktop.bulk import json_list, rows_as_one
from desktop.purges import defer_purges, purge_settled
from desktop.records import (
    PreparedRecord,
    drop_record,
    get_record,
    prepare_pulled,
    put_prepared,
    put_record,
    refresh_children,
    save_server_copies,
    save_server_copy,
    server_copy,
    settle_unchanged,
)
from desktop.store import Store
from desktop.withdrawals import withdraw_records
from sync.errors import ServerRejected
from sync.kinds import long_text_fields
from sync.merge import merge_fields
from sync.wire import (
    AuditEvent,
    CouncilRules,
    Me,
    Mutation,
    MutationResult,
    Policy,
    PulledPage,
    Record,
    TemporaryAccessList,
)


class PreparedPage(PulledPage):
    """A pulled page with its store rows already derived (`prepare_page`)."""

    __slots__ = ("prepared",)

    def __init__(self, page: PulledPage, prepared: list[PreparedRecord]) -> None:
        super().__init__(
            page.records,
            page.removed_children,
            page.cursor,
            page.more,
            page.remaining,
            page.removed_records,
        )
        self.prepared = prepared


class StoreReplica:
    def __init__(
        self,
        store: Store,
        *,
        on_policy: Callable[[Policy], None] | None = None,
        on_revoked: Callable[[], None] | None = None,
        worker: str | None = None,
    ) -> None:
        self.store = store
        self.worker = worker  # whose revisions a restore lost are sent back
        self.on_policy = on_policy
        self.on_revoked = on_revoked

    def cursor(self) -> str | None:
        return device.get_meta(self.store.conn, "cursor")

    def prepare_page(self, page: PulledPage) -> PulledPage:
        return PreparedPage(page, prepare_pulled(page.records))

    def apply_page(self, page: PulledPage) -> list[str]:
        prepared = page.prepared if isinstance(page, PreparedPage) else prepare_pulled(page.records)
        with self.store.transaction() as conn:
            if (
                not page.records
                and not page.removed_children
                and not page.removed_records
                and page.cursor == self.cursor()
            ):
                return []  # nothing to write: no commit, no fsync
            held_back = _local_edits(conn)
            # The worker's pending versions stay on top, with the server's
            # copy kept as their base; the rest is simply replaced (a record
            # with no local edit is its own server copy).
            kept = [r for r in page.records if r["id"] in held_back]
            replaced = [p for p in prepared if p.id not in held_back] if kept else prepared
            if kept:
                copies = [Record.model_validate(r) for r in kept]
                save_server_copies(conn, copies)
                _refresh_theirs(conn, copies)
            if conn.execute("SELECT 1 FROM server_records LIMIT 1").fetchone():
                conn.execute(
                    "DELETE FROM server_records WHERE id IN (SELECT value FROM json_each(?))",
                    (json_list([p.id for p in replaced]),),
                )
            known = _local_revs(conn, [p.id for p in replaced])
            # Our own pushes come back in the feed: a revision we already hold
            # is not written (or re-indexed) again. Re-reading a restored
            # record, its older revisions are what it has (desktop.restored).
            rereading = restored.in_progress(conn)
            if rereading:
                restored.note_served(conn, [(r["id"], r["rev"]) for r in page.records])
            restored.forget_arrived(conn, page.records)
            fresh = [p for p in replaced if rereading or known.get(p.id, -1) < p.rev]
            left = _moved_away(conn, fresh)
            put_prepared(conn, fresh, stored=known.keys())
            touched = {p.child_id for p in fresh} | left
            if page.removed_records:
                touched |= withdraw_records(conn, page.removed_records)
            refresh_children(conn, touched)
            defer_purges(conn, page)
            device.set_meta(conn, "cursor", page.cursor)
        # Purge right away what has nothing left to send.
        return self.finish_purges()

    def take_batch(self, limit: int, exclude: frozenset[str] = frozenset()) -> list[Mutation]:
        with self.store.transaction() as conn:
            # Marked sent as they are taken (see desktop.outbox).
            return outbox.claim_batch(conn, limit, exclude)

    def apply_results(self, batch: list[Mutation], results: list[MutationResult]) -> None:
        sent = {str(m.mutation_id): m for m in batch}
        with self.store.transaction() as conn:
            done = [r for r in results if r.status.value in ("applied", "merged")]
            # A batch holds one mutation per record, so settling them in bulk
            # (one statement per table, not per mutation) is the same as one
            # by one. Both statuses leave the outbox: the server holds them.
            outbox.settle(conn, [str(r.mutation_id) for r in done])
            ids = [str(sent[str(r.mutation_id)].record.id) for r in done]
            queued = outbox.pending_among(conn, ids)
            local = {
                row[0]: row[1:]
                for row in _for_keys(
                    conn, "SELECT id, data, deleted FROM records WHERE id IN ({})", ids
                )
            }
            touched, unchanged = set(), []
            for result in results:
                mutation = sent[str(result.mutation_id)]
                rid = str(mutation.record.id)
                status = result.status.value
                if status == "rejected":
                    touched.add(str(mutation.record.child_id))
                    self._refused(conn, mutation, result)
                    continue
                stored = _returned(result)
                if (
                    status == "applied"
                    and rid not in queued
                    and rid in local
                    and bool(local[rid][1]) == stored.deleted
                    and json.loads(local[rid][0]) == stored.data
                    and stored.child_id == mutation.record.child_id
                ):
                    # The usual case: the server stored exactly what we sent
                    # and nothing newer is queued, so the record, its indexes
                    # and its child's summary are already right; only the
                    # revision changes.
                    unchanged.append(stored)
                    continue
                # A record of a child merged into another comes back under
                # the surviving child (sync.server.children): both change.
                touched |= {str(mutation.record.child_id), str(stored.child_id)}
                if status == "conflict":
                    self._conflict(conn, mutation, stored, result)
                else:
                    self._settled(conn, mutation, stored, merged=status == "merged")
            if unchanged:
                _for_keys(
                    conn,
                    "DELETE FROM server_records WHERE id IN ({})",
                    [str(r.id) for r in unchanged],
                )
                settle_unchanged(conn, unchanged)
            refresh_children(conn, touched)

    def _settled(self, conn, mutation: Mutation, stored: Record, *, merged: bool) -> None:
        # The outbox row is already gone (apply_results deletes them in bulk).
        rid = str(mutation.record.id)
        later = outbox.queued(conn, rid)
        local = get_record(conn, rid)
        if later:
            save_server_copy(conn, stored)  # the base of the edits still queued
        else:
            conn.execute("DELETE FROM server_records WHERE id = ?", (rid,))
            if (
                local is not None
                and local.data == stored.data
                and local.deleted == stored.deleted
                and local.child_id == stored.child_id
            ):
                settle_unchanged(conn, [stored])
            else:
                put_record(conn, stored, pending=False)
            return
        if local is None:
            # Queued edits are always written beside the record they change,
            # so this is a damaged store, not a state to rebase from.
            raise RuntimeError(f"queued edits of record {rid} have no local record")
        data = local.data
        if merged:
            # Fold the other side's changes into the newer local edits.
            folded = merge_fields(
                mutation.record.data, stored.data, local.data, long_text_fields(stored.kind)
            )
            if folded.conflicts:
                return  # leave the base as it was: the server will report the conflict
            data = folded.data
        moved = {"child_id": stored.child_id}  # a merge may have moved it
        rebased = local.model_copy(update={"rev": stored.rev, "data": data, **moved})
        put_record(conn, rebased, pending=True)
        for seq, queued in later:
            queued = queued.model_copy(
                update={
                    "rev": stored.rev,
                    "data": {**queued.data, **(data if merged else {})},
                    **moved,
                }
            )
            outbox.rebase(conn, seq, queued)

    def _conflict(self, conn, mutation: Mutation, theirs: Record, result: MutationResult) -> None:
        rid = str(mutation.record.id)
        base = server_copy(conn, rid)
        base_data = base.data if base is not None and base.rev == mutation.base_rev else None
        mine = get_record(conn, rid) or mutation.record
        now = datetime.now(UTC).isoformat()
        conn.execute(
            "INSERT OR REPLACE INTO conflicts (record_id, child_id, base, theirs, mine, fields,"
            " created_at, made_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                rid,
                str(mutation.record.child_id),
                json.dumps(base_data) if base_data is not None else None,
                theirs.model_dump_json(),
                mine.model_dump_json(),
                json.dumps([c.field for c in result.conflicts]),
                now,
                # The queued edits folded into "mine" are all younger.
                mutation.made_at.isoformat() if mutation.made_at else now,
            ),
        )
        # Every queued edit of this record is in "mine"; the resolution will
        # be one new mutation on the server's revision.
        outbox.drop_pending(conn, rid)
        save_server_copy(conn, theirs)
        _set_pending(conn, rid, True)

    def _refused(self, conn, mutation: Mutation, result: MutationResult) -> None:
        rid = str(mutation.record.id)
        base = server_copy(conn, rid)
        base_data = base.data if base is not None and base.rev == mutation.base_rev else None
        outbox.mark_refused(
            conn,
            str(mutation.mutation_id),
            reason=result.reason or "refused",
            base=json.dumps(base_data) if base_data is not None else None,
        )
        if outbox.has_pending(conn, rid):
            return  # newer edits stay on top and go next
        # The central record's version is shown as the record from now on,
        # and pulls replace it; the worker's text waits in the refused row.
        theirs = max(
            (r for r in (base, result.record) if r is not None and str(r.id) == rid),
            key=lambda r: r.rev,
            default=None,
        )
        conn.execute("DELETE FROM server_records WHERE id = ?", (rid,))
        if theirs is None:
            drop_record(conn, rid)  # never accepted: the central record has no version
        else:
            put_record(conn, theirs, pending=False)

    # -- a central record restored from backup (desktop.restored) ------------

    def restore_noticed(self, epoch: int | None) -> bool:
        """Whether the record's epoch says it was restored; then recovery begins."""
        with self.store.transaction() as conn:
            if restored.epoch_changed(conn, epoch):
                restored.begin(conn, epoch)
            return restored.in_progress(conn)

    def begin_restore(self, epoch: int | None) -> None:
        with self.store.transaction() as conn:
            restored.begin(conn, epoch)

    def restore_questions(self) -> list[str]:
        with self.store.transaction() as conn:
            return restored.questions(conn) if restored.in_progress(conn) else []

    def finish_restore(self, histories: dict[str, list[Record]]) -> restored.RestoreOutcome | None:
        with self.store.transaction() as conn:
            if not restored.in_progress(conn):
                return None
            return restored.finish(conn, self.worker, histories)

    def unpushed_audit(self, limit: int) -> list[AuditEvent]:
        return audit.unpushed(self.store.conn, limit)

    def mark_audit_pushed(self, events: list[AuditEvent]) -> None:
        with self.store.transaction() as conn:
            audit.mark_pushed(conn, [str(e.id) for e in events])

    def finish_purges(self) -> list[str]:
        return purge_settled(self.store)

    def save_policy(self, policy: Policy) -> None:
        # Only a changed policy is written and passed on: applying it touches
        # the OS keyring (the unlock limit), a D-Bus round trip per sync otherwise.
        if device.get_meta(self.store.conn, "policy") == policy.model_dump_json():
            return
        with self.store.transaction() as conn:
            device.set_meta(conn, "policy", policy.model_dump_json())
        if self.on_policy:
            self.on_policy(policy)

    def save_me(self, me: Me) -> None:
        if device.get_meta(self.store.conn, "me") == me.model_dump_json():
            return  # the usual answer: nothing new, nothing written
        with self.store.transaction() as conn:
            device.set_meta(conn, "me", me.model_dump_json())

    def council_rules_version(self) -> int | None:
        return council_rules.held_version(self.store.conn)

    def save_council_rules(self, rules: CouncilRules) -> None:
        if rules.version == (self.council_rules_version() or 0):
            return  # the usual answer: nothing new, nothing written
        with self.store.transaction() as conn:
            council_rules.keep_served(conn, rules)

    def save_temporary_access(self, grants: TemporaryAccessList) -> None:
        temporary_access.keep(self.store, grants)

    def mark_synced(self, at: datetime) -> None:
        with self.store.transaction() as conn:
            device.set_meta(conn, "last_sync", at.isoformat())

    def wipe_revoked(self) -> None:
        if self.on_revoked:
            self.on_revoked()


def _returned(result: MutationResult) -> Record:
    """The record an applied, merged or conflicting push result must carry
    (see `sync.wire.MutationResult`); an answer without it is the service's
    fault, refused like any other bad answer rather than half-applied."""
    if result.record is None:
        raise ServerRejected("The central record's answer was incomplete; try again later")
    return result.record


def _for_keys(conn, sql: str, keys: list[str]) -> list[tuple]:
    """Run `sql`, whose `{}` stands for the IN list of `keys`, as one
    statement (the keys go in as one json_each parameter); its rows."""
    return conn.execute(sql.format("SELECT value FROM json_each(?)"), (json_list(keys),)).fetchall()


def _moved_away(conn, fresh: list[PreparedRecord]) -> set[str]:
    """The children that records of `fresh` belonged to here before the
    central record moved them to another child (a merge of two records of
    one child: sync.server.children). What was derived from them under the
    old child goes; the caller refreshes both children."""
    if not fresh:
        return set()
    now = {p.id: str(p.child_id) for p in fresh}
    before = _for_keys(conn, "SELECT id, child_id FROM records WHERE id IN ({})", list(now))
    moved = {rid: child for rid, child in before if child != now[rid]}
    if moved:
        keys = json_list(list(moved))
        conn.execute(
            "DELETE FROM due_items WHERE record_id IN (SELECT value FROM json_each(?))", (keys,)
        )
    return set(moved.values())


def _local_revs(conn, ids: list[str]) -> dict[str, int]:
    # One row, not one per record (see desktop.bulk): a pull runs this while
    # its fetching thread is busy.
    return dict(
        rows_as_one(
            conn,
            "SELECT json_group_array(json_array(id, rev)) FROM records"
            " WHERE id IN (SELECT value FROM json_each(?))",
            (json_list(ids),),
        )
    )


def _local_edits(conn) -> set[str]:
    """Records whose local version stays on top of a pull: an edit waiting
    to send (or in flight) or an open conflict. A refused edit is not one."""
    in_conflict = conn.execute("SELECT record_id FROM conflicts").fetchall()
    return outbox.pending_record_ids(conn) | {r[0] for r in in_conflict}


def _set_pending(conn, record_id: str, pending: bool) -> None:
    conn.execute("UPDATE records SET pending = ? WHERE id = ?", (int(pending), record_id))


def _refresh_theirs(conn, copies: list[Record]) -> None:
    """A newer server revision of a record in conflict becomes its "theirs":
    the worker decides against what the central record holds now, and the
    resolution is sent on that revision."""
    revs = dict(conn.execute("SELECT record_id, theirs ->> '$.rev' FROM conflicts").fetchall())
    for copy in copies:
        rid = str(copy.id)
        if rid in revs and copy.rev > int(revs[rid]):
            conn.execute(
                "UPDATE conflicts SET theirs = ? WHERE record_id = ?",
                (copy.model_dump_json(), rid),
            )
