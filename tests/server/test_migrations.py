"""Migrations keep what the previous schema stored."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import command
from fastapi.testclient import TestClient

from sync.server import admin
from sync.server.app import create_app
from sync.server.db import _config, make_engine
from sync.wire import CLIENT_VERSION, CLIENT_VERSION_HEADER, MutationResult
from tests.helpers import PASSWORD
from tests.server.devices import new_child


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
