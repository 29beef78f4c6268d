"""The trends as a reader sees them (sync.server.trend_tables) and their
charts (sync.server.trend_charts): every count for a coordinator; for
everyone else, 4 hidden and 5 shown, no total giving a hidden count back,
and a chart that draws a gap where its table hides a count."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sync.server.trend_charts import CHARTS, chart_svg
from sync.server.trend_tables import trend_tables
from sync.server.trends import LEVELS, Interviews, Period, Trends

PERIOD = Period(3, datetime(2026, 11, 15, tzinfo=UTC))


def _trends(missing: list[int], interviews=Interviews(9, 1, 1, 0)) -> Trends:
    return Trends(
        period=PERIOD,
        missing_per_month=missing,
        interviews=interviews,
        cme_opened_per_month=[5, 6, 7],
        cme_closed_per_month=[0, 5, 9],
        latest_screening={level: 10 for level in LEVELS},
        screenings_per_month={level: [6, 7, 8] for level in LEVELS},
    )


def _texts(row) -> list[str]:
    return [c.text for c in row.cells]


def test_a_coordinator_sees_every_count():
    tables = trend_tables(_trends([4, 12, 30]), named=True)
    assert [_texts(r) for r in tables.missing.rows] == [["4"], ["12"], ["30"]]
    assert _texts(tables.missing.total) == ["46"]
    assert tables.percent_on_time == "82% within 72 hours"


def test_four_is_hidden_five_is_shown_and_the_total_cannot_give_four_back():
    four = trend_tables(_trends([4, 12, 30]), named=False).missing
    assert [_texts(r) for r in four.rows] == [["fewer than 5"], ["not shown"], ["30"]]
    assert _texts(four.total) == ["46"]
    five = trend_tables(_trends([5, 12, 30]), named=False).missing
    assert [_texts(r) for r in five.rows] == [["5"], ["12"], ["30"]]


def test_late_interviews_and_the_share_on_time_are_hidden_when_small():
    tables = trend_tables(_trends([5, 5, 5]), named=False)
    by_label = {r.label: r.cells[0].text for r in tables.interviews.rows}
    assert by_label["Done after 72 hours"] == "fewer than 5"
    assert by_label["Not done, 72 hours passed"] == "fewer than 5"
    # 11 ended less the 9 on time would say the two late ones are one each.
    assert by_label["Done within 72 hours"] == "not shown"
    assert by_label["Late (done after 72 hours, or not done)"] == "fewer than 5"
    # A share on time would give the late count back.
    assert tables.percent_on_time is None


def test_the_screenings_grid_withholds_its_grand_total_from_de_identified_readers():
    grid = trend_tables(_trends([5, 5, 5]), named=False).screenings
    assert grid.total is not None and grid.total.cells[-1].text == "not shown"
    assert trend_tables(_trends([5, 5, 5]), named=True).screenings.total.cells[-1].text == "84"


def test_a_chart_has_no_script_and_draws_no_hidden_count():
    tables = trend_tables(_trends([4, 12, 30]), named=False)
    for name in CHARTS:
        svg = chart_svg(tables, name)
        assert svg.startswith(b"<?xml") and b"<svg" in svg
        assert b"<script" not in svg
    missing = chart_svg(tables, "missing").decode()
    # The 4 and the 12 withheld beside it are gaps: only the 30 is a point.
    assert re.findall(r'<desc class="value">([^<]*)</desc>', missing) == ["30"]
    named = chart_svg(trend_tables(_trends([4, 12, 30]), named=True), "missing").decode()
    assert re.findall(r'<desc class="value">([^<]*)</desc>', named) == ["4", "12", "30"]
