"""The status bar shows `desktop.device_status` — the figures `caseworker status` prints."""

from __future__ import annotations

from datetime import UTC, datetime

from desktop.device import Lease
from desktop.device_status import DeviceStatus
from ui.status_bar import CaseStatusBar

SYNCED = datetime(2026, 7, 1, 22, 30, tzinfo=UTC)  # 23:30 in England (BST)


def _status(**changes) -> DeviceStatus:
    facts = {
        "worker": "sw",
        "server": "https://cr.example",
        "waiting": 2,
        "refused": 1,
        "conflicts": 3,
        "lease": Lease(last_sync=SYNCED, max_days=14, now=datetime(2026, 7, 5, tzinfo=UTC)),
    }
    return DeviceStatus(**{**facts, **changes})


def test_the_status_bar_shows_every_figure_of_the_device_status(qtbot):
    bar = CaseStatusBar()
    qtbot.addWidget(bar)
    bar.show()
    bar.set_status(_status())
    assert bar.last_sync.text() == "Last sync Wed 01 Jul 23:30"
    assert bar.waiting.text() == "2 changes waiting to send" and bar.waiting_count == 2
    assert bar.not_accepted.text() == "⚠ 1 not accepted" and bar.not_accepted.isVisible()
    assert bar.conflicts.text() == "⚠ 3 conflicts" and bar.conflict_count == 3
    assert bar.lease.text() == "Offline lease: 10 days left"


def test_an_expired_lease_and_nothing_waiting(qtbot):
    bar = CaseStatusBar()
    qtbot.addWidget(bar)
    bar.show()
    old = Lease(last_sync=SYNCED, max_days=14, now=datetime(2026, 8, 1, tzinfo=UTC))
    bar.set_status(_status(waiting=0, refused=0, conflicts=0, lease=old))
    assert bar.waiting.text() == "Nothing waiting to send"
    assert not bar.conflicts.isVisible() and not bar.not_accepted.isVisible()
    assert bar.lease.text() == "Records hidden until this laptop syncs"
    never = Lease(last_sync=None, max_days=14, now=datetime(2026, 8, 1, tzinfo=UTC))
    bar.set_status(_status(lease=never))
    assert bar.last_sync.text() == "Never synced" and bar.lease.text() == ""


def test_the_json_keys_are_the_ones_status_has_always_printed():
    assert _status().as_json() == {
        "worker": "sw",
        "server": "https://cr.example",
        "last_sync": "2026-07-01T22:30:00+00:00",
        "pending_mutations": 2,
        "rejected_mutations": 1,
        "conflicts": 3,
        "lease_days_left": 10,
        "lease_expired": False,
    }


def test_the_status_bar_says_which_council_rules_apply(qtbot):
    bar = CaseStatusBar()
    qtbot.addWidget(bar)
    bar.show()
    bar.set_status(_status())  # before any arrive: the bundled defaults, and it says so
    assert bar.rules.text() == "Bundled rules: none from the central record yet"
    assert bar.rules.accessibleName() == "Council rules in force"
    served = _status(council_rules="Council rules version 3, Thu 12 Nov 2026")
    bar.set_status(served)
    assert bar.rules.text() == "Council rules version 3, Thu 12 Nov 2026"


def test_records_a_restore_lost_are_shown_until_they_come_back(qtbot):
    bar = CaseStatusBar()
    qtbot.addWidget(bar)
    bar.show()
    bar.set_status(_status(unrecovered=2))
    assert bar.unrecovered.isVisible() and bar.unrecovered.text() == "⚠ 2 lost in a restore"
    assert "written by other workers" in bar.unrecovered.toolTip()
    bar.set_status(_status())
    assert not bar.unrecovered.isVisible()
