"""The central record restored from an older backup (pg_dump -Fc, pg_restore),
with real laptops over real HTTP: they notice, send back what they hold that
the backup lacks, keep their pending work, and say what they cannot recover.

The two ways a laptop notices (sync.server.restores): the operator ran
`central-record restored` and writes since have carried the feed past the
laptops' cursors (nothing in a cursor shows it came from the lost timeline),
or the operator did not, and the feed refuses the cursors as ahead of it.
"""

from __future__ import annotations

import glob
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from desktop import device
from desktop.conflicts import conflict_fields, list_conflicts, resolve
from desktop.device_status import device_status
from desktop.profile import Profile
from desktop.vault import Vault
from sync.server import cli
from sync.server.sequence import issued_seq
from sync.server.testing import ServiceHandle, running_service
from tests.helpers import PASSWORD, TEST_KDF, Laptop, child_data, enrol

pytestmark = pytest.mark.postgres

VISIT = {"visit_type": "cin", "start": "2026-05-01T10:00:00+00:00"}


def pg_bin(name: str) -> str:
    """The client programs of the PostgreSQL the test command started."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[4]))
    assert found, "no PostgreSQL binaries under /usr/lib/postgresql"
    return f"{found[-1]}/{name}"


def libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def restore(url: str, backup: Path) -> None:
    """As docs/operating.md says: into an empty database of the same name."""
    name = make_url(url).database
    admin = libpq(str(make_url(url).set(database="postgres")))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    subprocess.run(
        [pg_bin("pg_restore"), "--no-owner", "--exit-on-error", "-d", libpq(url), str(backup)],
        check=True,
    )


class Central:
    """The central record on one database, stopped and started again around a restore."""

    def __init__(self, url: str, tmp_path: Path) -> None:
        self.url, self.tmp_path, self.stack = url, tmp_path, ExitStack()
        self.svc: ServiceHandle

    def start(self) -> ServiceHandle:
        self.svc = self.stack.enter_context(
            running_service(
                self.url,
                tmp_path=self.tmp_path / uuid.uuid4().hex[:6],
                policy={"workers_may_create_children": True},
            )
        )
        return self.svc

    def stop(self) -> None:
        self.stack.close()


@pytest.fixture
def central(fresh_pg_url, tmp_path) -> Iterator[Central]:
    c = Central(fresh_pg_url, tmp_path)
    c.start()
    yield c
    c.stop()


@pytest.fixture
def laptop(central, tmp_path) -> Iterator:
    made: list[Laptop] = []

    def make(worker: str) -> Laptop:
        central.svc.add_worker(worker, PASSWORD)
        vault = Vault(Profile(tmp_path / f"profile-{worker}").ensure(), kdf=TEST_KDF)
        made.append(Laptop(worker, enrol(vault, central.svc.url, worker)))
        return made[-1]

    yield make
    for one in made:
        one.vault.lock()
        one.vault.keystore.delete("vault-key")


def served(central: Central) -> dict[str, dict]:
    return {str(r.id): r.data for r in central.svc.current_records()}


def cursor(laptop: Laptop) -> int:
    return int(device.get_meta(laptop.vault.store.conn, "cursor").split("~")[0])


@pytest.mark.parametrize("marked", [True, False], ids=["operator-marked", "cursor-ahead"])
def test_laptops_send_back_what_an_older_backup_lacks(central, laptop, tmp_path, marked):
    alice, bob = laptop("alice"), laptop("bob")
    child = alice.repo.create("child", child_data())
    kept = alice.repo.create("visit", {**VISIT, "observations": "in the backup"}, child_id=child.id)
    edited = alice.repo.create("visit", {**VISIT, "observations": "first"}, child_id=child.id)
    alice.sync()
    central.svc.assign("bob", child.id)
    bob.sync()
    backup = tmp_path / "central-record.dump"
    subprocess.run([pg_bin("pg_dump"), "-Fc", "-f", str(backup), libpq(central.url)], check=True)

    # After the backup, lost by the restore: Alice's edit and new note, Bob's note.
    alice.repo.update(edited.id, {"observations": "edited after the backup"})
    alices = alice.repo.create("visit", {**VISIT, "observations": "alice's"}, child_id=child.id)
    alice.sync()
    bobs = bob.repo.create("visit", {**VISIT, "observations": "bob's"}, child_id=child.id)
    bob.sync()
    alice.sync()
    # Typed on Alice's laptop, not yet sent.
    waiting = alice.repo.create("visit", {**VISIT, "observations": "waiting"}, child_id=child.id)
    ahead = cursor(alice)

    central.stop()
    restore(central.url, backup)
    if marked:
        assert cli.main(["--db", central.url, "restored"]) == 0
    svc = central.start()  # migrates, as `central-record migrate` would
    for one in (alice, bob):  # the same address, here a new port
        one.vault.profile.update_settings(server_url=svc.url)
    later: list[str] = []
    if marked:
        # Writes after the restore carry the feed past the laptops' cursors:
        # only the epoch tells them it is another timeline.
        carol = laptop("carol")
        svc.assign("carol", child.id)
        carol.sync()
        while True:
            with svc.engine.connect() as conn:
                if issued_seq(conn) > ahead + 1:
                    break
            note = carol.repo.create("visit", {**VISIT, "observations": "c"}, child_id=child.id)
            later.append(str(note.id))
            carol.sync()
        # Carol changes both of Alice's notes the backup holds: one Alice
        # never changed again, one whose later edit the restore lost.
        carol.repo.update(kept.id, {"observations": "carol's"})
        carol.repo.update(edited.id, {"observations": "carol's"})
        carol.sync()

    report = alice.sync()
    outcome = report.restore
    assert outcome is not None
    now = served(central)
    assert now[str(alices.id)]["observations"] == "alice's"
    assert now[str(waiting.id)]["observations"] == "waiting"  # pending work kept and sent
    if marked:
        assert (outcome.resent, outcome.conflicts, outcome.unrecovered) == (1, 1, 1)
        # Carol's change after the restore is not overwritten: Alice's lost
        # edit waits beside it as a conflict, and her unchanged note is no conflict.
        assert now[str(edited.id)]["observations"] == "carol's"
        assert now[str(kept.id)]["observations"] == "carol's"
        assert [c.record_id for c in list_conflicts(alice.repo)] == [str(edited.id)]
        fields = {f.field: f for f in conflict_fields(alice.repo, str(edited.id))}
        assert fields["observations"].mine == "edited after the backup"
        assert fields["observations"].theirs == "carol's"
        assert alice.held()[str(kept.id)][1]["observations"] == "carol's"
    else:
        assert (outcome.resent, outcome.conflicts, outcome.unrecovered) == (2, 0, 1)
        assert now[str(edited.id)]["observations"] == "edited after the backup"
        assert now[str(kept.id)]["observations"] == "in the backup"
    assert str(bobs.id) not in now  # only Bob's laptop can send Bob's note back
    held = alice.held()
    assert set(later) <= set(held)  # nothing of the new timeline missed
    assert str(bobs.id) not in held
    status = device_status(alice.vault)
    assert status.waiting == 0 and status.unrecovered == 1
    assert "1 record lost when the central record was restored" in status.unrecovered_words
    assert "written by other workers" in status.unrecovered_words

    report = bob.sync()
    assert list_conflicts(bob.repo) == []  # never a conflict over Alice's records
    assert served(central)[str(bobs.id)]["observations"] == "bob's"
    if marked:
        # Alice's lost edit is not on the record until she settles her conflict.
        assert (report.restore.resent, report.restore.unrecovered) == (1, 1)
        resolve(alice.repo, str(edited.id), {"observations": "mine"})
        alice.sync()
        bob.sync()
        assert bob.held()[str(edited.id)][1]["observations"] == "edited after the backup"
    else:
        assert (report.restore.resent, report.restore.unrecovered) == (1, 0)
    assert device_status(bob.vault).unrecovered == 0

    alice.sync()  # Bob's note is back: no longer lost
    assert alice.held()[str(bobs.id)][1]["observations"] == "bob's"
    assert device_status(alice.vault).unrecovered == 0
    assert alice.sync().restore is None  # recovered once
