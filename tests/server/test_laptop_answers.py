"""What the laptop makes of the central record's answers: spoiled answers
are a plain SyncError and are asked again, big pushes go in parts that fit
the service's limit, and an outdated laptop is told to update, keeping
everything it holds."""

from __future__ import annotations

import subprocess
import sys
import uuid
from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from desktop import outbox
from sync.client.transport import Transport
from sync.errors import ClientTooOld, SyncError
from sync.server.schema import revisions
from sync.server.testing import running_service
from sync.wire import PUSH_BATCH_BYTES, Mutation, Record
from tests.helpers import PASSPHRASE, PASSWORD, child_data
from tests.server.answerproxy import AnswerProxy


def _note(laptop, child_id, i: int):
    return laptop.repo.create(
        "visit",
        {
            "visit_type": "cin",
            "start": f"2026-05-{i % 28 + 1:02d}T10:00:00+00:00",
            "observations": f"typed note {i}",
        },
        child_id=child_id,
    )


def _applied_once(service, ids) -> None:
    with service.engine.connect() as conn:
        for rid in ids:
            revs = conn.execute(
                sa.select(revisions.c.rev).where(revisions.c.record_id == str(rid))
            ).scalars()
            assert list(revs) == [1], "missing, or applied twice"


def test_spoiled_answers_are_asked_again_and_nothing_is_lost(laptops, service):
    laptop = laptops("sw")
    child = laptop.repo.create("child", child_data())
    notes = [_note(laptop, child.id, i) for i in range(6)]
    proxy = AnswerProxy(urlsplit(service.url).port)
    try:
        laptop.vault.profile.update_settings(server_url=proxy.url)
        proxy.queue("GET", "/api/v1/policy", "wrong_shape", "empty")
        proxy.queue("POST", "/api/v1/changes", "headers_cut", "truncated")
        proxy.queue("GET", "/api/v1/changes", "truncated", "wrong_shape")
        report = laptop.sync()
    finally:
        proxy.close()
    assert report.completed_at is not None
    spoiled = {fault for _, _, fault in proxy.spoiled}
    assert spoiled == {"wrong_shape", "empty", "headers_cut", "truncated"}
    _applied_once(service, [child.id, *(n.id for n in notes)])
    server = {str(r.id): (r.rev, r.data) for r in service.current_records("sw")}
    assert laptop.held() == server and len(server) == 7


def test_an_answer_that_stays_spoiled_is_a_sync_error_not_a_traceback(laptops, service):
    laptop = laptops("sw")
    laptop.repo.create("child", child_data())
    proxy = AnswerProxy(urlsplit(service.url).port)
    try:
        laptop.vault.profile.update_settings(server_url=proxy.url)
        for fault in ("empty", "truncated", "wrong_shape", "headers_cut"):
            proxy.spoil_always("GET", "/api/v1/changes", fault)
            with pytest.raises(SyncError) as err:
                laptop.sync()
            assert type(err.value).__name__ == "ServerUnreachable", fault
            assert "incomplete answer" in err.value.message
        assert outbox.pending_count(laptop.vault.store.conn) == 0  # the push went through
        proxy.spoil_always("GET", "/api/v1/changes", None)
        assert laptop.sync().completed_at is not None
    finally:
        proxy.close()
    assert len(laptop.held()) == 1


def _caseworker(profile, *args):
    return subprocess.run(
        [sys.executable, "-m", "ui.main", "--profile", str(profile), "--secrets-stdin", *args],
        input=PASSPHRASE + "\n",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_caseworker_sync_reports_a_spoiled_answer_plainly(laptops, service):
    laptop = laptops("sw")
    child = laptop.repo.create("child", child_data())
    proxy = AnswerProxy(urlsplit(service.url).port)
    try:
        laptop.vault.profile.update_settings(server_url=proxy.url)
        laptop.vault.lock()
        proxy.spoil_always("POST", "/api/v1/changes", "empty")
        spoiled = _caseworker(laptop.vault.profile.path, "sync")
        assert spoiled.returncode == 1
        assert "incomplete answer" in spoiled.stderr
        assert "Traceback" not in spoiled.stderr and "ValidationError" not in spoiled.stderr
        proxy.spoil_always("POST", "/api/v1/changes", None)
        proxy.queue("GET", "/api/v1/changes", "headers_cut")
        fine = _caseworker(laptop.vault.profile.path, "sync")
        assert fine.returncode == 0, fine.stderr
    finally:
        proxy.close()
    _applied_once(service, [child.id])


# -- pushes in parts that fit the service's limit (item 17) ---------------------


PLAN_TEXTS = (
    "risks",
    "worries",
    "working_well",
    "protective_factors",
    "contingency",
    "child_views",
    "parent_views",
)


def _plan(child_id: str, fill: str, texts: tuple[str, ...] = PLAN_TEXTS[:5]) -> Mutation:
    record = Record(
        id=uuid.uuid4(),
        kind="plan",
        child_id=child_id,
        updated_at=datetime.now(UTC),
        updated_by="sw",
        data={"plan_type": "cse"} | {t: fill for t in texts},
    )
    return Mutation(mutation_id=uuid.uuid4(), record=record, base_rev=0)


def test_a_big_push_goes_in_parts_of_at_most_the_batch_size_in_order(tmp_path):
    with running_service(
        None, tmp_path=tmp_path, policy={"workers_may_create_children": True}
    ) as svc:
        svc.add_worker("sw", PASSWORD)
        transport = Transport(svc.url)
        transport.token = transport.enrol("sw", PASSWORD, "laptop", None).device_token
        sizes: list[int] = []
        transport.session.hooks["response"].append(
            lambda r, *a, **k: sizes.append(len(r.request.body or b""))
        )
        child_id = uuid.uuid4()
        child = Record(
            id=child_id,
            kind="child",
            child_id=child_id,
            updated_at=datetime.now(UTC),
            updated_by="sw",
            data=child_data(),
        )
        first = transport.push([Mutation(mutation_id=uuid.uuid4(), record=child, base_rev=0)])
        assert first[0].status.value == "applied"
        sizes.clear()
        # 14 plans of about 500 kB, and one of over 4 MiB on its own (seven
        # texts of the most a kind allows, each character six bytes of JSON).
        batch = [_plan(str(child_id), "line of plan text\n" * 5_500) for _ in range(14)]
        batch.insert(5, _plan(str(child_id), "\x01" * 100_000, PLAN_TEXTS))
        results = transport.push(batch)
        transport.close()
    assert [r.mutation_id for r in results] == [m.mutation_id for m in batch]
    assert {r.status.value for r in results} == {"applied"}, {r.reason for r in results}
    assert len(sizes) >= 4
    big = len(batch[5].model_dump_json())
    assert big > PUSH_BATCH_BYTES and big + 20 > max(sizes)
    assert sorted(sizes)[-2] <= PUSH_BATCH_BYTES


# -- a laptop older than the policy (item 10) -------------------------------------


def test_an_outdated_laptop_is_told_to_update_and_keeps_everything(laptops, service):
    laptop = laptops("sw")
    child = laptop.repo.create("child", child_data())
    laptop.sync()
    note = _note(laptop, child.id, 1)
    conn = laptop.vault.store.conn
    before = (laptop.held(), outbox.pending_count(conn))
    assert before[1] == 1
    service.set_policy(min_client_version="99.0.0")
    with pytest.raises(ClientTooOld) as err:
        laptop.sync()
    assert err.value.message == (
        "This version of Caseworker is too old for the central record: ask IT to update it. "
        "Your notes are safe on this laptop."
    )
    assert (laptop.held(), outbox.pending_count(conn)) == before
    assert str(note.id) not in {str(r.id) for r in service.current_records("sw")}
    service.set_policy(min_client_version="0.2.0")
    assert laptop.sync().completed_at is not None
    assert str(note.id) in {str(r.id) for r in service.current_records("sw")}
