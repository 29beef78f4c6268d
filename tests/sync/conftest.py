"""Devices syncing with a real central record on loopback."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from desktop.profile import Profile
from desktop.repository import CaseRepository
from desktop.vault import Vault
from sync.client.engine import SyncEngine
from sync.server.testing import ServiceHandle, running_service
from tests.conftest import PASSPHRASE, TEST_KDF, require_secret_service
from ui import sync_setup

PASSWORD = "a long enough password"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def service(request, tmp_path) -> Iterator[ServiceHandle]:
    """The central record on loopback, on SQLite and on PostgreSQL."""
    db_url = request.getfixturevalue("fresh_pg_url") if request.param == "postgres" else None
    # Laptops here create their own children: the default policy leaves that to the central team.
    with running_service(
        db_url, tmp_path=tmp_path, policy={"workers_may_create_children": True}
    ) as svc:
        yield svc


@dataclass
class Laptop:
    worker: str
    vault: Vault
    clock_now: datetime | None = None

    @property
    def repo(self) -> CaseRepository:
        return CaseRepository(self.vault.store, self.worker, clock=self.now)

    def now(self) -> datetime:
        return self.clock_now or datetime.now(UTC)

    def engine(self) -> SyncEngine:
        return sync_setup.make_engine(self.vault)

    def sync(self):
        return self.engine().sync()

    def held(self) -> dict[str, tuple[int, dict]]:
        rows = self.vault.store.conn.execute(
            "SELECT id, rev, data FROM records WHERE deleted = 0"
        ).fetchall()
        return {r[0]: (r[1], json.loads(r[2])) for r in rows}


@pytest.fixture
def laptops(tmp_path, service: ServiceHandle):
    require_secret_service()
    made: list[Laptop] = []

    def enrol(worker: str, *, new_worker: bool = True) -> Laptop:
        if new_worker:
            service.add_worker(worker, PASSWORD)
        profile = Profile(tmp_path / f"profile-{worker}-{uuid.uuid4().hex[:6]}").ensure()
        vault = Vault(profile, kdf=TEST_KDF)
        sync_setup.enrol(
            vault, server_url=service.url, worker=worker, password=PASSWORD, passphrase=PASSPHRASE
        )
        laptop = Laptop(worker, vault)
        made.append(laptop)
        return laptop

    yield enrol
    for laptop in made:
        laptop.vault.lock()
        laptop.vault.keystore.delete("vault-key")


def child_data(first: str = "Juniper") -> dict:
    return {
        "first_name": first,
        "last_name": "Mossgrove",
        "date_of_birth": "2012-06-01",
        "legal_status": "cp",
    }


def pytest_runtest_setup(item: pytest.Item) -> None:
    # The long variants run on request, not in every `make test`.
    if item.get_closest_marker("slow") and not os.environ.get("CASEWORKER_SLOW_TESTS"):
        pytest.skip("slow: run with CASEWORKER_SLOW_TESTS=1 make test ARGS='-m slow'")
