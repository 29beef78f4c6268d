"""The caseload table's model and its filter.

`CaseloadModel` holds the rows of `desktop.summary.caseload_summary` with
their display text worked out once, so painting 2,000 children costs a
tuple lookup per cell. `CaseloadFilter` applies the quick filters and the
search result (a set of child ids computed on the database thread).
"""

from __future__ import annotations

from dataclasses import dataclass
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
from PySide6.QtGui import QBrush, QColor

from desktop.search import MARK_END, MARK_START
from desktop.summary import ChildSummary
from ui.labels import label
from ui.text import day_text, short_moment_text

ChildIdRole = Qt.ItemDataRole.UserRole + 1
SummaryRole = Qt.ItemDataRole.UserRole + 2
SortRole = Qt.ItemDataRole.UserRole + 3

Index = QModelIndex | QPersistentModelIndex


class Col(IntEnum):
    child_name = 0
    age = 1
    legal_status = 2
    risk = 3
    flags = 4
    next_visit = 5
    interview = 6
    plan_review = 7
    overdue = 8
    found = 9


HEADERS = {
    Col.child_name: "Name",
    Col.age: "Age",
    Col.legal_status: "Legal status",
    Col.risk: "Risk",
    Col.flags: "Flags",
    Col.next_visit: "Next visit due",
    Col.interview: "Return interview due",
    Col.plan_review: "Plan review due",
    Col.overdue: "Overdue",
    Col.found: "Found in",
}

# Risk is spelled out in the cell; the colour only repeats it.
RISK_COLOURS = {"high": "#b3261e", "medium": "#8a5a00", "low": "#2e6b30"}
OVERDUE_COLOUR = "#b3261e"
_FAR = "9999"  # sorts empty dates last


def flags_text(row: ChildSummary) -> str:
    parts = []
    if row.missing_now:
        parts.append("Missing now")
    if row.missing_education:
        parts.append("Missing education")
    if row.exploitation_risk:
        parts.append("Exploitation risk")
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


def plain_snippet(snippet: str) -> str:
    """Search snippets mark matches with control characters; show them «so»,
    on one line (a note's lines joined by " · ") as the cell has one."""
    one_line = " · ".join(part.strip() for part in snippet.splitlines() if part.strip())
    return one_line.replace(MARK_START, "«").replace(MARK_END, "»")


@dataclass(frozen=True)
class Row:
    summary: ChildSummary
    cells: tuple[str, ...]
    sort_keys: tuple[Any, ...]


def make_row(s: ChildSummary, today: date) -> Row:
    age = s.age(today)
    cells = (
        s.name,
        "" if age is None else str(age),
        label(s.legal_status),
        label(s.risk_level) or "Not assessed",
        flags_text(s),
        day_text(s.next_visit_due),
        short_moment_text(s.rhi_due),
        day_text(s.plan_review_due),
        overdue_text(s),
    )
    sort_keys = (
        s.name.casefold(),
        -1 if age is None else age,
        cells[2],
        {"high": 0, "medium": 1, "low": 2}.get(s.risk_level or "", 3),
        cells[4] or "~",
        s.next_visit_due.isoformat() if s.next_visit_due else _FAR,
        s.rhi_due.isoformat() if s.rhi_due else _FAR,
        s.plan_review_due.isoformat() if s.plan_review_due else _FAR,
        -s.overdue_total,
    )
    return Row(s, cells, sort_keys)


class CaseloadModel(QAbstractTableModel):
    """Rows of the caseload; replaced whole when the summary is re-read."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[Row] = []
        self._snippets: dict[str, str] = {}
        self._found_rank: dict[str, int] = {}

    def set_rows(self, summaries: list[ChildSummary], today: date) -> None:
        self.beginResetModel()
        self._rows = [make_row(s, today) for s in summaries]
        self.endResetModel()

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

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(Col)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[Col(section)]
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
            if col == Col.found:
                return self._found_rank.get(row.summary.child_id, len(self._found_rank))
            return row.sort_keys[col] if col < len(row.sort_keys) else ""
        if role == ChildIdRole:
            return row.summary.child_id
        if role == SummaryRole:
            return row.summary
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == Col.risk and row.summary.risk_level in RISK_COLOURS:
                return QBrush(QColor(RISK_COLOURS[row.summary.risk_level]))
            if col == Col.overdue and row.cells[Col.overdue]:
                return QBrush(QColor(OVERDUE_COLOUR))
            if col == Col.flags and row.summary.missing_now:
                return QBrush(QColor(OVERDUE_COLOUR))
        if role == Qt.ItemDataRole.ToolTipRole and col == Col.found:
            return self._snippets.get(row.summary.child_id) or None
        return None


QUICK_FILTERS = {
    "overdue_visit": ("Overdue visit", lambda s: s.overdue_visits > 0),
    "high_risk": ("High risk", lambda s: s.risk_level == "high"),
    "missing_now": ("Missing now", lambda s: s.missing_now),
    "interview_due": ("Interview due", lambda s: s.rhi_due is not None),
}


class CaseloadFilter(QSortFilterProxyModel):
    """Quick filters (all ticked ones must hold) and the search match set."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._quick: set[str] = set()
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
        return all(QUICK_FILTERS[name][1](summary) for name in self._quick)

    def lessThan(self, left: Index, right: Index) -> bool:
        a, b = left.data(SortRole), right.data(SortRole)
        try:
            return a < b
        except TypeError:
            return str(a) < str(b)
