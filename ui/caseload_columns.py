"""How wide the caseload's columns are: each as wide as its header or the
widest text it usually holds, in the font on screen, whichever is wider.

Widths are measured, not fixed pixels, so a header is never cut short
whatever the font size, and the columns a worker plans by (name, the due
dates, overdue) fit in the caseload's half of a 1366-wide laptop screen
(issue 15). Longer text than the sample is cut short with the whole of it
on hover (the model's tooltips).
"""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QStyle, QTableView

from ui.caseload_model import Col
from ui.text import day_text, moment_text

_SAMPLE_YEAR = 2026
# A wide weekday and month: "Wed 30 Sep".
_DAY = date(_SAMPLE_YEAR, 9, 30)

# The widest text each column usually holds. A day is sampled with its year,
# as a date next year shows it (in December most due dates are in January);
# an interview falls due within days, so its year is seldom another.
SAMPLES: dict[Col, str] = {
    Col.child_name: "Bramble Gigglesworth",
    Col.next_visit: day_text(_DAY),
    Col.interview: moment_text("2026-09-30T22:30:00+00:00", this_year=_SAMPLE_YEAR),
    Col.plan_review: day_text(_DAY),
    Col.overdue: "⚠ 2 reviews",  # longer lists are cut short, whole on hover
    Col.flags: "Exploitation risk",
    Col.risk: f"Medium · {day_text(_DAY)}",  # the level and its screening's day
    Col.legal_status: "Child protection",
    Col.age: "17",
}

# Beyond the text margins the style keeps either side of a cell's text.
SLACK = 2


def column_width(table: QTableView, col: Col) -> int:
    """`col`'s width in `table`: its header's or its sample text's, whichever is wider."""
    header = table.horizontalHeader()
    needed = header.sectionSizeFromContents(col).width()
    sample = SAMPLES.get(col)
    if sample:
        # A cell's text is inset by the focus frame's margin and one pixel, each side.
        margin = table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, table)
        text = table.fontMetrics().horizontalAdvance(sample)
        needed = max(needed, text + 2 * (margin + 1) + SLACK)
    return needed


def fit_columns(table: QTableView) -> None:
    """Size every column of the caseload `table` to its header and sample.
    Called once the table is styled (the style sheet sets the font)."""
    table.ensurePolished()
    table.horizontalHeader().ensurePolished()
    for col in Col:
        if col != Col.found:
            table.setColumnWidth(col, column_width(table, col))


# The columns a worker plans the day by, in the caseload's half of the window.
PLANNING = (Col.child_name, Col.next_visit, Col.interview, Col.plan_review, Col.overdue)


def planning_width(table: QTableView) -> int:
    """How wide `table` must be to show the planning columns whole, with
    room for its frame and a vertical scroll bar."""
    columns = sum(table.columnWidth(col) for col in PLANNING)
    scroll_bar = table.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, table)
    return columns + scroll_bar + 2 * table.frameWidth()
