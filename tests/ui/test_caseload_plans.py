"""The caseload plans the day (issue 15, item 2): the due columns in view at
1366×768, quick views for due today, this week and overdue, a refresh after
a local edit, and the timescale behind each due date.

NOW is Monday 1 June 2026, 13:00 in England: "this week" runs to Sunday 7 June.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QDate, QDateTime, Qt, QTime
from PySide6.QtWidgets import QApplication

from desktop.repository import CaseRepository
from tests.helpers import CHILD, NOW, create_vault, db, settle
from tests.ui.screens import unlock
from ui.app import open_window
from ui.caseload_model import ChildIdRole, Col
from ui.caseload_panel import CaseloadPanel
from ui.child_tabs.missing import MissingTab
from ui.child_tabs.summary import SummaryTab, read_summary, summary_html
from ui.workspace import Workspace

DUE_COLUMNS = (Col.next_visit, Col.interview, Col.plan_review, Col.overdue)

# Early help needs no statutory visits, so only the plans and episodes below
# fall due for these children.
QUIET = {**CHILD, "legal_status": "early_help", "legal_status_start": None, "flags": []}


def _child(repo: CaseRepository, first: str, **extra) -> str:
    return str(repo.create("child", {**QUIET, "first_name": first, **extra}).id)


def _plan(repo: CaseRepository, child_id: str, review: str) -> None:
    repo.create("plan", {"plan_type": "safety", "review_date": review}, child_id=child_id)


def _back(repo: CaseRepository, child_id: str, start: str, end: str) -> str:
    """A missing episode the child came back from at `end` (the interview is due 72 h later)."""
    data = {"start": start, "end": end}
    return str(repo.create("missing_episode", data, child_id=child_id).id)


def planned(repo: CaseRepository) -> dict[str, str]:
    """Children whose due dates fall on either side of today and this week."""
    ids = {name: _child(repo, name) for name in ("Today", "Week", "Late", "Later", "Both")}
    _plan(repo, ids["Today"], "2026-06-01")  # due today: not yet overdue
    _plan(repo, ids["Week"], "2026-06-07")  # Sunday: the week's last day
    _plan(repo, ids["Late"], "2026-05-31")  # yesterday: overdue
    _plan(repo, ids["Later"], "2026-06-08")  # next Monday: neither
    # Back on Friday at 15:00 (UTC): the interview is due today at 16:00 in England.
    _back(repo, ids["Both"], "2026-05-29T10:00:00+00:00", "2026-05-29T15:00:00+00:00")
    _plan(repo, ids["Both"], "2026-05-20")  # and a review overdue
    return ids


def _loaded(qtbot, panel: CaseloadPanel) -> None:
    with qtbot.waitSignal(panel.sig_loaded, timeout=5000):
        panel.reload()


def _shown(panel: CaseloadPanel) -> set[str]:
    proxy = panel.proxy
    return {proxy.index(r, 0).data(ChildIdRole) for r in range(proxy.rowCount())}


@pytest.fixture
def plans(ctx) -> dict[str, str]:
    return db(ctx, planned)


def test_quick_views_show_the_right_children_with_counts(qtbot, ctx, plans):
    panel = CaseloadPanel(ctx)
    qtbot.addWidget(panel)
    _loaded(qtbot, panel)
    views = panel.view_buttons
    assert views["all"].text() == "&All (5)"
    assert views["due_today"].text() == "Due &today (2)"
    assert views["due_this_week"].text() == "Due this &week (3)"
    assert views["overdue"].text() == "&Overdue (2)"
    assert views["all"].isChecked()

    views["due_today"].click()
    assert _shown(panel) == {plans["Today"], plans["Both"]}
    assert panel.count.text() == "Showing 2 of 5 children"
    views["due_this_week"].click()
    assert _shown(panel) == {plans["Today"], plans["Week"], plans["Both"]}
    views["overdue"].click()
    assert _shown(panel) == {plans["Late"], plans["Both"]}
    assert not views["due_today"].isChecked()  # one view at a time
    views["all"].click()
    assert len(_shown(panel)) == 5


def test_quick_views_are_reached_from_the_keyboard(qtbot, ctx, plans):
    panel = CaseloadPanel(ctx)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitExposed(panel)
    _loaded(qtbot, panel)
    for button in panel.view_buttons.values():
        assert button.focusPolicy() & Qt.FocusPolicy.TabFocus
    button = panel.view_buttons["overdue"]
    button.setFocus()
    qtbot.keyClick(button, Qt.Key.Key_Space)
    assert button.isChecked()
    assert _shown(panel) == {plans["Late"], plans["Both"]}


def test_the_counts_follow_the_caseload(qtbot, ctx, plans):
    panel = CaseloadPanel(ctx)
    qtbot.addWidget(panel)
    _loaded(qtbot, panel)
    panel.view_buttons["due_today"].click()
    db(ctx, lambda r: _plan(r, plans["Later"], "2026-06-01"))
    _loaded(qtbot, panel)
    assert panel.view_buttons["due_today"].text() == "Due &today (3)"
    assert plans["Later"] in _shown(panel)  # the view stays chosen, with the new child


def test_a_child_who_came_back_stops_showing_missing_now_straight_after_the_save(qtbot, ctx):
    """The worker types the return into the Missing episodes form and saves:
    the caseload row follows at once, with no sync and no unlock."""

    def missing(repo: CaseRepository) -> str:
        child_id = _child(repo, "Rowan")
        repo.create("missing_episode", {"start": "2026-05-31T20:00:00+00:00"}, child_id=child_id)
        return child_id

    child_id = db(ctx, missing)
    workspace = Workspace(ctx)
    qtbot.addWidget(workspace)
    panel = workspace.caseload
    _loaded(qtbot, panel)
    assert panel.proxy.index(0, Col.flags).data() == "Missing now"
    assert panel.view_buttons["due_this_week"].text() == "Due this &week (0)"

    tab = workspace.child_view.tab(MissingTab)
    with qtbot.waitSignal(tab.sig_loaded, timeout=5000):
        workspace.child_view.show_tab(MissingTab)
        workspace.open_child(child_id)
    end = tab.fields["end"]
    if end.check is not None:
        end.check.setChecked(True)
    end.edit.setDateTime(QDateTime(QDate(2026, 6, 1), QTime(10, 0)))  # England: 09:00 UTC
    with qtbot.waitSignal(panel.sig_loaded, timeout=5000):
        tab.save_button.click()
    assert panel.proxy.index(0, Col.flags).data() == ""
    assert panel.proxy.index(0, Col.interview).data() == "Thu 04 Jun 10:00"
    assert panel.view_buttons["due_this_week"].text() == "Due this &week (1)"


def test_a_burst_of_saves_is_answered_by_one_more_read_not_one_each(qtbot, ctx, plans):
    panel = CaseloadPanel(ctx)
    qtbot.addWidget(panel)
    reads: list[bool] = []
    panel.sig_loaded.connect(lambda: reads.append(True))
    for _ in range(5):  # autosaves while a note is typed
        panel.reload_after_edit()
    qtbot.waitUntil(lambda: len(reads) == 2, timeout=5000)
    settle(qtbot, ctx.tasks)
    assert len(reads) == 2
    assert panel.model.rowCount() == 5


def test_the_workers_sort_and_chosen_child_stay_through_a_re_read(qtbot, ctx, plans):
    panel = CaseloadPanel(ctx)
    qtbot.addWidget(panel)
    _loaded(qtbot, panel)
    panel.table.sortByColumn(Col.plan_review, Qt.SortOrder.DescendingOrder)
    order = [panel.proxy.index(r, 0).data(ChildIdRole) for r in range(5)]
    assert order[0] == plans["Later"] and order[-1] == plans["Both"]  # 8 June ... 20 May
    panel.select_child(plans["Week"])
    newest = db(ctx, lambda r: _child(r, "Newest"))
    db(ctx, lambda r: _plan(r, newest, "2026-06-30"))  # the latest review of all
    _loaded(qtbot, panel)
    assert [panel.proxy.index(r, 0).data(ChildIdRole) for r in range(6)] == [
        newest,
        plans["Later"],
        plans["Week"],
        plans["Today"],
        plans["Late"],
        plans["Both"],
    ]
    assert panel.current_child() == plans["Week"]


def test_dates_show_their_year_only_when_it_is_not_this_year(qtbot, ctx):
    def children(repo: CaseRepository) -> tuple[str, str]:
        soon, next_year = _child(repo, "Soon"), _child(repo, "Next")
        _plan(repo, soon, "2026-06-05")
        _plan(repo, next_year, "2027-01-05")
        _back(repo, next_year, "2026-12-30T10:00:00+00:00", "2026-12-30T15:00:00+00:00")
        return soon, next_year

    soon, next_year = db(ctx, children)
    panel = CaseloadPanel(ctx)
    qtbot.addWidget(panel)
    _loaded(qtbot, panel)
    rows = {panel.proxy.index(r, 0).data(ChildIdRole): r for r in range(2)}
    cell = lambda child, col: panel.proxy.index(rows[child], col).data()  # noqa: E731
    assert cell(soon, Col.plan_review) == "Fri 05 Jun"
    assert cell(next_year, Col.plan_review) == "Tue 05 Jan 2027"
    assert cell(next_year, Col.interview) == "Sat 02 Jan 2027 15:00"
    # The whole date is on hover, with its year.
    assert (
        panel.proxy.index(rows[soon], Col.plan_review)
        .data(Qt.ItemDataRole.ToolTipRole)
        .startswith("Fri 05 Jun 2026")
    )


def test_each_due_date_says_its_timescale_on_hover_and_in_the_summary(qtbot, ctx):
    def children(repo: CaseRepository) -> str:
        child_id = str(repo.create("child", dict(CHILD)).id)  # child protection
        _back(repo, child_id, "2026-05-30T10:00:00+00:00", "2026-05-30T15:00:00+00:00")
        _plan(repo, child_id, "2026-06-20")
        return child_id

    child_id = db(ctx, children)
    panel = CaseloadPanel(ctx)
    qtbot.addWidget(panel)
    _loaded(qtbot, panel)
    tip = lambda col: panel.proxy.index(0, col).data(Qt.ItemDataRole.ToolTipRole)  # noqa: E731
    assert "Child protection: every 10 working days" in tip(Col.next_visit)
    assert "Return home interview: within 72 hours of the child's return" in tip(Col.interview)
    assert "Plan review: on the review date the plan sets" in tip(Col.plan_review)
    assert "10 working days" in panel.model.headerData(
        Col.next_visit, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole
    )

    html = summary_html(ctx.tasks.db_now(lambda: read_summary(ctx, child_id)))
    assert "Child protection: every 10 working days" in html
    assert "Return home interview: " in html
    assert "Within 72 hours of the child&#x27;s return" in html


def test_looked_after_timescale_follows_the_rules():
    from desktop.due_dates import DEFAULT_RULES, DueRules

    assert DEFAULT_RULES.timescale("visit", "cla") == (
        "Looked after: within 7 days of a placement, every 6 weeks in its first year,"
        " then every 3 months"
    )
    assert DEFAULT_RULES.timescale("visit", "early_help") is None
    council = DueRules({"statutory_visits": {"cp": {"every_working_days": 5}}})
    assert council.timescale("visit", "cp") == "Child protection: every 5 working days"


@pytest.fixture
def busy_vault(vault):
    """A caseload with every due column filled, for the window."""
    create_vault(vault)
    repo = CaseRepository(vault.store, "worker.one", clock=lambda: NOW)
    planned(repo)
    long_name = {"first_name": "Bramble", "last_name": "Gigglesworth-Quillfeather"}
    _back(repo, _child(repo, "x", **long_name), "2026-05-31T10:00Z", "2026-05-31T15:00Z")
    repo.create("child", dict(CHILD))
    vault.lock()
    return vault


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
def test_the_due_columns_are_in_view_on_a_laptop(qtbot, tasks, busy_vault, size):
    window = open_window(tasks, busy_vault, auto_sync=False, clock=lambda: NOW)
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    unlock(qtbot, window)
    settle(qtbot, tasks)
    QApplication.processEvents()
    assert window.size().width() == size[0]
    table = window.workspace.caseload.table
    header = table.horizontalHeader()
    view_width = header.viewport().width()
    assert table.horizontalScrollBar().value() == 0
    for col in DUE_COLUMNS:
        left = header.sectionViewportPosition(col)
        assert left >= 0 and left + header.sectionSize(col) <= view_width, (
            col.name,
            left,
            header.sectionSize(col),
            view_width,
        )
    # No header is clipped: each section is as wide as its words need.
    for col in Col:
        if not table.isColumnHidden(col):
            needed = header.sectionSizeFromContents(col).width()
            assert header.sectionSize(col) >= needed, (col.name, needed)
    window.close()


def test_the_summary_names_the_timescales_in_the_open_record(qtbot, tasks, busy_vault):
    window = open_window(tasks, busy_vault, auto_sync=False, clock=lambda: NOW)
    qtbot.addWidget(window)
    unlock(qtbot, window)
    settle(qtbot, tasks)
    panel = window.workspace.caseload
    thistle = next(
        panel.model.row_at(r).summary.child_id
        for r in range(panel.model.rowCount())
        if panel.model.row_at(r).summary.name.startswith("Thistle")
    )
    view = window.workspace.child_view
    with qtbot.waitSignal(view.tab(SummaryTab).sig_loaded, timeout=5000):
        view.show_tab(SummaryTab)
        window.workspace.open_child(thistle)
    assert "Child protection: every 10 working days" in view.tab(SummaryTab).text.text()
    window.close()
