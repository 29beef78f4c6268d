"""Writers in parallel on PostgreSQL, invariant 3 kept (see
sync.server.sequence): pushes to different children do not wait on each
other, a reader never passes a sequence number an open push still holds,
and 16 writers on distinct and shared children over real HTTP leave a
paging reader with exactly the final set, each change delivered once."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import requests
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from sync.server import admin, feed
from sync.server.policy import current_policy
from sync.server.push import apply_push
from sync.server.schema import workers
from sync.server.testing import ServiceHandle, running_service
from sync.wire import CLIENT_VERSION, CLIENT_VERSION_HEADER, Mutation, Record
from tests.helpers import PASSWORD
from tests.server.devices import FeedFollower, new_child, new_record

VERSION = {CLIENT_VERSION_HEADER: CLIENT_VERSION}
CHILDREN_BY_WORKERS = {"workers_may_create_children": True}


def _enrol(url: str, worker: str) -> dict:
    r = requests.post(
        f"{url}/api/v1/auth/enrol",
        json={"worker": worker, "password": PASSWORD, "device_name": "d"},
        headers=VERSION,
        timeout=30,
    )
    r.raise_for_status()
    return VERSION | {"Authorization": f"Bearer {r.json()['device_token']}"}


def _push(url: str, headers: dict, record: dict, session=requests, timeout: float = 60) -> str:
    m = {"mutation_id": str(uuid.uuid4()), "record": record, "base_rev": 0}
    r = session.post(
        f"{url}/api/v1/changes", json={"mutations": [m]}, headers=headers, timeout=timeout
    )
    r.raise_for_status()
    return r.json()["results"][0]["status"]


def _plan(child_id: str, text: str) -> dict:
    return new_record(child_id, "plan", {"plan_type": "cse", "risks": text})


def _pull_all(url: str, headers: dict, cursor: str | None) -> tuple[list[dict], str]:
    got = []
    while True:
        params = {"limit": 500} | ({"since": cursor} if cursor else {})
        body = requests.get(
            f"{url}/api/v1/changes", params=params, headers=headers, timeout=30
        ).json()
        got += body["records"]
        cursor = body["cursor"]
        if not body["more"]:
            return got, cursor


@contextmanager
def _open_push(svc: ServiceHandle, worker: str, record: dict) -> Iterator[None]:
    """A push of `record` by `worker`, applied but not yet committed; it
    commits when the block ends."""
    with svc.engine.connect() as conn, conn.begin():
        worker_id = conn.execute(
            sa.select(workers.c.id).where(workers.c.name == worker)
        ).scalar_one()
        m = Mutation.model_validate(
            {"mutation_id": str(uuid.uuid4()), "record": record, "base_rev": 0}
        )
        (result,) = apply_push(
            conn,
            worker_id=worker_id,
            worker=worker,
            agency="csc",
            device_id=str(uuid.uuid4()),
            policy=current_policy(conn),
            batch=[m],
            role="social_worker",
        )
        assert result.status == "applied"
        yield


def test_a_push_to_another_child_does_not_wait_for_an_open_push(fresh_pg_url, tmp_path):
    with running_service(fresh_pg_url, tmp_path=tmp_path, policy=CHILDREN_BY_WORKERS) as svc:
        svc.add_worker("alice", PASSWORD)
        headers = _enrol(svc.url, "alice")
        first, second = new_child("Pip"), new_child("Wren")
        assert _push(svc.url, headers, first) == "applied"
        assert _push(svc.url, headers, second) == "applied"
        with _open_push(svc, "alice", _plan(first["id"], "still being written")):
            # Under the old counter lock this waited for the open push.
            assert _push(svc.url, headers, _plan(second["id"], "meanwhile"), timeout=10) == (
                "applied"
            )


def test_a_reader_does_not_pass_a_number_an_open_push_holds(fresh_pg_url, tmp_path):
    with running_service(fresh_pg_url, tmp_path=tmp_path, policy=CHILDREN_BY_WORKERS) as svc:
        svc.add_worker("alice", PASSWORD)
        headers = _enrol(svc.url, "alice")
        first, second = new_child("Pip"), new_child("Wren")
        _push(svc.url, headers, first)
        _push(svc.url, headers, second)
        _, cursor = _pull_all(svc.url, headers, None)
        slow = _plan(first["id"], "taken first, committed last")
        with _open_push(svc, "alice", slow):
            fast = _plan(second["id"], "taken second, committed first")
            assert _push(svc.url, headers, fast, timeout=10) == "applied"
            got, during = _pull_all(svc.url, headers, cursor)
            # The fast change is committed but lies beyond the open one's
            # number: sending it would move the cursor past a gap that fills.
            assert got == [] and during == cursor
        got, after = _pull_all(svc.url, headers, during)
        assert sorted(r["id"] for r in got) == sorted([slow["id"], fast["id"]])
        assert after != during


@contextmanager
def _open_transaction_elsewhere(pg_url: str) -> Iterator[None]:
    """A transaction with an id, left open in ANOTHER database of the same
    server (the suite's own databases, or anything else a server runs)."""
    other = make_url(pg_url).set(drivername="postgresql", database="postgres")
    with psycopg.connect(other.render_as_string(hide_password=False)) as conn:
        conn.execute("SELECT pg_current_xact_id()")
        yield
        conn.rollback()


def test_an_open_transaction_in_another_database_does_not_hold_the_feed(fresh_pg_url, tmp_path):
    with running_service(fresh_pg_url, tmp_path=tmp_path, policy=CHILDREN_BY_WORKERS) as svc:
        svc.add_worker("alice", PASSWORD)
        headers = _enrol(svc.url, "alice")
        child = new_child("Pip")
        _push(svc.url, headers, child)
        _, cursor = _pull_all(svc.url, headers, None)
        with _open_transaction_elsewhere(fresh_pg_url):
            plan = _plan(child["id"], "written while another database is busy")
            assert _push(svc.url, headers, plan, timeout=10) == "applied"
            # Under a server-wide xmin this stayed at `cursor` until the
            # other database's transaction ended.
            got, _ = _pull_all(svc.url, headers, cursor)
            assert [r["id"] for r in got] == [plan["id"]]


def test_a_cursor_above_the_watermark_but_handed_out_waits_there(fresh_pg_url, tmp_path):
    """The watermark may dip below one a page stopped at (see
    sync.server.sequence); such a cursor is not "ahead of this service",
    and the page goes no further than it."""
    with running_service(fresh_pg_url, tmp_path=tmp_path, policy=CHILDREN_BY_WORKERS) as svc:
        svc.add_worker("alice", PASSWORD)
        headers = _enrol(svc.url, "alice")
        first, second = new_child("Pip"), new_child("Wren")
        _push(svc.url, headers, first)
        _push(svc.url, headers, second)
        _, cursor = _pull_all(svc.url, headers, None)
        with _open_push(svc, "alice", _plan(first["id"], "holds the watermark")):
            _push(svc.url, headers, _plan(second["id"], "committed above it"))
            with svc.engine.connect() as conn:
                issued = conn.execute(sa.text("SELECT last_value FROM change_seq")).scalar_one()
            assert issued > int(cursor) + 1
            r = requests.get(
                f"{svc.url}/api/v1/changes",
                params={"since": feed.encode_cursor(issued)},
                headers=headers,
                timeout=30,
            )
            assert r.status_code == 200, r.text
            assert r.json()["records"] == [] and r.json()["cursor"] == str(issued)
            r = requests.get(
                f"{svc.url}/api/v1/changes",
                params={"since": feed.encode_cursor(issued + 1)},
                headers=headers,
                timeout=30,
            )
            assert r.status_code == 422


def test_batches_below_the_watermark_are_forgotten(fresh_pg_url, tmp_path):
    with running_service(fresh_pg_url, tmp_path=tmp_path, policy=CHILDREN_BY_WORKERS) as svc:
        svc.add_worker("alice", PASSWORD)
        headers = _enrol(svc.url, "alice")
        child = new_child("Pip")
        _push(svc.url, headers, child)
        rows, loads = 0, 0
        # Each load is one batch of 100 numbers; every thousand crossed
        # forgets the batches below the server-wide xmin, which other
        # databases' transactions may hold back for a moment, so load
        # until it has caught up (it grows by one a load without cleanup).
        while loads < 30 or (rows > 12 and loads < 120):
            plans = [Record.model_validate(_plan(child["id"], f"{loads}/{i}")) for i in range(100)]
            admin.insert_records(svc.engine, plans)
            loads += 1
            with svc.engine.connect() as conn:
                rows = conn.execute(sa.text("SELECT count(*) FROM change_batches")).scalar_one()
        assert rows <= 12, (rows, loads)
        got, _ = _pull_all(svc.url, headers, None)
        assert len(got) == 1 + loads * 100
        assert _push(svc.url, headers, _plan(child["id"], "after")) == "applied"
        got, _ = _pull_all(svc.url, headers, None)
        assert len(got) == 2 + loads * 100


def test_sixteen_writers_on_distinct_and_shared_children(fresh_pg_url, tmp_path):
    with running_service(fresh_pg_url, tmp_path=tmp_path, policy=CHILDREN_BY_WORKERS) as svc:
        svc.add_worker("alice", PASSWORD)
        headers = _enrol(svc.url, "alice")
        shared = [new_child(f"Shared {i}") for i in range(2)]
        own = [new_child(f"Own {i}") for i in range(16)]
        for child in shared + own:
            assert _push(svc.url, headers, child) == "applied"
        errors: list[str] = []
        start = threading.Barrier(16)

        def writer(n: int) -> None:
            session = requests.Session()
            start.wait()
            for i in range(12):
                # Alternate between the writer's own child and a shared one.
                child = own[n] if i % 2 else shared[n % 2]
                status = _push(svc.url, headers, _plan(child["id"], f"{n}/{i}"), session)
                if status != "applied":
                    errors.append(status)

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(16)]
        for t in threads:
            t.start()
        follower = FeedFollower(svc.url, headers, limit=5)
        follower.follow(threads)

        assert errors == []
        final = {str(r.id): r.rev for r in svc.current_records("alice")}
        assert len(final) == 18 + 16 * 12
        follower.assert_holds_exactly(final)
