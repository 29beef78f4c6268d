"""What tests share: constants, synthetic records and small helpers.

Fixtures live in the conftest modules; everything a test imports comes from
here (or from a helper module beside it), never from a conftest, so a new
test file needs no knowledge of how pytest finds fixtures."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from desktop import enrolment
from desktop.profile import Profile
from desktop.repository import CaseRepository
from desktop.syncing import engine_for
from desktop.vault import KdfParams, Vault
from sync.wire import Kind, Record

if TYPE_CHECKING:
    from sync.client.engine import SyncEngine
    from ui.context import AppContext
    from ui.tasks import Tasks

# Real Argon2id, with a cost small enough for hundreds of unlocks in a test
# run. The production cost is measured by the benchmark, not here.
TEST_KDF = KdfParams(time_cost=1, memory_kib=8 * 1024, parallelism=1)
PASSPHRASE = "correct horse battery staple"
# A worker's password on the central record.
PASSWORD = "a long enough password"
# The fixed "now" of the repository and UI tests (due dates are computed from it).
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
# The worker the UI tests enrol as.
UI_WORKER = "sw.one"

# One child as the UI tests create it.
CHILD = {
    "first_name": "Thistle",
    "last_name": "Puddingstone",
    "date_of_birth": "2012-02-02",
    "legal_status": "cp",
    "legal_status_start": "2026-01-05",
    "flags": ["cse"],
}


def child_data(first: str = "Juniper") -> dict:
    """A valid child record's data, as a laptop creates it."""
    return {
        "first_name": first,
        "last_name": "Mossgrove",
        "date_of_birth": "2012-06-01",
        "legal_status": "cp",
    }


# The worker of a laptop that never enrols (the window and tab tests without a
# central record).
LOCAL_WORKER = "worker.one"


def visit_record(child_id: str, start: str, **data: Any) -> Record:
    """A stored child-in-need visit note, as the central record sent it
    (for tests that put many notes straight into a store)."""
    return Record(
        id=uuid.uuid4(),
        kind=Kind.visit,
        child_id=uuid.UUID(child_id),
        rev=1,
        updated_at=datetime(2026, 1, 1, tzinfo=UTC),
        updated_by=LOCAL_WORKER,
        data={"visit_type": "cin", "start": start, **data},
    )


def create_vault(vault: Vault) -> Vault:
    """A new laptop's vault, created with PASSPHRASE for LOCAL_WORKER and
    left unlocked; nothing enrolled, nothing synced."""
    vault.create(PASSPHRASE)
    vault.profile.update_settings(worker=LOCAL_WORKER)
    return vault


def enrol(vault: Vault, url: str, worker: str) -> Vault:
    """`vault` enrolled as `worker` (PASSWORD, PASSPHRASE) with the central
    record at `url`, left unlocked."""
    enrolment.enrol(vault, server_url=url, worker=worker, password=PASSWORD, passphrase=PASSPHRASE)
    return vault


def require_secret_service() -> None:
    import keyring
    from keyring.backends import SecretService

    if not isinstance(keyring.get_keyring(), SecretService.Keyring):
        pytest.fail(
            "No Secret Service keyring on D-Bus: run the suite with `make test`, which "
            "starts gnome-keyring inside dbus-run-session."
        )


@dataclass
class Laptop:
    """An enrolled laptop: its worker, its vault, and (optionally) a fixed clock."""

    worker: str
    vault: Vault
    clock_now: datetime | None = None

    @property
    def repo(self) -> CaseRepository:
        return CaseRepository(self.vault.store, self.worker, clock=self.now)

    def now(self) -> datetime:
        return self.clock_now or datetime.now(UTC)

    def engine(self) -> SyncEngine:
        return engine_for(self.vault)

    def sync(self):
        return self.engine().sync()

    @classmethod
    def enrolled(cls, directory: Path, url: str, worker: str) -> Laptop:
        """A new laptop with its profile at `directory`, enrolled as `worker`
        (PASSWORD) with the central record at `url`; its vault (PASSPHRASE,
        TEST_KDF) is left unlocked."""
        vault = Vault(Profile(directory).ensure(), kdf=TEST_KDF)
        return cls(worker, enrol(vault, url, worker))

    def held(self) -> dict[str, tuple[int, dict]]:
        rows = self.vault.store.conn.execute(
            "SELECT id, rev, data FROM records WHERE deleted = 0"
        ).fetchall()
        return {r[0]: (r[1], json.loads(r[2])) for r in rows}


def db(ctx: AppContext, fn: Callable[[CaseRepository], Any]) -> Any:
    """Run `fn(repo)` on the app's database thread and return its result."""
    return ctx.tasks.db_now(lambda: fn(ctx.session.repo))


def settle(qtbot, tasks: Tasks, timeout: int = 10000) -> None:
    """Wait until every database call made so far has run and its result has
    been handed to the UI: the database worker is one thread, and results come
    back to the UI thread in order, so a no-op's result comes after theirs."""
    done: list[bool] = []
    tasks.db(lambda: None).success(lambda _none: done.append(True)).run()
    qtbot.waitUntil(lambda: bool(done), timeout=timeout)
