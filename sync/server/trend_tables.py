"""The council's trends as the tables a reader sees: every count shown to
those who may see the children, and de-identified for everyone else
(`suppression`: counts under 5 hidden, and whatever a shown total would
give back). The charts are drawn from these same cells, so a chart can
never show what its table hides.
"""

from __future__ import annotations

from dataclasses import dataclass

from sync.server.suppression import Cell, Line, Shown, plain, suppress
from sync.server.trends import LEVELS, Trends, month_words


@dataclass(frozen=True)
class Row:
    label: str
    cells: list[Cell]


@dataclass(frozen=True)
class Table:
    key: str  # names its chart (`trend_charts`) and its place on the page
    caption: str
    headers: list[str]  # the columns after the row label
    rows: list[Row]
    total: Row | None = None  # a last row of totals, when the table has one
    row_header: str = "Month"  # what the first column's labels are


@dataclass(frozen=True)
class TrendTables:
    missing: Table
    interviews: Table
    # "74% within 72 hours" (the council's hours), or None when it would give a hidden count away
    percent_on_time: str | None
    missing_education: Table
    latest_screening: Table
    screenings: Table
    interview_hours: int = 72  # the council's rule (`Interviews.hours`)


class _Grid:
    """Counts laid out in cells, the lines between them, then suppressed."""

    def __init__(self) -> None:
        self.values: list[int] = []
        self.lines: list[Line] = []

    def add(self, value: int) -> int:
        self.values.append(value)
        return len(self.values) - 1

    def line(self, members: list[int]) -> int:
        total = self.add(sum(self.values[i] for i in members))
        self.lines.append(Line(tuple(members), total))
        return total

    def cells(self, named: bool) -> list[Cell]:
        return plain(self.values) if named else suppress(self.values, self.lines)


def _by_month(
    key: str, caption: str, headers: list[str], series: list[list[int]], t: Trends, named: bool
) -> Table:
    """Months down, one column per series, a total of each column."""
    grid = _Grid()
    columns = [[grid.add(v) for v in values] for values in series]
    totals = [grid.line(col) for col in columns]
    cells = grid.cells(named)
    months = t.period.month_names
    rows = [Row(month_words(m), [cells[col[i]] for col in columns]) for i, m in enumerate(months)]
    return Table(key, caption, headers, rows, Row("All months", [cells[i] for i in totals]))


def _interviews(t: Trends, named: bool) -> tuple[Table, str | None]:
    i = t.interviews
    grid = _Grid()
    on_time, done_late, not_done, waiting = (
        grid.add(v) for v in (i.on_time, i.done_late, i.not_done_late, i.not_yet_due)
    )
    ended = grid.line([on_time, done_late, not_done, waiting])
    late = grid.line([done_late, not_done])
    cells = grid.cells(named)
    rows = [
        Row(f"Done within {i.hours} hours", [cells[on_time]]),
        Row(f"Done after {i.hours} hours", [cells[done_late]]),
        Row(f"Not done, {i.hours} hours passed", [cells[not_done]]),
        Row(f"Not done, still within {i.hours} hours", [cells[waiting]]),
        Row(f"Late (done after {i.hours} hours, or not done)", [cells[late]]),
    ]
    table = Table(
        "interviews",
        "Return home interviews after the episodes that began in the period",
        ["Interviews"],
        rows,
        Row("Episodes ended (interview applicable)", [cells[ended]]),
        row_header="Interview",
    )
    shown = cells[on_time].visible and cells[late].visible
    percent = i.percent_on_time
    words = f"{percent}% within {i.hours} hours" if shown and percent is not None else None
    return table, words


def _latest(t: Trends, named: bool) -> Table:
    grid = _Grid()
    members = [grid.add(t.latest_screening.get(level, 0)) for level in LEVELS]
    total = grid.line(members)
    cells = grid.cells(named)
    rows = [Row(level.words, [cells[i]]) for level, i in zip(LEVELS, members, strict=True)]
    return Table(
        "latest_screening",
        "Children by the level of their latest screening (whenever it was)",
        ["Children"],
        rows,
        Row("Children screened", [cells[total]]),
        row_header="Level",
    )


def _screenings(t: Trends, named: bool) -> Table:
    """Months down, levels across, each month's and each level's total."""
    grid = _Grid()
    months = t.period.month_names
    table = [[grid.add(t.screenings_per_month[lv][m]) for lv in LEVELS] for m in range(len(months))]
    row_totals = [grid.line(row) for row in table]
    col_totals = [grid.line([row[c] for row in table]) for c in range(len(LEVELS))]
    cells = grid.cells(named)
    rows = [
        Row(month_words(m), [cells[i] for i in table[n]] + [cells[row_totals[n]]])
        for n, m in enumerate(months)
    ]
    return Table(
        "screenings",
        "Screenings dated in each month, by the practitioner's level",
        [level.words for level in LEVELS] + ["All levels"],
        rows,
        Row("All months", [cells[i] for i in col_totals] + [_grand(grid, row_totals, named)]),
    )


def _grand(grid: _Grid, row_totals: list[int], named: bool) -> Cell:
    """The grand total, withheld from de-identified readers: beside the row
    and the column totals it would be a second way to the same cells."""
    grand = sum(grid.values[i] for i in row_totals)
    return Cell(grand) if named else Cell(grand, Shown.withheld)


def trend_tables(t: Trends, *, named: bool) -> TrendTables:
    """The tables of `t`; `named` for a reader who may see the children
    (every count shown), else de-identified."""
    interviews, percent = _interviews(t, named)
    return TrendTables(
        missing=_by_month(
            "missing",
            "Missing episodes that began in each month",
            ["Missing episodes"],
            [t.missing_per_month],
            t,
            named,
        ),
        interviews=interviews,
        percent_on_time=percent,
        interview_hours=t.interviews.hours,
        missing_education=_by_month(
            "missing_education",
            "Children missing education: episodes opened and closed in each month",
            ["Opened", "Closed"],
            [t.cme_opened_per_month, t.cme_closed_per_month],
            t,
            named,
        ),
        latest_screening=_latest(t, named),
        screenings=_screenings(t, named),
    )
