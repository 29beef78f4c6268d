"""Random offline work on three devices, synced in random order, against the
real central record (SQLite and PostgreSQL).

The work includes typing into records in conflict, resolving conflicts
(with the worker's text, a combination, the central record's text, or an
addendum for a note finalised elsewhere), edits the central record refuses
(a note finalised elsewhere, a second open missing episode, a child that
left the caseload) and settling them, and children unassigned and assigned
again with all of that open. At the end every text any device typed is in
the central record's revision history or still visible on the device that
typed it (its conflicts, its "Not accepted" list) — unless the worker chose
to drop it (choosing the central record's version, or discarding).

A fourth laptop is a health worker's, holding the same children: social
care log concerns restricted to themselves and the police, and restrict
and open plans, concerns and missing episodes at random, while the health
worker types into what they can see. The health worker's laptop never
holds a record restricted away from health (checked after every step),
and at the end holds exactly what the central record lets health see.

A fifth laptop is the team manager's: every worker above is in their team,
so the manager holds the same children through the team (never by
allocation). They sign off finalised visit notes, record and revise
management oversight and edit plans, racing the workers' offline work; at
the end every worker's laptop holds the manager's oversight of their
children (the replica check), and the manager's laptop exactly their
team's children's records, police-restricted ones included.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import uuid
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from desktop import device
from desktop.conflicts import conflict_fields, keep_mine_as_addendum, list_conflicts, resolve
from desktop.refused import add_as_addendum, discard, list_refused, resend
from sync.errors import RecordInvalid
from sync.kinds import validate_data
from sync.server import accounts, admin
from sync.server.caseload import TEAM as TEAM_HOLD
from sync.server.schema import assignments, mutations, revisions, workers
from sync.wire import Record
from tests.helpers import PASSWORD, Laptop, child_data
from tests.sync.history import strings

WORKERS = ("w0", "w1", "w2")
HEALTH = "h0"  # a health worker holding the same children: laptop 3
MANAGER = "m0"  # the team manager of all four: laptop 4
TEAM = "Property team"
# The field each kind's typing goes into.
TYPED_FIELD = {
    "plan": "risks",
    "visit": "analysis",
    "missing_episode": "found_with",
    "concern": "narrative",
}
# What social care restrict a record to (None: open it again).
RESTRICTIONS = st.sampled_from([None, ["csc"], ["police", "csc"]])
WORDS = st.text("abcxyz ", min_size=1, max_size=10)


def make_machine(service, tmp_path):
    counter = itertools.count()

    class Caseloads(RuleBasedStateMachine):
        @initialize()
        def setup(self) -> None:
            self.laptops: list[Laptop] = []
            known = set(admin.list_workers(service.engine))
            if MANAGER not in known:
                service.add_worker(MANAGER, PASSWORD, role="team_manager")
                accounts.add_team(service.engine, TEAM, manager=MANAGER)
            for w in WORKERS:
                if w not in known:
                    service.add_worker(w, PASSWORD, team=TEAM)
                directory = tmp_path / f"{w}-{uuid.uuid4().hex[:8]}"
                self.laptops.append(Laptop.enrolled(directory, service.url, w))
            if HEALTH not in known:
                service.add_worker(
                    HEALTH, PASSWORD, role="health_worker", agency="health", team=TEAM
                )
            for w in (HEALTH, MANAGER):
                directory = tmp_path / f"{w}-{uuid.uuid4().hex[:8]}"
                self.laptops.append(Laptop.enrolled(directory, service.url, w))
            # (device, record, field) -> the last text that device typed there
            self.typed: dict[tuple[int, str, str], str] = {}
            # A shared caseload from the central team, so that the laptops'
            # offline work collides: conflicts, merges and refusals.
            self.children = _shared_caseload(service)
            for laptop in self.laptops:
                laptop.sync()

        def teardown(self) -> None:
            for laptop in getattr(self, "laptops", []):
                laptop.vault.lock()
                laptop.vault.keystore.delete("vault-key")

        @property
        def health(self) -> Laptop:
            return self.laptops[3]

        @property
        def manager(self) -> Laptop:
            return self.laptops[4]

        def _text(self, words: str) -> str:
            # Unique, on one line: found as a substring only where it was kept.
            return f"t{next(counter)}:{words}"

        def _held_children(self, i: int) -> list[str]:
            conn = self.laptops[i].vault.store.conn
            return [
                r[0]
                for r in conn.execute("SELECT id FROM records WHERE kind = 'child' ORDER BY id")
            ]

        def _pick_child(self, i: int, pick: int) -> str | None:
            held = self._held_children(i)
            return held[pick % len(held)] if held else None

        def _forget(self, i: int, record_id: str, fields: set[str] | None = None) -> None:
            """The worker chose to drop their text here."""
            for key in [k for k in self.typed if k[:2] == (i, record_id)]:
                if fields is None or key[2] in fields:
                    del self.typed[key]

        # -- typing ----------------------------------------------------------

        @rule(i=st.integers(0, 2))
        def create_child(self, i: int) -> None:
            child = self.laptops[i].repo.create("child", child_data(f"C{len(self.children)}"))
            self.children.append(str(child.id))

        @rule(i=st.integers(0, 2), pick=st.integers(0, 50), words=WORDS)
        def write_plan(self, i: int, pick: int, words: str) -> None:
            child = self._pick_child(i, pick)
            if child is None:
                return
            repo, text = self.laptops[i].repo, self._text(words)
            plans = repo.records_for_child(child, "plan")
            if plans and pick % 4:
                record = repo.update(plans[0].id, {"risks": text})
            else:
                record = repo.create("plan", {"plan_type": "cse", "risks": text}, child_id=child)
            self.typed[(i, str(record.id), "risks")] = text

        @rule(i=st.integers(0, 2), pick=st.integers(0, 50), words=WORDS)
        def visit_lifecycle(self, i: int, pick: int, words: str) -> None:
            child = self._pick_child(i, pick)
            if child is None:
                return
            repo, text = self.laptops[i].repo, self._text(words)
            visits = repo.records_for_child(child, "visit")
            try:
                if visits and visits[0].data["status"] == "final":
                    record = repo.add_addendum(visits[0].id, text)
                    self.typed[(i, str(record.id), "text")] = text
                elif visits:
                    repo.update(visits[0].id, {"child_seen": True, "analysis": text})
                    self.typed[(i, str(visits[0].id), "analysis")] = text
                    if pick % 3 == 0:
                        repo.finalise_visit(visits[0].id)
                else:
                    record = repo.create(
                        "visit",
                        {
                            "visit_type": "cin",
                            "start": "2026-05-01T10:00:00+00:00",
                            "analysis": text,
                        },
                        child_id=child,
                    )
                    self.typed[(i, str(record.id), "analysis")] = text
            except RecordInvalid:
                pass  # e.g. finalising what a pull just made final elsewhere

        @rule(i=st.integers(0, 2), pick=st.integers(0, 50), words=WORDS)
        def record_missing(self, i: int, pick: int, words: str) -> None:
            """Two laptops recording the same child missing offline: the
            central record takes one open episode and refuses the other."""
            child = self._pick_child(i, pick)
            if child is None:
                return
            text = self._text(words)
            try:
                record = self.laptops[i].repo.create(
                    "missing_episode",
                    {"start": f"2026-05-{1 + pick % 28:02d}T18:00:00+00:00", "found_with": text},
                    child_id=child,
                )
            except RecordInvalid:
                return  # this laptop already knows of an open episode
            self.typed[(i, str(record.id), "found_with")] = text

        # -- need to know ----------------------------------------------------

        @rule(
            i=st.integers(0, 2),
            pick=st.integers(0, 50),
            words=WORDS,
            restricted=st.sampled_from([None, ["police", "csc"]]),
        )
        def log_concern(self, i: int, pick: int, words: str, restricted: list | None) -> None:
            child = self._pick_child(i, pick)
            if child is None:
                return
            text = self._text(words)
            data = {
                "received_at": "2026-05-02T09:00:00+00:00",
                "source": "Synthetic source",
                "reliability": "unverified",
                "narrative": text,
            } | ({"restricted_to": restricted} if restricted else {})
            record = self.laptops[i].repo.create("concern", data, child_id=child)
            self.typed[(i, str(record.id), "narrative")] = text

        @rule(i=st.integers(0, 2), pick=st.integers(0, 50), to=RESTRICTIONS)
        def restrict(self, i: int, pick: int, to: list | None) -> None:
            """Social care restrict a record (or open it again), perhaps one
            the health worker's laptop already holds."""
            child = self._pick_child(i, pick)
            if child is None:
                return
            repo = self.laptops[i].repo
            records = [
                r
                for r in repo.records_for_child(child)
                if r.kind in ("plan", "concern", "missing_episode")
            ]
            if not records:
                return
            record = records[pick % len(records)]
            # A rule across the child's records may refuse it (a second open episode).
            with contextlib.suppress(RecordInvalid):
                repo.update(record.id, {"restricted_to": to})

        @rule(pick=st.integers(0, 50), words=WORDS)
        def health_types(self, pick: int, words: str) -> None:
            """The health worker types into a plan they can see (which social
            care may be restricting meanwhile)."""
            child = self._pick_child(3, pick)
            if child is None:
                return
            repo, text = self.health.repo, self._text(words)
            plans = repo.records_for_child(child, "plan")
            if plans:
                record = repo.update(plans[pick % len(plans)].id, {"risks": text})
            else:
                record = repo.create("plan", {"plan_type": "cse", "risks": text}, child_id=child)
            self.typed[(3, str(record.id), "risks")] = text

        @precondition(lambda self: self.children)
        @rule(pick=st.integers(0, 50), on=st.booleans())
        def health_assignment(self, pick: int, on: bool) -> None:
            child = self.children[pick % len(self.children)]
            if _server_has(service, child):
                (service.assign if on else service.unassign)(HEALTH, child)

        @rule()
        def health_sync(self) -> None:
            self.sync(3)

        @invariant()
        def health_never_holds_a_restricted_record(self) -> None:
            if not hasattr(self, "laptops"):
                return
            conn = self.health.vault.store.conn
            for sql in (
                "SELECT data FROM records",
                "SELECT record ->> '$.data' FROM server_records",
                "SELECT theirs ->> '$.data' FROM conflicts",
            ):
                for (data,) in conn.execute(sql):
                    allowed = json.loads(data).get("restricted_to") if data else None
                    assert allowed is None or "health" in allowed, sql

        # -- the team manager -----------------------------------------------

        @rule(pick=st.integers(0, 50), words=WORDS)
        def manager_signs_off(self, pick: int, words: str) -> None:
            """The manager signs off a finalised visit note of a child their
            team holds (perhaps one a worker is adding an addendum to)."""
            child = self._pick_child(4, pick)
            if child is None:
                return
            repo, text = self.manager.repo, self._text(words)
            finals = [
                v for v in repo.records_for_child(child, "visit") if v.data["status"] == "final"
            ]
            if not finals:
                return
            data = {
                "visit_id": str(finals[pick % len(finals)].id),
                "signed_by": MANAGER,
                "signed_at": datetime.now(UTC).isoformat(),
                "comment": text,
            }
            try:
                record = repo.create("sign_off", data, child_id=child)
            except RecordInvalid:
                return  # e.g. a rule across the child's records refuses it here
            self.typed[(4, str(record.id), "comment")] = text

        @rule(pick=st.integers(0, 50), words=WORDS)
        def manager_oversees(self, pick: int, words: str) -> None:
            """Management oversight recorded, or its decision revised."""
            child = self._pick_child(4, pick)
            if child is None:
                return
            repo, text = self.manager.repo, self._text(words)
            entries = repo.records_for_child(child, "management_oversight")
            if entries and pick % 2:
                record = repo.update(entries[0].id, {"decision": text})
            else:
                data = {"date": "2026-05-03", "by": MANAGER, "decision": text}
                record = repo.create("management_oversight", data, child_id=child)
            self.typed[(4, str(record.id), "decision")] = text

        @rule(pick=st.integers(0, 50), words=WORDS)
        def manager_edits_a_plan(self, pick: int, words: str) -> None:
            """The manager edits a plan the workers are typing into offline:
            their syncs meet it as a merge or a conflict."""
            child = self._pick_child(4, pick)
            if child is None:
                return
            repo, text = self.manager.repo, self._text(words)
            plans = repo.records_for_child(child, "plan")
            if plans:
                record = repo.update(plans[pick % len(plans)].id, {"risks": text})
                self.typed[(4, str(record.id), "risks")] = text

        @rule()
        def manager_sync(self) -> None:
            self.sync(4)

        def _with(self, table_sql: str) -> list[int]:
            """The devices with a row in `table_sql` (a count query)."""
            return [
                i
                for i, laptop in enumerate(self.laptops)
                if laptop.vault.store.conn.execute(table_sql).fetchone()[0]
            ]

        def _in_conflict(self) -> list[int]:
            return self._with("SELECT count(*) FROM conflicts")

        def _refused(self) -> list[int]:
            return self._with("SELECT count(*) FROM outbox WHERE state = 'rejected'")

        @rule(i=st.integers(0, 2), pick=st.integers(0, 50), words=WORDS)
        def type_during_conflict(self, i: int, pick: int, words: str) -> None:
            devices = self._in_conflict()  # not a precondition: replays must draw alike
            if not devices:
                return
            i = devices[i % len(devices)]
            repo = self.laptops[i].repo
            conflicts = [c for c in list_conflicts(repo) if c.kind in TYPED_FIELD]
            if not conflicts:
                return
            conflict, text = conflicts[pick % len(conflicts)], self._text(words)
            field = TYPED_FIELD[conflict.kind]
            try:
                repo.update(conflict.record_id, {field: text})
            except RecordInvalid:
                return  # "mine" is a note this laptop finalised
            self.typed[(i, conflict.record_id, field)] = text

        # -- settling --------------------------------------------------------

        @rule(i=st.integers(0, 2), pick=st.integers(0, 50), words=WORDS)
        def type_then_resolve(self, i: int, pick: int, words: str) -> None:
            """Typing goes on into a record in conflict, then the worker
            resolves it keeping their (current) text."""
            self.type_during_conflict(i, pick, words)
            self.resolve_conflict(i, pick, "default")

        @rule(
            i=st.integers(0, 2),
            pick=st.integers(0, 50),
            how=st.sampled_from(["mine", "combine", "theirs", "default"]),
        )
        def resolve_conflict(self, i: int, pick: int, how: str) -> None:
            devices = self._in_conflict()  # not a precondition: replays must draw alike
            if not devices:
                return
            i = devices[i % len(devices)]
            repo = self.laptops[i].repo
            conflicts = list_conflicts(repo)
            if not conflicts:
                return
            conflict = conflicts[pick % len(conflicts)]
            if conflict.final_note and how == "default":
                keep_mine_as_addendum(repo, conflict.record_id)
                return
            fields = conflict_fields(repo, conflict.record_id)
            choices: dict = {}
            for f in fields:
                if how == "theirs":
                    choices[f.field] = "theirs"
                elif how == "combine" and isinstance(f.mine, str) and isinstance(f.theirs, str):
                    choices[f.field] = ("edited", f"{f.mine} / {f.theirs}")
                else:
                    choices[f.field] = "mine"
            try:
                resolve(repo, conflict.record_id, choices)
            except RecordInvalid:
                return  # e.g. "mine" would change a final note: still open
            if how == "theirs":
                self._forget(i, conflict.record_id, {f.field for f in fields})

        @rule(
            i=st.integers(0, 2),
            pick=st.integers(0, 50),
            how=st.sampled_from(["resend", "addendum", "discard", "leave"]),
        )
        def settle_refused(self, i: int, pick: int, how: str) -> None:
            devices = self._refused()
            if not devices:
                return
            i = devices[i % len(devices)]
            repo = self.laptops[i].repo
            refused = list_refused(repo)
            if not refused or how == "leave":
                return
            item = refused[pick % len(refused)]
            try:
                if how == "resend":
                    resend(repo, item.mutation_id, {f.field: f.mine for f in item.fields})
                elif how == "addendum" and item.can_add_addendum:
                    add_as_addendum(repo, item.mutation_id)
                elif how == "discard":
                    discard(repo, item.mutation_id)
                    self._forget(i, item.record_id, {f.field for f in item.fields})
            except RecordInvalid:
                pass  # refused here too (a rule, a final note): it stays listed

        @rule(i=st.integers(0, 2), j=st.integers(1, 2), pick=st.integers(0, 50), words=WORDS)
        def collide(self, i: int, j: int, pick: int, words: str) -> None:
            """Two laptops type into the same field of one record offline,
            then sync one after the other: the second gets a conflict (or a
            refusal, if the first finalised the note)."""
            j = (i + j) % 3
            first, second = self.laptops[i], self.laptops[j]
            shared = sorted(set(self._held_children(i)) & set(self._held_children(j)))
            if not shared:
                return
            child = shared[pick % len(shared)]
            records = [
                r
                for r in first.repo.records_for_child(child)
                if r.kind in ("plan", "visit") and r.rev > 0 and second.repo.get(r.id)
            ]
            if not records:
                return
            record = records[pick % len(records)]
            field = TYPED_FIELD[record.kind]
            for n, laptop in ((i, first), (j, second)):
                text = self._text(words)
                try:
                    laptop.repo.update(record.id, {field: text})
                except RecordInvalid:
                    continue  # a final note on this laptop
                self.typed[(n, str(record.id), field)] = text
            self.sync(i)
            self.sync(j)

        @precondition(lambda self: self.children)
        @rule(w=st.integers(0, 2), pick=st.integers(0, 50), on=st.booleans())
        def assignment(self, w: int, pick: int, on: bool) -> None:
            child = self.children[pick % len(self.children)]
            if not _server_has(service, child):
                return
            (service.assign if on else service.unassign)(WORKERS[w], child)

        @rule(i=st.integers(0, 2))
        def sync_one(self, i: int) -> None:
            self.sync(i)

        @rule()
        def sync_all(self) -> None:
            for i in range(len(self.laptops)):
                self.sync(i)

        def sync(self, i: int) -> None:
            report = self.laptops[i].sync()
            assert report.completed_at
            if i == 4:
                self._check_team_holds()

        def _check_team_holds(self) -> None:
            """Just synced, the manager's laptop holds exactly the children
            their team holds now (and those it keeps for unsent work)."""
            with service.engine.connect() as conn:
                holds = conn.execute(
                    sa.select(assignments.c.child_id, assignments.c.via)
                    .join(workers, workers.c.id == assignments.c.worker_id)
                    .where(workers.c.name == MANAGER)
                ).all()
            assert {via for _, via in holds} <= {TEAM_HOLD}, "the manager was allocated a child"
            kept = set(device.get_json(self.manager.vault.store.conn, "purge_pending", []))
            held = set(self._held_children(4))
            assert held - kept == {str(child) for child, _ in holds} - kept

        @invariant()
        def no_mutation_applied_twice(self) -> None:
            with service.engine.connect() as conn:
                ids = [
                    r[0]
                    for r in conn.execute(
                        sa.select(revisions.c.mutation_id).where(
                            revisions.c.mutation_id.is_not(None)
                        )
                    )
                ]
            assert len(ids) == len(set(ids))

        # -- the end ---------------------------------------------------------

        def check_final(self) -> None:
            for _ in range(2):
                for laptop in self.laptops:
                    laptop.sync()
            for laptop in self.laptops:
                self._check_replica(laptop)
            history = self._check_history()
            for (i, record_id, field), text in self.typed.items():
                visible = self._visible(self.laptops[i])
                assert any(text in s for s in history + visible), (
                    f"text typed on device {i} into {field} of {record_id} was lost"
                )

        def _check_replica(self, laptop: Laptop) -> None:
            """Every record of every held child is the central record's newest
            revision, except where the worker's version is open on top (a
            conflict); a removed child stays only while its work is open."""
            conn = laptop.vault.store.conn
            in_conflict = {r[0] for r in conn.execute("SELECT record_id FROM conflicts")}
            kept = set(device.get_json(conn, "purge_pending", []))
            for child_id in kept:
                open_work = conn.execute(
                    "SELECT (SELECT count(*) FROM outbox WHERE child_id = ?)"
                    " + (SELECT count(*) FROM conflicts WHERE child_id = ?)",
                    (child_id, child_id),
                ).fetchone()[0]
                assert open_work, f"removed child {child_id} kept on {laptop.worker} for nothing"
            children = dict(conn.execute("SELECT id, child_id FROM records").fetchall())
            mine = {
                k: v
                for k, v in laptop.held().items()
                if k not in in_conflict and children[k] not in kept
            }
            server = {
                str(r.id): (r.rev, r.data)
                for r in service.current_records(laptop.worker)
                if str(r.id) not in in_conflict
            }
            assert mine == server, laptop.worker

        def _check_history(self) -> list[str]:
            """Every mutation id is recorded once; every applied or merged one
            is in the revision history as its result says; every revision
            made by a mutation belongs to a recorded, accepted mutation."""
            with service.engine.connect() as conn:
                recorded = conn.execute(
                    sa.select(mutations.c.mutation_id, mutations.c.result)
                ).all()
                rows = conn.execute(
                    sa.select(
                        revisions.c.record_id,
                        revisions.c.rev,
                        revisions.c.data,
                        revisions.c.mutation_id,
                    )
                ).all()
            ids = [m for m, _ in recorded]
            assert len(ids) == len(set(ids)), "a mutation id recorded twice"
            stored = {(r.record_id, r.rev): json.loads(r.data) for r in rows}
            results = {m: json.loads(raw) for m, raw in recorded}
            for mutation_id, result in results.items():
                if result["status"] in ("applied", "merged"):
                    record = result["record"]
                    assert stored.get((record["id"], record["rev"])) == record["data"], (
                        f"accepted mutation {mutation_id} is not in the history"
                    )
            for r in rows:
                if r.mutation_id is not None:
                    assert results[r.mutation_id]["status"] in ("applied", "merged")
                    assert results[r.mutation_id]["record"]["rev"] == r.rev
            return [s for data in stored.values() for s in strings(data)]

        def _visible(self, laptop: Laptop) -> list[str]:
            """The worker's own text this laptop still shows: conflicts ("yours"
            is the local record) and the Not accepted list."""
            repo = laptop.repo
            texts = []
            for c in list_conflicts(repo):
                record = repo.get(c.record_id)
                texts += strings(record.data if record else {})
            for item in list_refused(repo):
                texts += [s for f in item.fields for s in strings(f.mine)]
            return texts

    return Caseloads


def _shared_caseload(service) -> list[str]:
    now = datetime.now(UTC)
    records, children = [], []
    for n in range(2):
        child = uuid.uuid4()
        children.append(str(child))
        for kind, data in (
            ("child", child_data(f"Shared{n}")),
            ("plan", {"plan_type": "cse", "risks": "agreed at the meeting"}),
            ("visit", {"visit_type": "cin", "start": "2026-05-01T10:00:00+00:00"}),
            # A finalised note for the manager to sign off from the start.
            (
                "visit",
                {
                    "visit_type": "cin",
                    "start": "2026-04-20T10:00:00+00:00",
                    "child_seen": True,
                    "status": "final",
                    "finalised_at": "2026-04-20T12:00:00+00:00",
                    "finalised_by": "central team",
                },
            ),
        ):
            records.append(
                Record(
                    id=child if kind == "child" else uuid.uuid4(),
                    kind=kind,
                    child_id=child,
                    updated_at=now,
                    updated_by="central team",
                    data=validate_data(kind, data),
                )
            )
    service.insert_records(records)
    for child in children:
        for worker in (*WORKERS, HEALTH):  # the manager holds them via the team
            service.assign(worker, child)
    return children


def _server_has(service, child_id: str) -> bool:
    return any(str(r.id) == child_id for r in service.current_records())


def _run(service, tmp_path, *, examples: int, steps: int) -> None:
    machine = make_machine(service, tmp_path)
    original_teardown = machine.teardown

    def teardown(self) -> None:
        try:
            self.check_final()
        finally:
            original_teardown(self)

    machine.teardown = teardown
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=examples,
            database=None,
            stateful_step_count=steps,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        ),
    )


@pytest.mark.slow
def test_random_offline_work_converges_and_keeps_every_word(service, tmp_path):
    _run(service, tmp_path, examples=10, steps=40)


@pytest.mark.slow
def test_random_offline_work_converges_and_keeps_every_word_longer(service, tmp_path):
    _run(service, tmp_path, examples=40, steps=60)


def test_the_final_check_catches_a_lost_text(service, tmp_path):
    """The property's own check fails when a typed text is nowhere to be found."""
    machine = make_machine(service, tmp_path)()
    machine.setup()
    try:
        machine.typed[(0, str(uuid.uuid4()), "risks")] = "never stored anywhere"
        with pytest.raises(AssertionError, match="was lost"):
            machine.check_final()
    finally:
        machine.teardown()


def test_the_final_check_catches_an_accepted_mutation_missing_from_the_history(service, tmp_path):
    """…and when the service says it applied a mutation the history lacks."""
    machine = make_machine(service, tmp_path)()
    machine.setup()
    try:
        machine.laptops[0].repo.create("child", child_data("Hazel"))
        machine.laptops[0].sync()
        with service.engine.begin() as conn:
            conn.execute(sa.delete(revisions))
        with pytest.raises(AssertionError, match="not in the history"):
            machine._check_history()
    finally:
        machine.teardown()


def test_the_team_check_catches_a_child_the_team_no_longer_holds(service, tmp_path):
    """…and when the manager's laptop holds a child its team let go of."""
    machine = make_machine(service, tmp_path)()
    machine.setup()
    try:
        child = machine.children[0]
        for worker in (*WORKERS, HEALTH):
            service.unassign(worker, child)
        with pytest.raises(AssertionError):
            machine._check_team_holds()  # as if the laptop had just synced
    finally:
        machine.teardown()
