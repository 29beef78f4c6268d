"""The service's secrets come from one setting every instance shares."""

from __future__ import annotations

import base64
import json
import os
import stat
import subprocess
import sys
import uuid

import requests

from sync.server.testing import recovery_code, service_process
from sync.wire import CLIENT_VERSION, CLIENT_VERSION_HEADER
from tests.helpers import PASSWORD
from tests.server.devices import new_child

VERSION = {CLIENT_VERSION_HEADER: CLIENT_VERSION}


def _cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("CENTRAL_RECORD_ESCROW_KEY", "CENTRAL_RECORD_SECRETS_FILE")
    }
    return subprocess.run(
        [sys.executable, "-m", "sync.server.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=clean | (env or {}),
    )


def test_secrets_create_writes_a_new_owner_only_file_and_never_overwrites(tmp_path):
    path = tmp_path / "etc" / "secrets.json"
    made = _cli("secrets", "create", str(path))
    assert made.returncode == 0, made.stderr
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    key = base64.b64decode(json.loads(path.read_text())["escrow_key"])
    assert len(key) == 32 and key.hex() not in made.stdout + made.stderr
    before = path.read_bytes()
    again = _cli("secrets", "create", str(path))
    assert again.returncode == 1 and "already exists" in again.stderr
    assert path.read_bytes() == before


def test_serve_on_postgresql_refuses_to_start_without_shared_secrets(fresh_pg_url, tmp_path):
    env = {"CENTRAL_RECORD_HOME": str(tmp_path / "home")}
    assert _cli("--db", fresh_pg_url, "migrate", env=env).returncode == 0
    r = _cli("--db", fresh_pg_url, "serve", "--port", "1", env=env)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "central-record secrets create" in r.stderr and "--secrets-file" in r.stderr
    assert not (tmp_path / "home" / "escrow.key").exists()


def test_serve_refuses_a_secrets_file_others_can_read(fresh_pg_url, tmp_path):
    path = tmp_path / "secrets.json"
    assert _cli("secrets", "create", str(path)).returncode == 0
    path.chmod(0o644)
    env = {"CENTRAL_RECORD_HOME": str(tmp_path / "home")}
    r = _cli("--db", fresh_pg_url, "serve", "--secrets-file", str(path), "--port", "1", env=env)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "chmod 600" in r.stderr


def test_two_instances_on_one_database_share_enrolment_records_and_escrow(fresh_pg_url, tmp_path):
    secrets_file = tmp_path / "secrets.json"
    assert _cli("secrets", "create", str(secrets_file)).returncode == 0
    key = base64.b64encode(os.urandom(32)).decode()
    with (
        service_process(fresh_pg_url, tmp_path=tmp_path / "a", secrets_file=secrets_file) as one,
        service_process(fresh_pg_url, tmp_path=tmp_path / "b", secrets_file=secrets_file) as two,
    ):
        one.add_worker("alice", PASSWORD)
        one.set_policy(workers_may_create_children=True)
        enrolled = requests.post(
            f"{one.url}/api/v1/auth/enrol",
            json={"worker": "alice", "password": PASSWORD, "device_name": "x", "escrow_key": key},
            headers=VERSION,
            timeout=30,
        ).json()
        headers = VERSION | {"Authorization": f"Bearer {enrolled['device_token']}"}
        child = new_child()
        m = {"mutation_id": str(uuid.uuid4()), "record": child, "base_rev": 0}
        pushed = requests.post(
            f"{one.url}/api/v1/changes", json={"mutations": [m]}, headers=headers, timeout=30
        )
        assert pushed.json()["results"][0]["status"] == "applied"
        page = requests.get(f"{two.url}/api/v1/changes", headers=headers, timeout=30).json()
        assert [r["id"] for r in page["records"]] == [child["id"]]
        ask = {"worker": "alice", "password": PASSWORD, "device_id": enrolled["device_id"]}
        ask["recovery_code"] = recovery_code(one.engine, enrolled["device_id"])
        recovered = requests.post(
            f"{two.url}/api/v1/auth/recover", json=ask, headers=VERSION, timeout=30
        )
        assert recovered.status_code == 200, recovered.text
        assert recovered.json()["escrow_key"] == key
