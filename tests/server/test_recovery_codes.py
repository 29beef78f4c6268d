"""Password recovery needs a one-time code from the council's administrator
as well as the worker's password: needed, accepted, single use, for its
own device only, expiring, its guessing locked like a password's, and
issued from the command line."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from datetime import timedelta

import sqlalchemy as sa

from sync.server import auth
from sync.server.recovery_codes import VALID_FOR, issue_recovery_code
from sync.server.schema import audit_events, recovery_codes
from tests.helpers import PASSWORD


def _enrolled(client) -> tuple[str, str]:
    key = base64.b64encode(os.urandom(32)).decode()
    body = {"worker": "alice", "password": PASSWORD, "device_name": "laptop", "escrow_key": key}
    return client.post("/api/v1/auth/enrol", json=body).json()["device_id"], key


def _issue(engine, device_id: str, at=None) -> str:
    with engine.begin() as conn:
        return issue_recovery_code(conn, device_id, None, at or auth.now())


def test_a_code_is_needed_and_good_once(client, workers, engine):
    device_id, key = _enrolled(client)
    ask = {"worker": "alice", "password": PASSWORD, "device_id": device_id}
    r = client.post("/api/v1/auth/recover", json=ask)
    assert (r.status_code, r.json()["code"]) == (403, "recovery_code_needed")
    assert "administrator for a recovery code" in r.json()["message"]
    assert key not in r.text
    code = _issue(engine, device_id)
    # As read over the phone: any case, with or without the dashes.
    r = client.post(
        "/api/v1/auth/recover", json=ask | {"recovery_code": code.lower().replace("-", " ")}
    )
    assert r.status_code == 200 and r.json()["escrow_key"] == key
    again = client.post("/api/v1/auth/recover", json=ask | {"recovery_code": code})
    assert again.json()["code"] == "recovery_code_needed"
    with engine.connect() as conn:
        stored = conn.execute(sa.select(recovery_codes.c.code_hash)).scalars().all()
        done = conn.execute(sa.select(audit_events.c.action)).scalars().all()
    assert code not in str(stored) and code.replace("-", "") not in str(stored)
    assert done.count("recovery_code_issued") == 1 and done.count("escrow_recover") == 1


def test_a_code_is_for_its_device_and_its_hour(client, workers, engine):
    device_id, _ = _enrolled(client)
    other_id, _ = _enrolled(client)
    ask = {"worker": "alice", "password": PASSWORD, "device_id": device_id}
    for_other = _issue(engine, other_id)
    r = client.post("/api/v1/auth/recover", json=ask | {"recovery_code": for_other})
    assert r.json()["code"] == "recovery_code_needed"
    stale = _issue(engine, device_id, at=auth.now() - VALID_FOR - timedelta(seconds=1))
    r = client.post("/api/v1/auth/recover", json=ask | {"recovery_code": stale})
    assert r.json()["code"] == "recovery_code_needed"


def test_guessing_codes_locks_the_name(client, workers, engine):
    device_id, _ = _enrolled(client)
    ask = {"worker": "alice", "password": PASSWORD, "device_id": device_id}
    answers = [
        client.post("/api/v1/auth/recover", json=ask | {"recovery_code": f"AAAA-BBBB-CCC{i}"})
        for i in range(6)
    ]
    assert answers[0].json()["code"] == "recovery_code_needed"
    assert answers[-1].status_code == 429 and answers[-1].json()["code"] == "too_many_attempts"


def test_the_command_line_issues_a_code(client, workers, engine, db_url):
    device_id, key = _enrolled(client)
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "sync.server.cli",
            "--db",
            db_url,
            "device",
            "recovery-code",
            device_id,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert r.returncode == 0, r.stderr
    code = r.stdout.strip()
    assert len(code) == 14 and "checking who is asking" in r.stderr
    ask = {"worker": "alice", "password": PASSWORD, "device_id": device_id, "recovery_code": code}
    assert client.post("/api/v1/auth/recover", json=ask).json()["escrow_key"] == key
    unknown = subprocess.run(
        [
            sys.executable,
            "-m",
            "sync.server.cli",
            "--db",
            db_url,
            "device",
            "recovery-code",
            "nope",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert unknown.returncode != 0 and "There is no device nope" in unknown.stderr
    assert "Traceback" not in unknown.stderr
