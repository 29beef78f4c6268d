from __future__ import annotations

import os

import pytest
from PySide6.QtCharts import QChartView
from PySide6.QtCore import Qt

from desktop.insights import CaseloadInsights, caseload_insights
from desktop.repository import CaseRepository
from desktop.store import Store
from tests.helpers import NOW, db, settle
from tests.repo.test_insights import build_caseload
from ui.insights_view import InsightsView
from ui.workspace import Workspace


@pytest.fixture
def insights(tmp_path) -> CaseloadInsights:
    store = Store(tmp_path / "case.db", os.urandom(32))
    try:
        build_caseload(CaseRepository(store, "worker.one", clock=lambda: NOW))
        return caseload_insights(store.conn, NOW)
    finally:
        store.close()


def bars(view: QChartView) -> list[tuple[str, float]]:
    """(category, value) as the chart holds them, top to bottom / left to right."""
    (series,) = view.chart().series()
    (bar_set,) = series.barSets()
    categories = view.chart().axes()[0].categories()
    pairs = [(c, bar_set.at(i)) for i, c in enumerate(categories)]
    return pairs[::-1] if series.type() == series.SeriesType.SeriesTypeHorizontalBar else pairs


def test_the_charts_hold_the_caseload_numbers(qtbot, insights, tmp_path):
    view = InsightsView()
    qtbot.addWidget(view)
    view.resize(900, 1500)
    view.show_insights(insights)
    view.show()
    qtbot.waitExposed(view)
    # Drawn for a person to look at; never committed (synthetic data only).
    assert view.grab().save(str(tmp_path / "insights.png"))

    # Cedar's open episode: the caseload's "Missing now", beside the months.
    assert view.missing_summary.text() == (
        "5 missing episodes in the last 12 months; 1 child missing now"
    )
    months = bars(view.missing_chart)
    assert months[0] == ("Jul<br>2025", 1.0)  # the year under the month
    assert [c for c, _ in months][5:8] == ["Dec", "Jan<br>2026", "Feb"]
    assert [v for _, v in months] == [1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 3, 0]
    assert "Jan 2026: 0; Feb: 0" in view.missing_chart.accessibleDescription()

    assert view.hotspot_summary.text() == (
        "2 places named for 2 or more children in the last 12 months"
    )
    # Only those: Dell's leisure centre, named for one child, is not listed.
    assert bars(view.hotspot_chart) == [
        ("canal towpath", 2.0),  # spacing tidied
        ("Bus station · ZZ1 1AA", 2.0),
    ]

    assert view.late_summary.text() == (
        "2 statutory visits overdue; 1 return home interview overdue; "
        "1 interview done late in the last 12 months"
    )
    assert bars(view.late_chart) == [
        ("Visits overdue", 2.0),
        ("Interviews overdue", 1.0),
        ("Interviews done late", 1.0),
    ]
    model = view.late_model
    rows = [[model.index(r, c).data() for c in range(3)] for r in range(model.rowCount())]
    assert rows == [
        ["Birch Quillfeather", "Statutory visit overdue", "31 days"],
        ["Ash Quillfeather", "Statutory visit overdue", "6 days"],
        ["Birch Quillfeather", "Return interview overdue", "5 hours"],
        ["Ash Quillfeather", "Return interview done late", "2 days"],
    ]

    with qtbot.waitSignal(view.sig_open_child) as opened:
        view.late_table.activated.emit(model.index(0, 0))
    assert opened.args == [insights.overdue_visits[0].child_id]

    for widget in (view.missing_chart, view.hotspot_chart, view.late_chart, view.late_table):
        assert widget.accessibleName()


def test_showing_again_replaces_the_bars(qtbot, insights):
    view = InsightsView()
    qtbot.addWidget(view)
    view.show_insights(insights)
    empty = CaseloadInsights(NOW, [(m, 0) for m, _ in insights.missing_per_month], [], [], [])
    view.show_insights(empty)
    assert len(view.missing_chart.chart().series()) == 1
    assert len(view.missing_chart.chart().axes()) == 2
    assert view.missing_summary.text() == (
        "0 missing episodes in the last 12 months; 0 children missing now"
    )
    assert view.hotspot_summary.text() == (
        "0 places named for 2 or more children in the last 12 months"
    )
    assert view.hotspot_chart.isHidden() and view.late_table.isHidden()
    assert bars(view.late_chart) == [
        ("Visits overdue", 0.0),
        ("Interviews overdue", 0.0),
        ("Interviews done late", 0.0),
    ]


def test_the_worker_chooses_the_period_and_every_chart_follows(qtbot, tmp_path):
    store = Store(tmp_path / "case.db", os.urandom(32))
    qtbot.addWidget(view := InsightsView())
    try:
        build_caseload(CaseRepository(store, "worker.one", clock=lambda: NOW))
        # As the workspace does: the view asks, the figures are read again.
        view.sig_period_changed.connect(
            lambda months: view.show_insights(caseload_insights(store.conn, NOW, months=months))
        )
        view.show_insights(caseload_insights(store.conn, NOW))
        assert view.period.accessibleName() == "Period"
        assert [view.period.itemText(i) for i in range(view.period.count())] == [
            "Last 3 months", "Last 6 months", "Last 12 months", "Last 24 months",
        ]  # fmt: skip
        assert view.period.currentText() == "Last 12 months"

        view.period.setFocus()
        with qtbot.waitSignal(view.sig_period_changed) as asked:
            qtbot.keyClick(view.period, Qt.Key.Key_End)  # the worker picks 24 months
        assert asked.args == [24]
        assert view.period.currentText() == "Last 24 months"
        shown = bars(view.missing_chart)  # oldest at the top: too many to stand side by side
        assert len(shown) == 24
        assert [c for c, _ in shown][:2] == ["Jul 2024", "Aug 2024"]
        assert [v for _, v in shown][-3:] == [1, 3, 0]  # April, May, June 2026
        assert view.missing_summary.text() == (
            "6 missing episodes in the last 24 months; 1 child missing now"
        )
        assert view.hotspot_summary.text().endswith("in the last 24 months")
        assert view.late_summary.text().endswith("done late in the last 24 months")
        assert "Jul 2024: 0; Aug 2024: 0" in view.missing_chart.accessibleDescription()
        assert "Apr 2026: 1; May 2026: 3; Jun 2026: 0" in view.missing_chart.accessibleDescription()

        with qtbot.waitSignal(view.sig_period_changed) as asked:
            qtbot.keyClick(view.period, Qt.Key.Key_Home)
        assert asked.args == [3]
        assert [c for c, _ in bars(view.missing_chart)] == ["Apr<br>2026", "May", "Jun"]
        assert view.missing_summary.text() == (
            "4 missing episodes in the last 3 months; 1 child missing now"
        )
    finally:
        store.close()


def test_the_workspace_reads_the_period_the_worker_chose(qtbot, ctx):
    db(ctx, build_caseload)
    workspace = Workspace(ctx)
    qtbot.addWidget(workspace)
    view = workspace.insights
    workspace.show_insights()
    qtbot.waitUntil(lambda: workspace.pages.currentWidget() is view, timeout=5000)
    assert view.missing_summary.text().startswith("5 missing episodes in the last 12 months")

    view.period.setFocus()
    qtbot.keyClick(view.period, Qt.Key.Key_Up)  # 6 months
    qtbot.waitUntil(lambda: "last 6 months" in view.missing_summary.text(), timeout=5000)
    assert len(bars(view.missing_chart)) == 6
    assert view.missing_summary.text() == (
        "4 missing episodes in the last 6 months; 1 child missing now"
    )
    # Shown again (Ctrl+I), it keeps the worker's period.
    workspace.show_insights()
    settle(qtbot, ctx.tasks)
    assert view.period.currentText() == "Last 6 months"


def test_children_missing_education_opened_and_closed(qtbot):
    view = InsightsView()
    qtbot.addWidget(view)
    months = [(f"2026-{m:02d}", 0, 0) for m in range(1, 13)]
    months[2], months[4] = ("2026-03", 2, 0), ("2026-05", 1, 1)
    view.show_insights(CaseloadInsights(NOW, [], [], [], [], cme_per_month=months,
                                        missing_education_now=2))  # fmt: skip
    assert view.cme_summary.text() == (
        "3 episodes opened and 1 closed in the last 12 months; 2 children missing education now"
    )
    assert [v for _, v in bars(view.cme_chart)][2:5] == [2, 0, 1]
    assert "May: 1 opened, 1 closed" in view.cme_chart.accessibleDescription()
