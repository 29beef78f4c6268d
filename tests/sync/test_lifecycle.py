"""Caseload changes, revocation, the offline lease and recovery."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from desktop import drafts, outbox
from desktop.errors import LeaseExpired, VaultMissing, WrongPassphrase
from desktop.refused import discard, list_refused
from desktop.search import search
from sync.errors import DeviceRevoked
from sync.server.testing import recovery_code
from sync.wire import Record
from tests.helpers import PASSPHRASE, PASSWORD, child_data

VISIT = {
    "visit_type": "cp_statutory",
    "start": "2026-05-01T10:00:00+00:00",
    "childs_words": "the purple bicycle",
}


def test_a_note_refused_after_removal_keeps_its_child_and_its_text(laptops, service):
    service.set_policy(edit_grace_days=0)  # the central record refuses it, whichever build
    sw = laptops("sw")
    child = sw.repo.create("child", child_data())
    sw.sync()
    note = sw.repo.create("visit", VISIT, child_id=child.id)
    service.unassign("sw", child.id)
    report = sw.sync()
    assert report.rejected == 1 and report.purged == []
    conn = sw.vault.store.conn
    # The note never reached the central record, so the record area shows
    # no version of it; its text waits in the "Not accepted" list, and the
    # child stays on the laptop until the worker settles it.
    assert str(child.id) in sw.held() and str(note.id) not in sw.held()
    (kept,) = list_refused(sw.repo)
    assert kept.record_id == str(note.id) and "caseload" in kept.reason
    assert ("childs_words", "the purple bicycle") in [(f.field, f.mine) for f in kept.fields]
    assert sw.sync().purged == []
    discard(sw.repo, kept.mutation_id)
    assert sw.sync().purged == [str(child.id)]
    assert conn.execute("SELECT count(*) FROM records").fetchone()[0] == 0
    assert search(conn, "bicycle") == []
    assert outbox.rejected(conn) == []


def test_a_note_typed_before_removal_reaches_the_central_record_within_the_grace_period(
    laptops, service
):
    sw = laptops("sw")
    child = sw.repo.create("child", child_data())
    sw.sync()
    note = sw.repo.create("visit", VISIT, child_id=child.id)
    service.unassign("sw", child.id)
    report = sw.sync()
    assert (report.pushed, report.rejected, report.purged) == (1, 0, [str(child.id)])
    assert {str(r.id): r for r in service.current_records()}[str(note.id)].data[
        "childs_words"
    ] == "the purple bicycle"
    assert sw.held() == {} and outbox.rejected(sw.vault.store.conn) == []


def test_note_written_before_removal_reaches_the_server_first(laptops, service):
    sw, other = laptops("sw"), laptops("tl")
    child = sw.repo.create("child", child_data())
    sw.sync()
    service.assign("tl", child.id)
    note = sw.repo.create("visit", VISIT, child_id=child.id)
    sw.sync()  # sent while still held
    service.unassign("sw", child.id)
    sw.sync()
    assert sw.held() == {}
    other.sync()
    assert str(note.id) in other.held()


def test_revocation_wipes_the_device(laptops, service):
    sw = laptops("sw")
    sw.repo.create("child", child_data())
    sw.sync()
    service.revoke(sw.vault.profile.settings()["device_id"])
    with pytest.raises(DeviceRevoked):
        sw.sync()
    assert not sw.vault.profile.db_path.exists()
    with pytest.raises(VaultMissing):
        sw.vault.unlock(PASSPHRASE)


def test_expired_lease_hides_records_but_a_visit_can_be_recorded(laptops, service):
    sw = laptops("sw")
    child = sw.repo.create("child", child_data())
    sw.sync()
    sw.clock_now = datetime.now(UTC) + timedelta(days=15)  # default lease: 14 days
    with pytest.raises(LeaseExpired):
        sw.repo.children()
    with pytest.raises(LeaseExpired):
        sw.repo.view_child(child.id)
    visit = sw.repo.create("visit", VISIT, child_id=child.id)
    assert outbox.pending_count(sw.vault.store.conn) == 1
    sw.clock_now = None
    sw.sync()  # the next sync renews the lease and sends the visit
    assert [c.id for c in sw.repo.children()] == [child.id]
    assert str(visit.id) in {str(r.id) for r in service.current_records("sw")}


def _dump(profile_path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ui.main", "--profile", str(profile_path),
         "--secrets-stdin", "dump", "--json"],
        input=f"{PASSPHRASE}\n", capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def test_dump_past_the_lease_prints_no_case_data(laptops, service):
    sw = laptops("sw")
    child = sw.repo.create("child", child_data())
    sw.sync()
    sw.repo.create("visit", VISIT, child_id=child.id)
    with sw.vault.store.transaction() as conn:  # the last sync, fifteen days ago
        last = datetime.now(UTC) - timedelta(days=15)
        conn.execute(
            "UPDATE device_meta SET value = ? WHERE key = 'last_sync'", (last.isoformat(),)
        )
    sw.vault.lock()
    refused = _dump(sw.vault.profile.path)
    assert refused.returncode == 1 and "not synced" in refused.stderr
    assert "bicycle" not in refused.stdout and "Mossgrove" not in refused.stdout
    assert "Traceback" not in refused.stderr
    sw.vault.unlock(PASSPHRASE)
    exports = sw.vault.store.conn.execute(
        "SELECT count(*) FROM audit_events WHERE action = 'export'"
    ).fetchone()[0]
    assert exports == 0  # nothing left the laptop, so nothing to audit
    sw.sync()  # renews the lease
    sw.vault.lock()
    shown = _dump(sw.vault.profile.path)
    assert shown.returncode == 0 and "the purple bicycle" in shown.stdout


def test_forgotten_passphrase_recover_keeps_unsent_visit(laptops, service):
    sw = laptops("sw")
    child = sw.repo.create("child", child_data())
    sw.sync()
    visit = sw.repo.create("visit", VISIT, child_id=child.id)  # offline, never sent
    sw.vault.lock()
    profile = sw.vault.profile
    code = recovery_code(service.engine, profile.settings()["device_id"])
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "ui.main",
            "--profile",
            str(profile.path),
            "--secrets-stdin",
            "recover",
        ],
        input=f"{PASSWORD}\n{code}\nanother long passphrase\n",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    with pytest.raises(WrongPassphrase):  # the old passphrase no longer opens it
        sw.vault.unlock(PASSPHRASE)
    sw.vault.unlock("another long passphrase")
    assert sw.repo.get(visit.id).data["childs_words"] == "the purple bicycle"
    sw.sync()
    assert str(visit.id) in {str(r.id) for r in service.current_records("sw")}


def test_revoked_device_cannot_recover(laptops, service):
    sw = laptops("sw")
    sw.sync()
    sw.vault.lock()
    code = recovery_code(service.engine, sw.vault.profile.settings()["device_id"])
    service.revoke(sw.vault.profile.settings()["device_id"])
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "ui.main",
            "--profile",
            str(sw.vault.profile.path),
            "--secrets-stdin",
            "recover",
        ],
        input=f"{PASSWORD}\n{code}\nanother long passphrase\n",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1 and "revoked" in result.stderr
    assert "Traceback" not in result.stderr


def test_policy_is_refreshed_on_sync(laptops, service):
    sw = laptops("sw")
    sw.sync()
    assert sw.vault.attempts_left() == 10
    service.set_policy(unlock_attempt_limit=5, max_offline_days=3)
    sw.sync()
    assert sw.vault.attempts_left() == 5
    sw.clock_now = datetime.now(UTC) + timedelta(days=4)
    with pytest.raises(LeaseExpired):
        sw.repo.children()


def test_typing_kept_as_a_draft_keeps_its_removed_child_until_settled(laptops, service):
    sw = laptops("sw")
    child = sw.repo.create("child", child_data())
    sw.sync()
    too_long = {**VISIT, "observations": "x" * 100_001}
    kept = sw.repo.save_or_keep(
        "visit",
        child.id,
        None,
        too_long,
        lambda repo: repo.create("visit", too_long, child_id=child.id),
    )
    assert not isinstance(kept, Record)
    service.unassign("sw", child.id)
    assert sw.sync().purged == []
    assert str(child.id) in sw.held()
    assert [
        d.data["observations"] for d in drafts.for_child(sw.vault.store.conn, str(child.id))
    ] == ["x" * 100_001]
    sw.repo.drop_draft("visit", child.id, None)
    assert sw.sync().purged == [str(child.id)]
