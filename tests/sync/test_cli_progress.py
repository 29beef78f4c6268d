"""The support CLI and the engine's progress and cancel handle."""

from __future__ import annotations

import gc
import json
import subprocess
import sys

import pytest

from sync.client.engine import SYNC_SWITCH_INTERVAL
from sync.server.synthetic import generate_caseload
from tests.helpers import PASSPHRASE, PASSWORD, child_data


def _cli(profile, *args, stdin=PASSPHRASE + "\n", entry="ui.main"):
    return subprocess.run(
        [sys.executable, "-m", entry, "--profile", str(profile), "--secrets-stdin", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


class Recorder:
    def __init__(self, cancel_after_pages: int | None = None) -> None:
        self.events: list[tuple[str, int]] = []
        self.totals: list[int | None] = []
        self.cancel_after = cancel_after_pages

    def report(self, phase, done, total, received_bytes) -> None:
        self.events.append((phase, done))
        if phase == "pull":
            self.totals.append(total)

    def cancelled(self) -> bool:
        pulls = sum(1 for phase, _ in self.events if phase == "pull")
        return self.cancel_after is not None and pulls >= self.cancel_after


def test_progress_reports_and_cancel_stops_between_pages(laptops, service):
    seeded = generate_caseload(4, 3, 40, workers=["sw"])
    service.add_worker("sw", PASSWORD)
    # Children first and assigned, then their history: an ordered stream to page through.
    service.insert_records([r for r in seeded.records if r.kind == "child"])
    for child in seeded.holders:
        service.assign("sw", child)
    service.insert_records([r for r in seeded.records if r.kind != "child"])
    laptop = laptops("sw", new_worker=False)
    engine = laptop.engine()
    engine.page_size = 10
    stopper = Recorder(cancel_after_pages=2)
    report = engine.sync(stopper)
    assert report.cancelled and report.completed_at is None
    # Two whole pages, then a clean stop. A child new to the caseload comes
    # whole, up to the page's bound (sync/server/feed.py): a child of 40
    # records a page.
    assert [e for e in stopper.events if e[0] == "pull"] == [("pull", 40), ("pull", 80)]
    assert report.pulled == 80 and len(laptop.held()) == 80
    assert stopper.totals == [120, 120]  # the whole caseload, known from the first page
    # Resuming finishes the job without a duplicate.
    progress = Recorder()
    engine = laptop.engine()
    engine.page_size = 10
    report = engine.sync(progress)
    assert report.pulled == 40 and len(laptop.held()) == 120
    pulls = [done for phase, done in progress.events if phase == "pull"]
    assert pulls == sorted(pulls) and pulls[-1] == 40
    assert set(progress.totals) == {40}  # what was left when the sync resumed
    assert progress.events[-1][0] == "done"


def test_pages_start_small_double_and_end_small(laptops, service):
    # A first page of 10 starts the pipeline soon; each page after asks for
    # twice as many, never more than page_size, and near the end half of
    # what is left, so the last page's writes are short too
    # (sync.client.engine._pull).
    seeded = generate_caseload(5, 30, 10, workers=["sw"])
    service.add_worker("sw", PASSWORD)
    service.insert_records([r for r in seeded.records if r.kind == "child"])
    for child in seeded.holders:
        service.assign("sw", child)
    service.insert_records([r for r in seeded.records if r.kind != "child"])
    laptop = laptops("sw", new_worker=False)
    engine = laptop.engine()
    engine.first_page, engine.page_size = 10, 80
    progress = Recorder()
    report = engine.sync(progress)
    done = [0] + [n for phase, n in progress.events if phase == "pull"]
    sizes = [b - a for a, b in zip(done, done[1:], strict=False)]
    assert sum(sizes) == report.pulled == len(seeded.records) == 300
    assert progress.totals[0] == 300
    limit, limits = 10, [10]
    for received in done[1:-1]:
        limit = min(80, limit * 2, max(10, (300 - received + 1) // 2))
        limits.append(limit)
    # Children come whole (10 records each), so a page may fall short of its
    # limit by less than one child.
    for size, limit in zip(sizes, limits, strict=True):
        assert limit - 10 < size <= limit, (sizes, limits)
    assert limits[:4] == [10, 20, 40, 80] and max(sizes) == 80
    assert sizes[-1] <= 20
    assert len(laptop.held()) == 300


def test_status_and_dump_from_the_command_line(laptops, service):
    laptop = laptops("sw")
    child = laptop.repo.create(
        "child",
        {
            "first_name": "Teasel",
            "last_name": "Hobnail",
            "date_of_birth": "2013-02-02",
            "legal_status": "cin",
        },
    )
    laptop.vault.lock()
    status = _cli(laptop.vault.profile.path, "status", "--json")
    assert status.returncode == 0, status.stderr
    facts = json.loads(status.stdout)
    assert facts["pending_mutations"] == 1 and facts["worker"] == "sw" and facts["conflicts"] == 0
    dump = _cli(laptop.vault.profile.path, "dump", "--json")
    assert dump.returncode == 0, dump.stderr
    records = json.loads(dump.stdout)["records"]
    assert [r["id"] for r in records] == [str(child.id)]
    laptop.vault.unlock(PASSPHRASE)
    actions = laptop.vault.store.conn.execute("SELECT action, detail FROM audit_events").fetchall()
    assert ("export", "dump") in actions
    wrong = _cli(laptop.vault.profile.path, "status", stdin="not the passphrase\n")
    assert (
        wrong.returncode == 1
        and "attempts left" in wrong.stderr
        and "Traceback" not in wrong.stderr
    )


def test_python_m_desktop_cli_syncs_and_reports_the_same_status(laptops, service):
    laptop = laptops("sw")
    laptop.repo.create("child", child_data())
    laptop.vault.lock()
    synced = _cli(laptop.vault.profile.path, "sync", entry="desktop.cli")
    assert synced.returncode == 0, synced.stderr
    assert synced.stdout.startswith("Sent 1, received 1, conflicts 0, refused 0")
    status = _cli(laptop.vault.profile.path, "status", "--json", entry="desktop.cli")
    assert status.returncode == 0, status.stderr
    facts = json.loads(status.stdout)
    assert sorted(facts) == [
        "conflicts", "last_sync", "lease_days_left", "lease_expired", "pending_mutations",
        "rejected_mutations", "server", "settings_problems", "unrecovered_records", "worker",
    ]  # fmt: skip
    assert facts["pending_mutations"] == 0 and facts["last_sync"] is not None
    # Whole days left, rounded down (desktop.device.Lease): just synced, 13.
    assert facts["lease_expired"] is False and facts["lease_days_left"] == 13
    plain = _cli(laptop.vault.profile.path, "status", entry="desktop.cli")
    assert "pending mutations: 0" in plain.stdout.splitlines()


class _TuningWatch(Recorder):
    """Notes the collector's state and the switch interval at every report."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[str, bool, float]] = []

    def report(self, phase, done, total, received_bytes) -> None:
        super().report(phase, done, total, received_bytes)
        self.seen.append((phase, gc.isenabled(), sys.getswitchinterval()))


def test_the_interpreter_stays_tuned_for_the_whole_sync_and_is_restored_after(laptops, service):
    laptop = laptops("sw")
    laptop.repo.create("child", child_data())  # something to push, then pull back
    watch = _TuningWatch()
    interval = sys.getswitchinterval()
    assert gc.isenabled()
    report = laptop.engine().sync(watch)
    assert report.pushed == 1 and report.pulled == 1
    assert {"push", "pull", "done"} <= {phase for phase, _, _ in watch.seen}
    assert [phase for phase, gc_on, _ in watch.seen if gc_on] == []
    assert all(i == pytest.approx(SYNC_SWITCH_INTERVAL) for _, _, i in watch.seen)
    assert gc.isenabled() and sys.getswitchinterval() == pytest.approx(interval)
