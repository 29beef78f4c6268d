"""Fixtures of the console's tests: a service on SQLite and on PostgreSQL
(server-level through TestClient, browser-level on loopback), accounts of
every role, and the browser. Helpers to import are in `console` and
`browser` beside this file."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from sync.server.app import create_app
from sync.server.db import make_engine, migrate
from sync.server.roles import Role
from tests.console.console import Clock, ConsoleClient, add_role_accounts


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request, tmp_path) -> Iterator[sa.Engine]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'central.db'}"
    else:
        url = request.getfixturevalue("fresh_pg_url")
    eng = make_engine(url)
    migrate(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def accounts(engine) -> dict[Role, str]:
    return add_role_accounts(engine)


@pytest.fixture
def console_app(engine, clock):
    return create_app(engine, escrow_key=os.urandom(32), clock=clock)


@pytest.fixture
def new_console(console_app) -> Iterator[Callable[[], ConsoleClient]]:
    """Make a browser-like client of the console (each its own cookies)."""
    clients: list[TestClient] = []

    def make() -> ConsoleClient:
        client = TestClient(console_app, base_url="https://testserver")
        clients.append(client)
        return ConsoleClient(client)

    yield make
    for c in clients:
        c.close()


@pytest.fixture
def console(new_console) -> ConsoleClient:
    return new_console()
