"""The service suite runs against SQLite and a real PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from sync.server import admin
from sync.server.app import create_app
from sync.server.db import make_engine, migrate
from sync.wire import CLIENT_VERSION, CLIENT_VERSION_HEADER
from tests.helpers import PASSWORD


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


@pytest.fixture
def workers(engine) -> list[str]:
    # These tests create children from a device; the default policy leaves
    # that to the central team (test_push_rules tests the default).
    admin.set_policy(engine, workers_may_create_children=True)
    for name in ("alice", "bob"):
        admin.add_worker(engine, name, PASSWORD)
    return ["alice", "bob"]
