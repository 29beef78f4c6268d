"""Migrations keep what the previous schema stored."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import command
from fastapi.testclient import TestClient

from sync.kinds.common import Agency
from sync.server import accounts, admin
from sync.server.app import create_app
from sync.server.auth import create_device
from sync.server.db import _config, make_engine
from sync.server.roles import DEFAULT_TEAM, Role
from sync.wire import CLIENT_VERSION, CLIENT_VERSION_HEADER, MutationResult
from tests.helpers import PASSWORD
from tests.server.devices import Device, new_child


def test_mutation_ids_stored_before_0003_are_kept_for_their_device(db_url, escrow_key):
    engine = make_engine(db_url)
    with engine.begin() as conn:
        command.upgrade(_config(conn), "0002")
    mutation_id, device_id = str(uuid.uuid4()), str(uuid.uuid4())
    child = new_child()
    first = MutationResult(mutation_id=mutation_id, status="rejected", reason="an old answer")
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO mutations (mutation_id, device_id, result, created_at) "
            "VALUES (%s, %s, %s, %s)"
            if engine.dialect.name == "postgresql"
            else "INSERT INTO mutations (mutation_id, device_id, result, created_at) "
            "VALUES (?, ?, ?, ?)",
            (mutation_id, device_id, first.model_dump_json(), datetime.now(UTC)),
        )
    with engine.begin() as conn:
        command.upgrade(_config(conn), "head")
    admin.add_worker(engine, "alice", PASSWORD)
    with TestClient(
        create_app(engine, escrow_key=escrow_key), headers={CLIENT_VERSION_HEADER: CLIENT_VERSION}
    ) as client:
        body = {"worker": "alice", "password": PASSWORD, "device_name": "laptop"}
        token = client.post("/api/v1/auth/enrol", json=body).json()["device_token"]
        headers = {"Authorization": f"Bearer {token}"}
        m = {"mutation_id": mutation_id, "record": child, "base_rev": 0}
        r = client.post("/api/v1/changes", json={"mutations": [m]}, headers=headers)
    # Another device's old mutation id means nothing to this one.
    assert r.json()["results"][0]["reason"] != "an old answer"
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT device_id, result FROM mutations")).all()
    assert (device_id, first.model_dump_json()) in [tuple(r) for r in rows]
    engine.dispose()


def test_workers_before_0006_become_social_workers_of_social_care_in_the_default_team(
    db_url, escrow_key
):
    engine = make_engine(db_url)
    with engine.begin() as conn:
        command.upgrade(_config(conn), "0004")
    admin_hash = "$argon2id$not-a-real-hash"
    with engine.begin() as conn:
        conn.execute(
            sa.text("INSERT INTO workers (name, password_hash, created_at) VALUES (:n, :h, :at)"),
            [{"n": n, "h": admin_hash, "at": datetime.now(UTC)} for n in ("old.one", "old.two")],
        )
    with engine.begin() as conn:
        command.upgrade(_config(conn), "head")
    described = {w.name: w for w in accounts.describe_workers(engine)}
    assert set(described) == {"old.one", "old.two"}
    for w in described.values():
        assert (w.role, w.agency, w.team) == (Role.social_worker, Agency.csc, DEFAULT_TEAM)
    assert accounts.list_teams(engine) == [(DEFAULT_TEAM, None)]
    # The accounts added after the migration are defaulted the same way, and
    # a migrated account works as before: it enrols and pulls.
    admin.add_worker(engine, "alice", PASSWORD)
    assert accounts.describe_workers(engine)[0] == accounts.AccountView(
        "alice", Role.social_worker, Agency.csc, DEFAULT_TEAM
    )
    with TestClient(
        create_app(engine, escrow_key=escrow_key), headers={CLIENT_VERSION_HEADER: CLIENT_VERSION}
    ) as client:
        alice = Device(client, "alice")
        assert alice.pull()[0]["records"] == []
    engine.dispose()


def test_0006_downgrades_keeping_the_workers(db_url):
    engine = make_engine(db_url)
    with engine.begin() as conn:
        command.upgrade(_config(conn), "head")
    admin.add_worker(engine, "alice", PASSWORD)
    accounts.add_team(engine, "North")
    with engine.begin() as conn:
        # A device refers to the worker: the downgrade must keep both.
        device_id, _ = create_device(conn, 1, "laptop")
    with engine.begin() as conn:
        command.downgrade(_config(conn), "0005")
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT name FROM workers")).scalars().all() == ["alice"]
        assert conn.execute(sa.text("SELECT id FROM devices")).scalars().all() == [device_id]
        columns = {c["name"] for c in sa.inspect(conn).get_columns("workers")}
        assert columns == {"id", "name", "password_hash", "created_at"}
        assert "teams" not in sa.inspect(conn).get_table_names()
    engine.dispose()
