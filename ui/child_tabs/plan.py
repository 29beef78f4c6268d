"""The risk-management plan: risks, indicators, protective factors and the
actions table (owner agency, due date, status), with its review date."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
)

from desktop.due_dates import action_overdue
from sync.kinds.casework import PlanStatus, PlanType
from sync.kinds.common import Agency, RiskLevel
from sync.wire import Record
from ui.child_tabs.base import field_message
from ui.child_tabs.forms import Field
from ui.child_tabs.record_tab import RecordTab
from ui.labels import choices, label

ACTION_HEADERS = ("Action", "Owner agency", "Owner", "Due", "Status")


class ActionsModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.actions: list[Record] = []
        self.today = date.today()

    def set_actions(self, actions: list[Record], today: date) -> None:
        self.beginResetModel()
        self.actions, self.today = actions, today
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.actions)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(ACTION_HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return ACTION_HEADERS[section]
        return None

    def overdue(self, record: Record) -> bool:
        return action_overdue(record.data, self.today)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid():
            return None
        record = self.actions[index.row()]
        d = record.data
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            status = label(d.get("status"))
            if self.overdue(record):
                status = "⚠ Overdue · " + status  # in words, not colour alone
            return (
                d.get("description", ""),
                label(d.get("owner_agency")),
                d.get("owner_name") or "",
                str(d.get("due_date") or ""),
                status,
            )[index.column()]
        if role == Qt.ItemDataRole.ForegroundRole and self.overdue(record):
            return QBrush(QColor("#b3261e"))
        return None


class PlanTab(RecordTab):
    title = "Risk-management plan"
    kind = "plan"
    noun = "plan"
    fields = [
        Field("plan_type", "Plan &type", "choice", PlanType),
        Field("status", "Stat&us", "choice", PlanStatus),
        Field("risk_level_start", "Risk at &start", "choice", RiskLevel),
        Field("risk_level_now", "Risk &now", "choice", RiskLevel),
        Field("review_date", "Re&view date", "date"),
        Field("risks", "&Risks and indicators", "long"),
        Field("worries", "&Worries", "long"),
        Field("working_well", "What is working &well", "long"),
        Field("protective_factors", "&Protective factors", "long"),
        Field("contingency", "&Contingency", "long"),
        Field("child_views", "C&hild's views", "long"),
        Field("parent_views", "Pa&rents' views", "long"),
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.review = QLabel("", self)
        self.review.setAccessibleName("Review")
        self.review.setObjectName("fieldError")
        self.actions = ActionsModel(self)
        self.table = QTableView(self)
        self.table.setAccessibleName("Plan actions")
        self.table.setModel(self.actions)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col, width in ((1, 120), (2, 90), (3, 90), (4, 150)):
            self.table.setColumnWidth(col, width)
        self.table.setMinimumHeight(140)
        self.action_text = QLineEdit(self)
        self.action_text.setAccessibleName("New action")
        self.action_text.setPlaceholderText("New action…")
        self.action_agency = QComboBox(self)
        self.action_agency.setAccessibleName("New action owner agency")
        for text, value in choices(Agency):
            self.action_agency.addItem(text, value)
        self.action_due = QLineEdit(self)
        self.action_due.setAccessibleName("New action due date")
        self.action_due.setPlaceholderText("due YYYY-MM-DD")
        self.add_action = QPushButton("&Add action", self)
        self.add_action.setAccessibleName("Add action")
        self.add_action.clicked.connect(self._add_action)
        self.complete = QPushButton("Mark co&mplete", self)
        self.complete.setAccessibleName("Mark action complete")
        self.complete.clicked.connect(self._complete)
        row = QHBoxLayout()
        row.addWidget(self.action_text, 1)
        for w in (self.action_agency, self.action_due, self.add_action, self.complete):
            row.addWidget(w)
        self.action_due.setMaximumWidth(130)
        self.right_layout.insertWidget(1, self.review)
        heading = QLabel("Actions", self)
        heading.setObjectName("heading")
        self.right_layout.addWidget(heading)
        self.right_layout.addWidget(self.table)
        self.right_layout.addLayout(row)
        self._all_actions: list[Record] = []

    def line(self, record: Record) -> str:
        d = record.data
        return f"{label(d.get('plan_type'))} plan · {label(d.get('status'))}"

    def defaults(self) -> dict[str, Any]:
        return {"plan_type": "exploitation", "status": "active"}

    def extra_load(self, child_id: str) -> Any:
        repo = self.ctx.session.repo
        return repo.records_for_child(child_id, "plan_action"), self.ctx.session.now().date()

    def show_extra(self, extra: Any) -> None:
        self._all_actions, self._today = extra
        self._show_actions()

    def _edit(self, record: Record) -> None:
        super()._edit(record)
        self._show_actions()

    def _show_actions(self) -> None:
        plan_id = str(self.current.id) if self.current else None
        mine = [a for a in self._all_actions if str(a.data.get("plan_id")) == plan_id]
        mine.sort(key=lambda a: str(a.data.get("due_date") or "9999"))
        today = getattr(self, "_today", date.today())
        self.actions.set_actions(mine, today)
        review = self.current.data.get("review_date") if self.current else None
        overdue = bool(review) and str(review) < today.isoformat()
        self.review.setText(f"⚠ Plan review overdue (was due {review})" if overdue else "")
        self.review.setVisible(overdue)

    def _add_action(self) -> None:
        if self.current is None or self.child_id is None:
            self.error.setText("Save the plan before adding actions to it.")
            self.error.show()
            return
        data = {
            "plan_id": str(self.current.id),
            "description": self.action_text.text(),
            "owner_agency": self.action_agency.currentData(),
            "due_date": self.action_due.text().strip() or None,
        }

        def done(record: Record) -> None:
            self.action_text.clear()
            self.action_due.clear()
            self.sig_saved.emit(str(record.id))

        self.ctx.write(
            lambda repo: repo.create("plan_action", data, child_id=self.child_id),
            self.child_id,
            done=done,
            failed=lambda e: field_message(self.error, e),
        )

    def _complete(self) -> None:
        index = self.table.currentIndex()
        if not index.isValid() or self.child_id is None:
            return
        action = self.actions.actions[index.row()]
        changes = {"status": "completed", "completed_date": self._today.isoformat()}
        self.ctx.write(
            lambda repo: repo.update(action.id, changes),
            self.child_id,
            done=lambda r: self.sig_saved.emit(str(r.id)),
            failed=lambda e: field_message(self.error, e),
        )
