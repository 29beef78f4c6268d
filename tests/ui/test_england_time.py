"""Every surface that shows a time shows it in England, on a summer (BST)
night: 22:30 UTC on Tue 14 Jul is 23:30 the same day in England, 23:30 UTC
is 00:30 on Wed 15 Jul. The session's clock is 23:45 UTC on the 14th, which
is already Wednesday in England: anything due on Tuesday is overdue."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from desktop import device
from desktop.device import Lease
from desktop.device_status import DeviceStatus
from desktop.summary import caseload_summary
from desktop.worker_text import as_text
from tests.helpers import CHILD, PASSPHRASE, db
from tests.ui.test_plan_tab import open_tab as open_plan_tab
from tests.ui.test_printing import export, pdf_text
from ui.caseload_model import Col, make_row
from ui.child_tabs.chronology import ChronologyModel
from ui.child_tabs.missing import interview_state
from ui.child_tabs.summary import read_summary, summary_html
from ui.child_tabs.visits import visit_line
from ui.context import AppContext, Events, Session
from ui.insights_view import InsightsView
from ui.printing import export_chronology_pdf, export_visit_pdf
from ui.status_bar import CaseStatusBar

EVENING = "2026-07-14T22:30:00+00:00"
EVENING_IN_ENGLAND = "Tue 14 Jul 2026 23:30"
LATE = "2026-07-14T23:30:00+00:00"
LATE_IN_ENGLAND = "Wed 15 Jul 2026 00:30"
CLOCK = datetime(2026, 7, 14, 23, 45, tzinfo=UTC)  # 00:45 BST on Wed 15 Jul


@pytest.fixture
def ctx(unlocked, tasks, shown_errors) -> AppContext:
    session = tasks.db_now(lambda: Session(unlocked, clock=lambda: CLOCK))
    return AppContext(tasks=tasks, session=session, events=Events(), show_error=shown_errors)


@pytest.fixture
def case(ctx):
    """A child with a visit late at night, a concern in the evening, a
    missing episode that ended in the evening, and a plan due on Tuesday."""
    child = db(ctx, lambda r: r.create("child", dict(CHILD)))
    visit = db(ctx, lambda r: r.create("visit", {
        "visit_type": "cp_statutory", "start": LATE, "child_seen": True,
        "observations": "Quiet evening at home."}, child_id=child.id))  # fmt: skip
    db(ctx, lambda r: r.create("concern", {
        "received_at": EVENING, "source": "school", "reliability": "unverified",
        "category": "cse", "narrative": "A blue van outside the gates."},
        child_id=child.id))  # fmt: skip
    # Back at 22:30 UTC on the 11th: the interview is due 72 hours later, 23:30 BST on the 14th.
    db(ctx, lambda r: r.create("missing_episode", {
        "start": "2026-07-11T20:00:00+00:00", "end": "2026-07-11T22:30:00+00:00"},
        child_id=child.id))  # fmt: skip
    plan = db(ctx, lambda r: r.create("plan", {
        "plan_type": "cse", "status": "active", "review_date": "2026-07-14"},
        child_id=child.id))  # fmt: skip
    action = db(ctx, lambda r: r.create("plan_action", {
        "plan_id": str(plan.id), "description": "Call the school", "owner_agency": "csc",
        "due_date": "2026-07-14"}, child_id=child.id))  # fmt: skip
    return child, visit, action


def test_the_visits_list_shows_the_start_in_england(ctx, case):
    _child, visit, _action = case
    assert visit_line(visit, pending=True).startswith(LATE_IN_ENGLAND)


def test_the_chronology_tab_shows_times_in_england(ctx, case):
    child, _visit, _action = case
    model = ChronologyModel()
    model.set_entries(db(ctx, lambda r: r.chronology(str(child.id))))
    rows = {
        (model.index(row, 0).data(), model.index(row, 1).data()) for row in range(model.rowCount())
    }
    assert (LATE_IN_ENGLAND, "Visit") in rows
    assert (EVENING_IN_ENGLAND, "Concern") in rows
    assert not any("22:30" in when for when, _what in rows)  # never the UTC wall time


def test_the_summary_shows_due_times_in_england_and_tuesdays_as_overdue(ctx, case):
    child, _visit, _action = case
    html = summary_html(ctx.tasks.db_now(lambda: read_summary(ctx, str(child.id))))
    # The interview was due at 23:30 in England, Tuesday: it is overdue by now.
    assert f"Return home interview: {EVENING_IN_ENGLAND} — <b>OVERDUE</b>" in html
    # The review fell due on Tuesday; it is Wednesday in England.
    assert "Plan review: Tue 14 Jul 2026 — <b>OVERDUE</b>" in html
    assert "Plan action: Tue 14 Jul 2026 — <b>OVERDUE</b>" in html


def test_the_caseload_table_shows_the_interview_due_in_england(ctx, case):
    summary = db(ctx, lambda r: caseload_summary(r.store.conn, CLOCK))[0]
    row = make_row(summary, CLOCK.date())
    assert row.cells[Col.interview] == "Tue 14 Jul 23:30"
    # The visit was at 00:30 on Wednesday in England: the next one counts from then.
    assert summary.last_visit.isoformat() == "2026-07-15"


def test_the_missing_tab_says_when_the_interview_was_due_in_england(ctx, case):
    episode = {"start": "2026-07-11T20:00:00+00:00", "end": "2026-07-11T22:30:00+00:00"}
    text, late = interview_state(episode, CLOCK)
    assert text == f"Interview late (was due by {EVENING_IN_ENGLAND})" and late


def test_the_plan_tab_counts_what_fell_due_tuesday_as_overdue_on_wednesday(qtbot, ctx, case):
    child, _visit, _action = case
    tab = open_plan_tab(qtbot, ctx, str(child.id))
    assert tab.review.text() == "⚠ Plan review overdue: it was due Tue 14 Jul 2026"
    model = tab.action_model
    assert [model.index(0, c).data() for c in (3, 5)] == ["Tue 14 Jul 2026", "Overdue"]


def test_both_pdfs_print_england_time(qtbot, ctx, case, tmp_path):
    child, visit, _action = case
    path = tmp_path / "visit.pdf"
    export(qtbot, lambda done: export_visit_pdf(None, ctx, visit, path, done))
    text = pdf_text(path)
    assert f"Started {LATE_IN_ENGLAND}" in text
    assert "Exported Wed 15 Jul 2026 00:45" in text
    assert "23:30" not in text and "Tue 14 Jul" not in text  # never the UTC wall time
    path = tmp_path / "chronology.pdf"
    export(qtbot, lambda done: export_chronology_pdf(None, ctx, str(child.id), path, done))
    text = pdf_text(path)
    assert f"{LATE_IN_ENGLAND} Visit" in text
    assert f"{EVENING_IN_ENGLAND} Concern" in text
    assert "22:30" not in text


def test_the_status_bar_shows_the_last_sync_in_england(qtbot):
    bar = CaseStatusBar()
    qtbot.addWidget(bar)
    synced = datetime.fromisoformat(LATE)
    lease = Lease(last_sync=synced, max_days=14, now=synced)
    bar.set_status(DeviceStatus("sw", None, waiting=0, refused=0, conflicts=0, lease=lease))
    assert bar.last_sync.text() == "Last sync Wed 15 Jul 00:30"


def test_the_insights_screen_says_as_of_when_in_england(qtbot, ctx, case):
    from desktop.insights import caseload_insights

    view = InsightsView()
    qtbot.addWidget(view)
    view.show_insights(db(ctx, lambda r: caseload_insights(r.store.conn, CLOCK)))
    assert view.as_of.text() == "As of Wed 15 Jul 2026 00:45"


def test_conflicting_and_refused_times_are_shown_as_england_time():
    # The text stays a time the field takes back (the same instant), in England's offset.
    assert as_text(LATE) == "2026-07-15T00:30:00+01:00"
    assert datetime.fromisoformat(as_text(LATE)) == datetime.fromisoformat(LATE)
    assert as_text("2026-07-14") == "2026-07-14"  # a date is a date
    assert as_text("Seen at 2026-07-14T23:30:00+00:00") == "Seen at 2026-07-14T23:30:00+00:00"


def test_the_cli_status_prints_the_last_sync_in_england(unlocked):
    device.set_meta(unlocked.store.conn, "last_sync", LATE)
    unlocked.lock()
    caseworker = Path(sys.executable).parent / "caseworker"
    run = [str(caseworker), "--profile", str(unlocked.profile.path), "--secrets-stdin", "status"]
    done = subprocess.run(
        run, input=f"{PASSPHRASE}\n", capture_output=True, text=True, timeout=60, env=os.environ
    )
    assert done.returncode == 0, done.stderr
    assert f"last sync: {LATE_IN_ENGLAND}" in done.stdout.splitlines()
    done = subprocess.run(
        [*run, "--json"], input=f"{PASSPHRASE}\n", capture_output=True, text=True, timeout=60
    )
    # Scripts get the stored UTC instant, unchanged.
    assert json.loads(done.stdout)["last_sync"] == LATE
