from __future__ import annotations

import os

import pytest
from PySide6.QtCharts import QChartView

from desktop.insights import CaseloadInsights, caseload_insights
from desktop.repository import CaseRepository
from desktop.store import Store
from tests.helpers import NOW
from tests.repo.test_insights import build_caseload
from ui.insights_view import InsightsView


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

    assert view.missing_summary.text() == "5 missing episodes in the last 12 months"
    months = bars(view.missing_chart)
    assert months[0] == ("Jul<br>2025", 1.0)  # the year under the month
    assert [c for c, _ in months][5:8] == ["Dec", "Jan<br>2026", "Feb"]
    assert [v for _, v in months] == [1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 3, 0]
    assert "Jan 2026: 0; Feb: 0" in view.missing_chart.accessibleDescription()

    assert view.hotspot_summary.text() == "2 places named for 2 or more children"
    assert bars(view.hotspot_chart) == [
        ("canal towpath", 2.0),  # spacing tidied
        ("Bus station · ZZ1 1AA", 2.0),
        ("Leisure centre", 1.0),
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
    assert view.missing_summary.text() == "0 missing episodes in the last 12 months"
    assert (
        view.hotspot_summary.text() == "0 places named for 2 or more children; no places named yet"
    )
    assert view.hotspot_chart.isHidden() and view.late_table.isHidden()
    assert bars(view.late_chart) == [
        ("Visits overdue", 0.0),
        ("Interviews overdue", 0.0),
        ("Interviews done late", 0.0),
    ]
