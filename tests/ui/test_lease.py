"""Past the offline lease no screen shows case data: the caseload, every tab
of a child's record, search, insights, the chronology, conflicts and PDF
export are all refused at the one gate (desktop.case_reader), and what was
on screen when the lease ran out is taken down. A new visit can still be
recorded (tests/repo/test_lease_gate.py; `caseworker dump` in
tests/sync/test_lifecycle.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import QAbstractListModel, QModelIndex
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from desktop import device
from tests.helpers import CHILD, NOW, db
from ui.child_tabs.visits import VisitsTab
from ui.child_view import ChildView
from ui.printing import export_chronology_pdf, export_visit_pdf
from ui.workspace import Workspace

MARKER = "Quillwort"  # in a note, a concern's place and an addendum
NAME = CHILD["last_name"]


def all_text(root: QWidget) -> str:
    """Every word any widget under `root` holds, shown or not: labels, fields,
    buttons, combo items and every cell of every list and table."""
    parts: list[str] = []
    for w in [root, *root.findChildren(QWidget)]:
        if isinstance(w, QLabel | QLineEdit | QAbstractButton):
            parts.append(w.text())
        elif isinstance(w, QPlainTextEdit | QTextEdit):
            parts.append(w.toPlainText())
        elif isinstance(w, QComboBox):
            parts += [w.itemText(i) for i in range(w.count())]
        elif isinstance(w, QAbstractItemView) and w.model() is not None:
            model, top = w.model(), QModelIndex()
            columns = 1 if isinstance(model, QAbstractListModel) else model.columnCount(top)
            for r in range(model.rowCount(top)):
                parts += [str(model.index(r, c).data() or "") for c in range(columns)]
        parts.append(w.accessibleDescription())
    return "\n".join(parts)


@pytest.fixture
def case(ctx, child_id):
    """A child with a finalised visit (and its addendum), a concern naming a
    place, a missing episode and a conflict, all mentioning MARKER; synced
    a day before NOW."""
    visit = db(ctx, lambda r: r.create("visit", {
        "visit_type": "cp_statutory", "start": "2026-05-28T10:00:00+00:00",
        "child_seen": True, "observations": f"Met at the {MARKER} skate park."},
        child_id=child_id))  # fmt: skip
    db(ctx, lambda r: r.finalise_visit(visit.id))
    db(ctx, lambda r: r.add_addendum(visit.id, f"{MARKER} is the café, not the park."))
    db(ctx, lambda r: r.create("concern", {
        "received_at": "2026-05-29T09:00:00+00:00", "source": "school", "category": "cse",
        "reliability": "unverified", "narrative": f"Seen near {MARKER} Parade.",
        "places": [{"name": f"{MARKER} Parade", "postcode": "ZZ1 1ZZ"}]},
        child_id=child_id))  # fmt: skip
    db(ctx, lambda r: r.create("missing_episode", {
        "episode_type": "missing", "start": "2026-05-20T21:00:00+00:00",
        "end": "2026-05-21T08:00:00+00:00", "found_location": f"{MARKER} Parade"},
        child_id=child_id))  # fmt: skip

    def sync_yesterday_and_conflict() -> None:
        theirs = db(ctx, lambda r: r.get(visit.id))
        with ctx.session.store.transaction() as conn:
            device.set_meta(conn, "last_sync", (NOW - timedelta(days=1)).isoformat())
            conn.execute(
                "INSERT INTO conflicts (record_id, child_id, base, theirs, mine, fields,"
                " created_at) VALUES (?, ?, NULL, ?, ?, '[\"observations\"]', ?)",
                (str(visit.id), child_id, theirs.model_dump_json(), theirs.model_dump_json(),
                 NOW.isoformat()),
            )  # fmt: skip

    ctx.tasks.db_now(sync_yesterday_and_conflict)
    return {"child": child_id, "visit": visit}


def expire(ctx) -> None:
    def back_date() -> None:
        with ctx.session.store.transaction() as conn:
            device.set_meta(conn, "last_sync", (NOW - timedelta(days=30)).isoformat())

    ctx.tasks.db_now(back_date)


@pytest.fixture
def workspace(qtbot, ctx, case):
    w = Workspace(ctx)
    qtbot.addWidget(w)
    w.resize(1366, 768)
    with qtbot.waitSignal(w.caseload.sig_loaded, timeout=5000):
        w.caseload.reload()
    return w


def hidden(qtbot, ctx, act) -> None:
    with qtbot.waitSignal(ctx.events.sig_lease_expired, timeout=5000):
        act()


def test_within_the_lease_the_case_is_shown(qtbot, ctx, workspace, case):
    """The check below can fail: before the lease runs out the words are there."""
    workspace.open_child(case["child"])
    tab = workspace.child_view.show_tab(VisitsTab)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=5000)
    assert NAME in all_text(workspace)
    with qtbot.waitSignal(workspace.caseload.sig_searched, timeout=5000):
        workspace.caseload.search.setText(MARKER)
    assert MARKER in all_text(workspace.caseload)


@pytest.mark.parametrize("tab_index", range(6))
def test_no_tab_of_the_child_record_shows_anything(qtbot, ctx, workspace, case, tab_index):
    expire(ctx)
    workspace.child_view.setCurrentIndex(tab_index)
    hidden(qtbot, ctx, lambda: workspace.open_child(case["child"]))
    assert workspace.pages.currentWidget() is workspace.hidden
    assert "not synced" in workspace.hidden.text() and "F5" in workspace.hidden.text()
    text = all_text(workspace)
    assert MARKER not in text and NAME not in text


def test_search_returns_no_snippets(qtbot, ctx, workspace):
    expire(ctx)
    panel = workspace.caseload
    with qtbot.waitSignal(panel.sig_loaded, timeout=5000):
        panel.search.setText(MARKER)
    assert panel.proxy.rowCount() == 0
    text = all_text(workspace)
    assert MARKER not in text.replace(panel.search.text(), "") and NAME not in text


def test_insights_show_no_names_places_or_overdue_visits(qtbot, ctx, workspace):
    expire(ctx)
    hidden(qtbot, ctx, workspace.show_insights)
    assert workspace.pages.currentWidget() is workspace.hidden
    text = all_text(workspace)
    assert MARKER not in text and NAME not in text


def test_conflicts_are_not_listed(qtbot, ctx, workspace):
    expire(ctx)
    hidden(qtbot, ctx, workspace.show_conflicts)
    text = all_text(workspace)
    assert MARKER not in text and NAME not in text


@pytest.mark.parametrize("what", ["visit", "chronology"])
def test_nothing_is_exported_and_nothing_audited(qtbot, ctx, workspace, case, tmp_path, what):
    expire(ctx)
    path = tmp_path / f"{what}.pdf"
    if what == "visit":
        hidden(qtbot, ctx, lambda: export_visit_pdf(workspace, ctx, case["visit"], path))
    else:
        hidden(qtbot, ctx, lambda: export_chronology_pdf(workspace, ctx, case["child"], path))
    assert not path.exists()
    exports = ctx.tasks.db_now(
        lambda: ctx.session.repo.store.conn.execute(
            "SELECT count(*) FROM audit_events WHERE action = 'export'"
        ).fetchone()[0]
    )
    assert exports == 0


def test_what_was_on_screen_when_the_lease_ran_out_is_taken_down(qtbot, ctx, workspace, case):
    workspace.open_child(case["child"])
    tab = workspace.child_view.show_tab(VisitsTab)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=5000)
    with qtbot.waitSignal(workspace.caseload.sig_searched, timeout=5000):
        workspace.caseload.search.setText(MARKER)
    assert MARKER in all_text(workspace)
    expire(ctx)
    hidden(qtbot, ctx, lambda: ctx.events.sig_records_changed.emit(case["child"]))
    qtbot.waitUntil(lambda: len(workspace.findChildren(ChildView)) == 1, timeout=5000)
    text = all_text(workspace).replace(workspace.caseload.search.text(), "")
    assert MARKER not in text and NAME not in text
    assert workspace.caseload.proxy.rowCount() == 0


def test_a_sync_that_renews_the_lease_brings_the_records_back(qtbot, ctx, workspace, case):
    expire(ctx)
    hidden(qtbot, ctx, lambda: workspace.open_child(case["child"]))

    def renewed() -> None:
        with ctx.session.repo.store.transaction() as conn:  # what a sync does
            device.set_meta(conn, "last_sync", NOW.isoformat())

    ctx.tasks.db_now(renewed)
    with qtbot.waitSignal(workspace.caseload.sig_loaded, timeout=5000):
        workspace.refresh()
    assert workspace.pages.currentWidget() is workspace.welcome
    assert workspace.caseload.proxy.rowCount() == 1
