from __future__ import annotations

import base64
import os
import subprocess
import sys
import uuid
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from sync.server import accounts, admin
from sync.server.db import make_engine
from sync.server.schema import audit_events, devices
from sync.server.testing import recovery_code
from tests.helpers import PASSWORD


def test_escrow_is_sealed_and_returned_only_to_the_same_live_device(client, workers, engine):
    key = os.urandom(32)
    body = {
        "worker": "alice",
        "password": PASSWORD,
        "device_name": "laptop",
        "escrow_key": base64.b64encode(key).decode(),
    }
    enrolled = client.post("/api/v1/auth/enrol", json=body).json()
    device_id = enrolled["device_id"]
    with engine.connect() as conn:
        sealed = conn.execute(
            sa.select(devices.c.escrow).where(devices.c.id == device_id)
        ).scalar_one()
    assert sealed and key not in sealed and base64.b64encode(key) not in sealed

    ask = {"worker": "alice", "password": PASSWORD, "device_id": device_id}
    r = client.post(
        "/api/v1/auth/recover", json=dict(ask, recovery_code=recovery_code(engine, device_id))
    )
    assert r.status_code == 200 and base64.b64decode(r.json()["escrow_key"]) == key
    code = recovery_code(engine, device_id)
    assert (
        client.post(
            "/api/v1/auth/recover", json=dict(ask, password="wrong password", recovery_code=code)
        ).status_code
        == 401
    )
    # Even with a code for the device, bob's password does not open alice's.
    bob = client.post("/api/v1/auth/recover", json=dict(ask, worker="bob", recovery_code=code))
    assert bob.status_code == 404
    # A code is for its own device only.
    other = dict(ask, device_id=str(uuid.uuid4()), recovery_code=code)
    assert client.post("/api/v1/auth/recover", json=other).status_code == 403
    admin.revoke_device(engine, device_id)
    r = client.post("/api/v1/auth/recover", json=dict(ask, recovery_code=code))
    assert r.status_code == 401 and r.json()["code"] == "device_revoked"


def test_escrow_replaced_from_the_device_and_never_on_disk_in_clear(
    client, workers, engine, db_url
):
    enrolled = client.post(
        "/api/v1/auth/enrol",
        json={"worker": "alice", "password": PASSWORD, "device_name": "laptop"},
    ).json()
    headers = {"Authorization": f"Bearer {enrolled['device_token']}"}
    ask = {"worker": "alice", "password": PASSWORD, "device_id": enrolled["device_id"]}
    ask["recovery_code"] = recovery_code(engine, enrolled["device_id"])
    assert client.post("/api/v1/auth/recover", json=ask).status_code == 404  # none yet
    assert (
        client.put(
            "/api/v1/escrow", json={"escrow_key": "not base64!"}, headers=headers
        ).status_code
        == 422
    )

    key = os.urandom(32)
    b64 = base64.b64encode(key).decode()
    r = client.put("/api/v1/escrow", json={"escrow_key": b64}, headers=headers)
    assert r.status_code == 204
    r = client.post("/api/v1/auth/recover", json=ask)
    assert r.status_code == 200 and r.json()["escrow_key"] == b64
    with engine.connect() as conn:
        actions = conn.execute(sa.select(audit_events.c.action)).scalars().all()
    assert actions.count("escrow_deposit") == 1 and actions.count("escrow_recover") == 1
    if db_url.startswith("sqlite"):
        engine.dispose()  # every byte the database holds, WAL included
        path = Path(make_url(db_url).database)
        raw = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
        assert raw and key not in raw and b64.encode() not in raw


def _cli(*args: str, stdin: str = "", env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sync.server.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, **(env or {})},
    )


def test_cli_migrate_refusal_and_clear_errors(tmp_path):
    url = f"sqlite:///{tmp_path / 'c.db'}"
    env = {"CENTRAL_RECORD_HOME": str(tmp_path / "home")}
    stale = _cli("--db", url, "serve", "--port", "1", env=env)
    assert stale.returncode == 1 and "central-record migrate --db" in stale.stderr
    assert "Traceback" not in stale.stderr
    assert _cli("--db", url, "migrate", env=env).returncode == 0
    added = _cli(
        "--db", url, "worker", "add", "carol", "--password-stdin", stdin="pw-for-carol\n", env=env
    )
    assert added.returncode == 0, added.stderr
    assert "pw-for-carol" not in added.stdout + added.stderr
    assert _cli("--db", url, "worker", "list", env=env).stdout.split() == ["carol"]
    for args, words in [
        (("assign", "nobody", "x"), "no worker called"),
        (("device", "revoke", "nope"), "no device with id"),
        (("policy", "set", "--idle-lock-minutes", "0"), "idle_lock_minutes"),
    ]:
        r = _cli("--db", url, *args, env=env)
        assert r.returncode == 1 and words in r.stderr and "Traceback" not in r.stderr, r.stderr
    engine = make_engine(url)
    assert admin.list_workers(engine) == ["carol"]
    engine.dispose()


def test_demo_data_loads_shared_caseloads(tmp_path):
    url = f"sqlite:///{tmp_path / 'c.db'}"
    r = _cli(
        "--db",
        url,
        "demo-data",
        "--children",
        "6",
        "--records-per-child",
        "12",
        env={"CENTRAL_RECORD_HOME": str(tmp_path / "home")},
    )
    assert r.returncode == 0, r.stderr
    engine = make_engine(url)
    social = {str(x.child_id) for x in admin.current_records(engine, "demo.social")}
    health = {str(x.child_id) for x in admin.current_records(engine, "demo.health")}
    assert social and health and social & health
    roles = {w.name: (w.role.value, w.agency.value) for w in accounts.describe_workers(engine)}
    assert roles["demo.health"] == ("health_worker", "health")
    assert roles["demo.social"] == ("social_worker", "csc")
    engine.dispose()


def test_migrations_match_the_schema_module(engine):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from sync.server.schema import metadata

    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []
