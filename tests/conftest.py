"""Shared fixtures. The test command provides the real services:
PostgreSQL (CASEWORKER_TEST_PG_URL) and a Secret Service keyring on D-Bus.
Constants and helpers that tests import are in tests/helpers.py."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from desktop.logs import stop_logging
from desktop.profile import Profile
from desktop.vault import Vault
from sync.server.testing import ServiceHandle, running_service
from tests.helpers import (
    PASSWORD,
    TEST_KDF,
    Laptop,
    require_secret_service,
)

# Before any test makes a QApplication: widgets are drawn offscreen unless a
# test (the real-window one under Xvfb) starts a process with its own platform.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def _app_logging_stopped() -> Iterator[None]:
    """A test that ran the `caseworker` entry point leaves no log handler on
    its (removed) profile for the next test."""
    yield
    stop_logging()


@pytest.fixture(autouse=True)
def _no_council_settings(tmp_path: Path, monkeypatch) -> None:
    """No test reads this machine's own managed settings files: each starts
    with none (tests/settings writes its own)."""
    monkeypatch.setenv("CASEWORKER_SETTINGS", str(tmp_path / "no-machine-settings.toml"))
    monkeypatch.setenv("CASEWORKER_USER_SETTINGS", str(tmp_path / "no-user-settings.toml"))


@pytest.fixture
def profile(tmp_path: Path) -> Profile:
    return Profile(tmp_path / "profile").ensure()


@pytest.fixture
def make_vault(profile: Profile) -> Iterator:
    """Vaults on the real Secret Service; every keyring entry they made is removed."""
    require_secret_service()
    made: list[Vault] = []

    def factory(p: Profile | None = None) -> Vault:
        v = Vault(p or profile, kdf=TEST_KDF)
        made.append(v)
        return v

    yield factory
    for v in made:
        v.lock()
        v.keystore.delete("vault-key")


@pytest.fixture
def vault(make_vault) -> Vault:
    return make_vault()


@pytest.fixture
def pg_url() -> str:
    url = os.environ.get("CASEWORKER_TEST_PG_URL")
    if not url:
        pytest.fail("CASEWORKER_TEST_PG_URL is not set: run the suite with `make test`.")
    return url


@pytest.fixture
def fresh_pg_url(pg_url: str) -> Iterator[str]:
    """A database of its own on the shared PostgreSQL, dropped afterwards."""
    admin_url = make_url(pg_url)
    name = f"cr_{uuid.uuid4().hex[:12]}"
    conninfo = admin_url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def service_database(request) -> str | None:
    """Where the central record keeps its data: SQLite (None) or a fresh PostgreSQL.
    A test directory that needs only one overrides this fixture."""
    return request.getfixturevalue("fresh_pg_url") if request.param == "postgres" else None


@pytest.fixture
def service(service_database, tmp_path) -> Iterator[ServiceHandle]:
    """The central record on loopback, over real HTTP."""
    # Laptops here create their own children: the default policy leaves that to the central team.
    # Recovery codes off: the laptop (desktop.enrolment.recover and its
    # dialog) does not send one yet; the service's tests of them are
    # tests/server/test_recovery_codes.py. TEMPORARY until the laptop asks
    # for the code (issue #19).
    with running_service(
        service_database,
        tmp_path=tmp_path,
        policy={"workers_may_create_children": True},
        recovery_codes_required=False,
    ) as svc:
        yield svc


@pytest.fixture
def laptops(tmp_path, service: ServiceHandle):
    """`laptops(worker)` enrols a new laptop with `service`; each one is locked
    and its keyring entry removed afterwards."""
    require_secret_service()
    made: list[Laptop] = []

    def enrol(worker: str, *, new_worker: bool = True) -> Laptop:
        if new_worker:
            service.add_worker(worker, PASSWORD)
        directory = tmp_path / f"profile-{worker}-{uuid.uuid4().hex[:6]}"
        laptop = Laptop.enrolled(directory, service.url, worker)
        made.append(laptop)
        return laptop

    yield enrol
    for laptop in made:
        laptop.vault.lock()
        laptop.vault.keystore.delete("vault-key")
