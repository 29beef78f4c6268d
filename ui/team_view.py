"""The team view on a team manager's laptop: the team's children by the
worker they are allocated to, what is overdue on each (visits, reviews),
and the finalised visit notes awaiting the manager's sign-off. It only
shows a `desktop.team.TeamView` read on the database thread; a row opens
the child's record (Enter or a double-click)."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.team import TeamChild, TeamView

Index = QModelIndex | QPersistentModelIndex


def _count(n: int) -> str:
    return "None" if n == 0 else str(n)


class TeamModel(QAbstractTableModel):
    HEADERS = ("Worker", "Child", "Overdue visits", "Overdue reviews", "Awaiting sign-off")
    ChildIdRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[TeamChild] = []

    def set_rows(self, rows: list[TeamChild]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role == self.ChildIdRole:
            return row.child.child_id
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return (
                row.worker,
                row.child.name,
                _count(row.child.overdue_visits),
                _count(row.child.overdue_reviews),
                _count(row.awaiting_sign_off),
            )[index.column()]
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None


def team_sentence(view: TeamView) -> str:
    """'North: 12 children · 3 visits overdue · 1 review overdue · 2 notes await sign-off'."""
    children = len({r.child.child_id for r in view.rows})
    parts = [
        f"{children} {'child' if children == 1 else 'children'}",
        f"{view.overdue_visits} {'visit' if view.overdue_visits == 1 else 'visits'} overdue",
        f"{view.overdue_reviews} {'review' if view.overdue_reviews == 1 else 'reviews'} overdue",
        f"{view.awaiting_sign_off} visit "
        f"{'note awaits' if view.awaiting_sign_off == 1 else 'notes await'} sign-off",
    ]
    return f"{', '.join(view.teams)}: " + " · ".join(parts)


class TeamPage(QWidget):
    """Call `show_team` on the UI thread with what the database thread read."""

    #: the manager opened a row (the child's id)
    sig_open_child = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Team view")
        self.heading = QLabel("Your team", self)
        self.heading.setObjectName("heading")
        self.summary = QLabel("", self)
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("The team in figures")
        self.model = TeamModel(self)
        self.table = QTableView(self)
        self.table.setAccessibleName("The team's children by worker")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.activated.connect(self._open)
        self.table.doubleClicked.connect(self._open)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)

    def show_team(self, view: TeamView | None) -> None:
        if view is None:
            self.summary.setText("You manage no team: the central record names a team's manager.")
            self.model.set_rows([])
            return
        self.summary.setText(team_sentence(view))
        self.model.set_rows(view.rows)

    def clear(self) -> None:
        self.summary.setText("")
        self.model.set_rows([])

    def _open(self, index: QModelIndex) -> None:
        child_id = index.data(TeamModel.ChildIdRole)
        if child_id:
            self.sig_open_child.emit(child_id)
