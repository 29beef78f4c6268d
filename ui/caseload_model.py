"""The caseload table's model and its filter.

`CaseloadModel` holds the rows of `desktop.summary.caseload_summary` with
their display text worked out once, so painting 2,000 children costs a
tuple lookup per cell. `CaseloadFilter` applies the quick filters and the
search result (a set of child ids computed on the database thread).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont

from desktop import temporary_access
from desktop.due_dates import DEFAULT_RULES, DueRules
from desktop.search import MARK_END, MARK_START
from desktop.summary import ChildSummary
from ui.labels import label
from ui.text import day_text, moment_text

ChildIdRole = Qt.ItemDataRole.UserRole + 1
SummaryRole = Qt.ItemDataRole.UserRole + 2
SortRole = Qt.ItemDataRole.UserRole + 3

Index = QModelIndex | QPersistentModelIndex


class Col(IntEnum):
    """In the order a worker plans by: who, what falls due and when, what is
    late; then who they are. The first five fit beside a child's record at
    1366 wide (issue 15)."""

    child_name = 0
    next_visit = 1
    interview = 2
    plan_review = 3
    overdue = 4
    flags = 5
    risk = 6
    legal_status = 7
    age = 8
    found = 9


# Short, so each due column is no wider than its dates; its header's tooltip
# has the whole words and the timescale (`header_tip`).
HEADERS = {
    Col.child_name: "Name",
    Col.age: "Age",
    Col.legal_status: "Legal status",
    Col.risk: "Risk",
    Col.flags: "Flags",
    Col.next_visit: "Next visit",
    Col.interview: "Interview",
    Col.plan_review: "Plan review",
    Col.overdue: "Overdue",
    Col.found: "Found in",
}

# The due item each due column shows (as `due_items.what`), for its timescale.
DUE_COLUMNS = {Col.next_visit: "visit", Col.interview: "rhi", Col.plan_review: "plan_review"}

# Risk is spelled out in the cell; the colour only repeats it.
RISK_COLOURS = {"high": "#b3261e", "medium": "#8a5a00", "low": "#2e6b30"}
OVERDUE_COLOUR = "#b3261e"
_FAR = "9999"  # sorts empty dates last
_COLUMNS = len(Col)  # asked for on every comparison of a sort: not counted each time


def flags_text(row: ChildSummary) -> str:
    parts = []
    if row.missing_now:
        parts.append("Missing now")
    if row.missing_education:
        parts.append("Missing education")
    if row.exploitation_risk:
        parts.append("Exploitation risk")
    if row.temporary_until is not None:
        parts.append(temporary_access.words(row.temporary_until))
    parts += row.new_from  # "New from Police": a partner's report not yet opened
    return " · ".join(parts)


def overdue_text(row: ChildSummary) -> str:
    """What is overdue, each count named by what it counts."""
    parts = []
    for count, one, many in (
        (row.overdue_visits, "visit", "visits"),
        (row.overdue_interviews, "interview", "interviews"),
        (row.overdue_actions, "action", "actions"),
        (row.overdue_reviews, "review", "reviews"),
        (row.overdue_notes, "visit note to finish", "visit notes to finish"),
    ):
        if count:
            parts.append(f"{count} {one if count == 1 else many}")
    return "⚠ " + ", ".join(parts) if parts else ""


def risk_text(row: ChildSummary, this_year: int | None = None) -> str:
    """'High · Wed 30 Sep': the practitioner's level and the day of the
    screening it comes from; the child record's own level alone, undated."""
    level = label(row.risk_level) or "Not assessed"
    if row.risk_level and row.risk_date:
        return f"{level} · {day_text(row.risk_date, this_year=this_year)}"
    return level


def risk_tip(row: ChildSummary) -> str | None:
    if not row.risk_level:
        return None
    if row.risk_date:
        return (
            f"The practitioner's level in the risk screening of {day_text(row.risk_date)}"
            " (the Screening tab has the tool's category beside it)"
        )
    return "The child record's risk level: the child has no risk screening yet"


def plain_snippet(snippet: str) -> str:
    """Search snippets mark matches with control characters; show them «so»,
    on one line (a note's lines joined by " · ") as the cell has one."""
    one_line = " · ".join(part.strip() for part in snippet.splitlines() if part.strip())
    return one_line.replace(MARK_START, "«").replace(MARK_END, "»")


@dataclass(frozen=True)
class Row:
    summary: ChildSummary
    cells: tuple[str, ...]  # by `Col`, the Found in column left out
    sort_keys: tuple[Any, ...]
    # The rules the row's due dates were computed with (its timescales' words).
    rules: DueRules = field(default_factory=lambda: DEFAULT_RULES)


def make_row(s: ChildSummary, today: date, rules: DueRules = DEFAULT_RULES) -> Row:
    age = s.age(today)
    year = today.year  # a date this year is shown without it
    cells = {
        Col.child_name: s.name,
        Col.next_visit: day_text(s.next_visit_due, this_year=year),
        Col.interview: moment_text(s.rhi_due, this_year=year),
        Col.plan_review: day_text(s.plan_review_due, this_year=year),
        Col.overdue: overdue_text(s),
        Col.flags: flags_text(s),
        Col.risk: risk_text(s, year),
        Col.legal_status: label(s.legal_status),
        Col.age: "" if age is None else str(age),
    }
    sort_keys = {
        Col.child_name: s.name.casefold(),
        Col.next_visit: s.next_visit_due.isoformat() if s.next_visit_due else _FAR,
        Col.interview: s.rhi_due.isoformat() if s.rhi_due else _FAR,
        Col.plan_review: s.plan_review_due.isoformat() if s.plan_review_due else _FAR,
        Col.overdue: -s.overdue_total,
        Col.flags: cells[Col.flags] or "~",
        Col.risk: {"high": 0, "medium": 1, "low": 2}.get(s.risk_level or "", 3),
        Col.legal_status: cells[Col.legal_status],
        Col.age: -1 if age is None else age,
    }
    in_order = [c for c in Col if c != Col.found]
    return Row(s, tuple(cells[c] for c in in_order), tuple(sort_keys[c] for c in in_order), rules)


def make_rows(
    summaries: list[ChildSummary], today: date, rules: DueRules = DEFAULT_RULES
) -> list[Row]:
    """Plain Python, no Qt: safe on the database thread. `rules`: the rules
    in force (`CaseReader.due_rules`), whose timescales the tips name."""
    return [make_row(s, today, rules) for s in summaries]


def due_tip(row: Row, col: Col) -> str | None:
    """A due cell's hover: the whole date, with its year, and the timescale behind it."""
    s = row.summary
    if col == Col.interview:
        whole = moment_text(s.rhi_due)
    else:
        whole = day_text(s.next_visit_due if col == Col.next_visit else s.plan_review_due)
    if not whole:
        return None
    timescale = row.rules.timescale(DUE_COLUMNS[col], s.legal_status)
    return f"{whole}\n{timescale}" if timescale else whole


def header_tip(col: Col, rules: DueRules = DEFAULT_RULES) -> str | None:
    """A due column's header on hover: what it shows, and the timescales its
    dates come from."""
    if col == Col.next_visit:
        visits = "\n".join(rules.visit_timescales())
        return f"Next statutory visit due, by legal status:\n{visits}"
    if col == Col.interview:
        return f"Return home interview due.\n{rules.timescale('rhi')}"
    if col == Col.plan_review:
        return f"Plan review due.\n{rules.timescale('plan_review')}"
    if col == Col.overdue:
        return "Overdue: a date from the day after it, a return home interview from its hour"
    return None


class CaseloadModel(QAbstractTableModel):
    """Rows of the caseload; replaced whole when the summary is re-read."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[Row] = []
        self._snippets: dict[str, str] = {}
        self._found_rank: dict[str, int] = {}
        self._sort_by: tuple[int, Qt.SortOrder] = (-1, Qt.SortOrder.AscendingOrder)

    def set_rows(self, rows: list[Row]) -> None:
        """Rows from `make_rows`, which the caseload builds on the database
        thread: the text of 2,000 rows takes a tenth of a second or more, too
        long to hold the window up after every save."""
        self.beginResetModel()
        self._rows = self._sorted(rows)
        self.endResetModel()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sorted here, in Python's own sort over each row's key, not by
        Qt calling `lessThan` back into Python ~25,000 times for 2,000
        children: the caseload re-reads after every save. Rows a view holds
        (the selection) move with their children."""
        self._sort_by = (column, order)
        self.layoutAboutToBeChanged.emit()
        held = self.persistentIndexList()
        ids = [self._rows[i.row()].summary.child_id for i in held]
        self._rows = self._sorted(self._rows)
        place = {r.summary.child_id: n for n, r in enumerate(self._rows)}
        self.changePersistentIndexList(
            held, [self.index(place[c], i.column()) for c, i in zip(ids, held, strict=True)]
        )
        self.layoutChanged.emit()

    def _sorted(self, rows: list[Row]) -> list[Row]:
        column, order = self._sort_by
        if column < 0:
            return rows

        def key(row: Row) -> Any:
            if column == Col.found:
                return self._found_rank.get(row.summary.child_id, len(self._found_rank))
            return row.sort_keys[column]

        return sorted(rows, key=key, reverse=order == Qt.SortOrder.DescendingOrder)

    def set_snippets(self, snippets: dict[str, str]) -> None:
        """The search's matches, best first: their order is the Found in
        column's sort order (see CaseloadPanel)."""
        self._snippets = {k: plain_snippet(v) for k, v in snippets.items()}
        self._found_rank = {child_id: place for place, child_id in enumerate(snippets)}
        if self._rows:
            top, bottom = self.index(0, Col.found), self.index(len(self._rows) - 1, Col.found)
            self.dataChanged.emit(top, bottom, [Qt.ItemDataRole.DisplayRole])

    def row_at(self, row: int) -> Row:
        return self._rows[row]

    def row_of(self, child_id: str) -> int | None:
        for i, r in enumerate(self._rows):
            if r.summary.child_id == child_id:
                return i
        return None

    def sort_key(self, row: int, col: int) -> Any:
        """What `col` sorts `row` by (SortRole)."""
        found = self._rows[row]
        if col == Col.found:
            return self._found_rank.get(found.summary.child_id, len(self._found_rank))
        return found.sort_keys[col] if col < len(found.sort_keys) else ""

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else _COLUMNS

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[Col(section)]
        if role == Qt.ItemDataRole.ToolTipRole:
            return header_tip(Col(section), self._rows[0].rules if self._rows else DEFAULT_RULES)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if col == Col.found:
                return self._snippets.get(row.summary.child_id, "")
            return row.cells[col]
        if role == SortRole:
            return self.sort_key(index.row(), col)
        if role == ChildIdRole:
            return row.summary.child_id
        if role == SummaryRole:
            return row.summary
        if role == Qt.ItemDataRole.FontRole and col == Col.child_name and row.summary.new_from:
            # A partner's report not yet opened: the name in bold, as unread
            # mail is, since the Flags column that says it in words is off to
            # the right at 1366 wide (the tooltip says it too).
            bold = QFont()
            bold.setBold(True)
            return bold
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == Col.risk and row.summary.risk_level in RISK_COLOURS:
                return QBrush(QColor(RISK_COLOURS[row.summary.risk_level]))
            if col == Col.overdue and row.cells[Col.overdue]:
                return QBrush(QColor(OVERDUE_COLOUR))
            if col == Col.flags and row.summary.missing_now:
                return QBrush(QColor(OVERDUE_COLOUR))
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == Col.found:
                return self._snippets.get(row.summary.child_id) or None
            if col in DUE_COLUMNS:
                return due_tip(row, Col(col))
            if col == Col.risk:
                return risk_tip(row.summary)
            if col == Col.child_name and row.summary.new_from:
                return f"{row.cells[col]} · {' · '.join(row.summary.new_from)}"
            if col in (Col.child_name, Col.overdue, Col.flags):  # they may be cut short
                return row.cells[col] or None
        return None


QUICK_FILTERS = {
    "overdue_visit": ("Overdue visit", lambda s: s.overdue_visits > 0),
    "high_risk": ("High risk", lambda s: s.risk_level == "high"),
    "missing_now": ("Missing now", lambda s: s.missing_now),
    "interview_due": ("Interview due", lambda s: s.rhi_due is not None),
    "new_from_partner": ("New from a partner", lambda s: bool(s.new_from)),
}

# One view at a time, beside the filters: the day's plan. The counts come
# from `desktop.summary.caseload_summary`, which asks `desktop.due_dates`
# what is overdue and what falls due today and this week (England's days).
QUICK_VIEWS: dict[str, tuple[str, Callable[[ChildSummary], bool]]] = {
    "all": ("&All", lambda s: True),
    "due_today": ("Due &today", lambda s: s.due_today > 0),
    "due_this_week": ("Due this &week", lambda s: s.due_this_week > 0),
    "overdue": ("&Overdue", lambda s: s.overdue_total > 0),
}


class CaseloadFilter(QSortFilterProxyModel):
    """The quick view, quick filters (all ticked ones must hold) and the
    search match set."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._quick: set[str] = set()
        self._view = "all"
        self._matches: frozenset[str] | None = None  # None: not searching
        self.setSortRole(SortRole)
        self.setDynamicSortFilter(False)

    def set_quick(self, name: str, on: bool) -> None:
        self.beginFilterChange()
        if on:
            self._quick.add(name)
        else:
            self._quick.discard(name)
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_view(self, name: str) -> None:
        self.beginFilterChange()
        self._view = name
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_matches(self, child_ids: frozenset[str] | None) -> None:
        self.beginFilterChange()
        self._matches = child_ids
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    @property
    def searching(self) -> bool:
        return self._matches is not None

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        model = self.sourceModel()
        assert isinstance(model, CaseloadModel)
        summary = model.row_at(source_row).summary
        if self._matches is not None and summary.child_id not in self._matches:
            return False
        if not QUICK_VIEWS[self._view][1](summary):
            return False
        return all(QUICK_FILTERS[name][1](summary) for name in self._quick)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """The children are sorted in the caseload model (`CaseloadModel.sort`);
        this only filters, keeping its order."""
        model = self.sourceModel()
        assert isinstance(model, CaseloadModel)
        model.sort(column, order)
