"""The service suite runs against SQLite and a real PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from sync.server import admin
from sync.server.app import create_app
from sync.server.db import make_engine, migrate
from sync.wire import CLIENT_VERSION, CLIENT_VERSION_HEADER

PASSWORD = "a long enough password"


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'central.db'}"
    return request.getfixturevalue("fresh_pg_url")


@pytest.fixture
def engine(db_url):
    eng = make_engine(db_url)
    migrate(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def escrow_key() -> bytes:
    return os.urandom(32)


@pytest.fixture
def client(engine, escrow_key) -> Iterator[TestClient]:
    # Every request names the laptop's version, as the real client does.
    with TestClient(
        create_app(engine, escrow_key=escrow_key),
        headers={CLIENT_VERSION_HEADER: CLIENT_VERSION},
    ) as c:
        yield c


def new_child(name: str = "Bramble") -> dict:
    cid = str(uuid.uuid4())
    return {
        "id": cid,
        "kind": "child",
        "child_id": cid,
        "rev": 0,
        "updated_at": datetime.now(UTC).isoformat(),
        "updated_by": "x",
        "data": {
            "first_name": name,
            "last_name": "Quillfeather",
            "date_of_birth": "2011-03-04",
            "legal_status": "cin",
        },
    }


def new_record(child_id: str, kind: str, data: dict) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "kind": kind,
        "child_id": child_id,
        "rev": 0,
        "updated_at": datetime.now(UTC).isoformat(),
        "updated_by": "x",
        "data": data,
    }


class Device:
    """A device's view of the API through the test client."""

    def __init__(self, client: TestClient, worker: str, password: str = PASSWORD) -> None:
        r = client.post(
            "/api/v1/auth/enrol",
            json={"worker": worker, "password": password, "device_name": "laptop"},
        )
        assert r.status_code == 200, r.text
        body = r.json()
        self.client, self.worker = client, worker
        self.id, self.headers = (
            body["device_id"],
            {"Authorization": f"Bearer {body['device_token']}"},
        )
        self.cursor: str | None = None
        self.held: dict[str, dict] = {}

    def push(
        self,
        record: dict,
        base_rev: int = 0,
        mutation_id: str | None = None,
        made_at: str | None = None,
    ) -> dict:
        m = {
            "mutation_id": mutation_id or str(uuid.uuid4()),
            "record": record,
            "base_rev": base_rev,
        } | ({"made_at": made_at} if made_at else {})
        r = self.client.post("/api/v1/changes", json={"mutations": [m]}, headers=self.headers)
        assert r.status_code == 200, r.text
        return r.json()["results"][0]

    def pull(self, limit: int = 1000) -> list[dict]:
        pages = []
        while True:
            params = {"limit": limit} | ({"since": self.cursor} if self.cursor else {})
            r = self.client.get("/api/v1/changes", params=params, headers=self.headers)
            assert r.status_code == 200, r.text
            page = r.json()
            pages.append(page)
            for child in page["removed_children"]:
                self.held = {k: v for k, v in self.held.items() if v["child_id"] != child}
            for rec in page["records"]:
                self.held[rec["id"]] = rec
            self.cursor = page["cursor"]
            if not page["more"]:
                return pages


@pytest.fixture
def workers(engine) -> list[str]:
    # These tests create children from a device; the default policy leaves
    # that to the central team (test_push_rules tests the default).
    admin.set_policy(engine, workers_may_create_children=True)
    for name in ("alice", "bob"):
        admin.add_worker(engine, name, PASSWORD)
    return ["alice", "bob"]
