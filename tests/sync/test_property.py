"""Random offline work on three devices, synced in random order."""

from __future__ import annotations

import json
import uuid

import sqlalchemy as sa
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from desktop import outbox
from desktop.profile import Profile
from desktop.vault import Vault
from sync.errors import RecordInvalid
from sync.server.schema import mutations, revisions
from tests.conftest import PASSPHRASE, TEST_KDF
from tests.sync.conftest import PASSWORD, Laptop, child_data
from ui import sync_setup

WORKERS = ("w0", "w1", "w2")


def make_machine(service, tmp_path):
    class Caseloads(RuleBasedStateMachine):
        @initialize()
        def setup(self) -> None:
            self.laptops: list[Laptop] = []
            for w in WORKERS:
                if w not in {x for x in _workers(service)}:
                    service.add_worker(w, PASSWORD)
                profile = Profile(tmp_path / f"{w}-{uuid.uuid4().hex[:8]}").ensure()
                vault = Vault(profile, kdf=TEST_KDF)
                sync_setup.enrol(
                    vault,
                    server_url=service.url,
                    worker=w,
                    password=PASSWORD,
                    passphrase=PASSPHRASE,
                )
                self.laptops.append(Laptop(w, vault))
            self.children: list[str] = []
            self.typed: dict[tuple[int, str], str] = {}  # (device, record) -> last text typed

        def teardown(self) -> None:
            for laptop in getattr(self, "laptops", []):
                laptop.vault.lock()
                laptop.vault.keystore.delete("vault-key")

        def _held_children(self, i: int) -> list[str]:
            conn = self.laptops[i].vault.store.conn
            return [
                r[0]
                for r in conn.execute("SELECT id FROM records WHERE kind = 'child' ORDER BY id")
            ]

        @rule(i=st.integers(0, 2))
        def create_child(self, i: int) -> None:
            child = self.laptops[i].repo.create("child", child_data(f"C{len(self.children)}"))
            self.children.append(str(child.id))

        @rule(
            i=st.integers(0, 2),
            pick=st.integers(0, 50),
            text=st.text("abc \n", min_size=1, max_size=12),
        )
        def write_plan(self, i: int, pick: int, text: str) -> None:
            held = self._held_children(i)
            if not held:
                return
            child = held[pick % len(held)]
            repo = self.laptops[i].repo
            plans = repo.records_for_child(child, "plan")
            if plans and pick % 2:
                record = repo.update(plans[0].id, {"risks": text})
            else:
                record = repo.create("plan", {"plan_type": "cse", "risks": text}, child_id=child)
            self.typed[(i, str(record.id))] = text

        @rule(
            i=st.integers(0, 2),
            pick=st.integers(0, 50),
            text=st.text("xyz", min_size=1, max_size=8),
        )
        def visit_lifecycle(self, i: int, pick: int, text: str) -> None:
            held = self._held_children(i)
            if not held:
                return
            repo = self.laptops[i].repo
            child = held[pick % len(held)]
            visits = repo.records_for_child(child, "visit")
            try:
                if visits and visits[0].data["status"] == "final":
                    record = repo.add_addendum(visits[0].id, text)
                    self.typed[(i, str(record.id))] = text
                elif visits:
                    repo.update(visits[0].id, {"child_seen": True, "analysis": text})
                    self.typed[(i, str(visits[0].id))] = text
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
                    self.typed[(i, str(record.id))] = text
            except RecordInvalid:
                pass  # e.g. finalising what a pull just made final elsewhere

        @precondition(lambda self: self.children)
        @rule(w=st.integers(0, 2), pick=st.integers(0, 50), on=st.booleans())
        def assignment(self, w: int, pick: int, on: bool) -> None:
            child = self.children[pick % len(self.children)]
            if not _server_has(service, child):
                return
            (service.assign if on else service.unassign)(WORKERS[w], child)

        @rule(i=st.integers(0, 2))
        def sync(self, i: int) -> None:
            assert self.laptops[i].sync().completed_at

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

        def check_final(self) -> None:
            for _ in range(2):
                for laptop in self.laptops:
                    laptop.sync()
            for laptop in self.laptops:
                server = {
                    str(r.id): (r.rev, r.data) for r in service.current_records(laptop.worker)
                }
                conn = laptop.vault.store.conn
                in_conflict = {r[0] for r in conn.execute("SELECT record_id FROM conflicts")}
                rejected = {str(e.mutation.record.id) for e in outbox.rejected(conn)}
                mine = {k: v for k, v in laptop.held().items() if k not in in_conflict | rejected}
                expected = {k: v for k, v in server.items() if k not in in_conflict | rejected}
                assert mine == expected, laptop.worker
            with service.engine.connect() as conn:
                history = [json.loads(r[0]) for r in conn.execute(sa.select(revisions.c.data))]
                assert conn.execute(sa.select(sa.func.count()).select_from(mutations)).scalar() >= 0
            for (i, record_id), text in self.typed.items():
                conn = self.laptops[i].vault.store.conn
                local = [
                    json.loads(r[0])["data"]
                    for r in conn.execute(
                        "SELECT mine FROM conflicts WHERE record_id = ?", (record_id,)
                    )
                ]
                local += [
                    e.mutation.record.data
                    for e in outbox.rejected(conn)
                    if str(e.mutation.record.id) == record_id
                ]
                found = any(text in _strings(h) for h in history + local)
                assert found, f"text typed on device {i} for {record_id} was lost"

    return Caseloads


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _workers(service) -> list[str]:
    from sync.server import admin

    return admin.list_workers(service.engine)


def _server_has(service, child_id: str) -> bool:
    return any(str(r.id) == child_id for r in service.current_records())


def test_random_offline_work_converges(service, tmp_path):
    from hypothesis.stateful import run_state_machine_as_test

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
            max_examples=8,
            database=None,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        ),
    )


def test_the_final_check_catches_a_lost_text(service, tmp_path):
    """The property's own check fails when a typed text is nowhere to be found."""
    import pytest

    machine = make_machine(service, tmp_path)()
    machine.setup()
    try:
        machine.typed[(0, str(uuid.uuid4()))] = "never stored anywhere"
        with pytest.raises(AssertionError, match="was lost"):
            machine.check_final()
    finally:
        machine.teardown()
