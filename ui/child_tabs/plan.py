"""The risk-management plan: its text, risk levels and review date, and the
actions table (owner agency, due date, status; overdue in words and colour).

Actions are separate `plan_action` records (linked by `plan_id`) so each
agency can update its own without colliding with the others.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop.due_dates import action_overdue, plan_review_due
from desktop.repository import CaseRepository
from sync.kinds.casework import ActionStatus, PlanStatus, PlanType
from sync.kinds.common import Agency, RiskLevel
from sync.wire import Record
from ui.child_tabs.forms import (
    ALERT_COLOUR,
    Column,
    DateField,
    FormTab,
    RecordTableModel,
    add_row,
    button,
    combo,
    day_text,
    line_edit,
    message_label,
    set_combo,
    show_value,
    table_view,
    text_edit,
    watch,
    widget_value,
)
from ui.context import AppContext
from ui.labels import label

# (field, title with its mnemonic) in the order the plan is read aloud.
PLAN_TEXT = (
    ("risks", "&Risks and indicators"),
    ("worries", "&Worries"),
    ("working_well", "What is wor&king well"),
    ("protective_factors", "&Protective factors"),
    ("contingency", "Contin&gency"),
    ("child_views", "C&hild's views"),
    ("parent_views", "P&arents' views"),
)


def is_open(plan: Record) -> bool:
    d = plan.data
    return d.get("status") != "closed" and not d.get("closed") and not d.get("entered_in_error")


def plan_line(plan: Record) -> str:
    d = plan.data
    review = f" · review {day_text(d.get('review_date'))}" if d.get("review_date") else ""
    return f"{label(d.get('plan_type'))} plan · {label(d.get('status'))}{review}"


class ActionsModel(RecordTableModel):
    """The chosen plan's actions; overdue ones say so in their own column."""

    def __init__(self, parent: Any = None) -> None:
        self.today = date.today()
        super().__init__(
            [
                Column("Action", lambda r: r.data.get("description") or ""),
                Column("Owner agency", lambda r: label(r.data.get("owner_agency"))),
                Column("Owner", lambda r: r.data.get("owner_name") or ""),
                Column("Due", lambda r: day_text(r.data.get("due_date"))),
                Column("Status", lambda r: label(r.data.get("status"))),
                Column("Overdue", lambda r: "Overdue" if self.overdue(r) else ""),
            ],
            alert=self.overdue,
            parent=parent,
        )

    def overdue(self, action: Record) -> bool:
        return action_overdue(action.data, self.today)


class ActionDialog(QDialog):
    """Add or edit one action; it stays open showing the problem if the save fails."""

    def __init__(
        self,
        parent: QWidget,
        action: Record | None,
        *,
        now: Callable[[], datetime],
        save: Callable[[ActionDialog], None],
    ) -> None:
        super().__init__(parent)
        self.action = action
        self.setWindowTitle("Edit action" if action else "Add action")
        self.setAccessibleName(self.windowTitle())
        self.resize(520, 0)
        self.description = text_edit(self, "Action", 56)
        self.description.setMaximumHeight(90)
        self.agency = combo(self, "Owner agency", Agency, blank=False)
        self.owner = line_edit(self, "Owner")
        self.due = DateField("Due date", with_time=False, optional=True, now=now, parent=self)
        self.status = combo(self, "Status", ActionStatus, blank=False)
        self.outcome = text_edit(self, "Outcome", 48)
        self.outcome.setMaximumHeight(90)
        self.message = message_label(self, "Action problem")
        self.fields: dict[str, QWidget] = {
            "description": self.description, "owner_agency": self.agency,
            "owner_name": self.owner, "due_date": self.due, "status": self.status,
            "outcome": self.outcome,
        }  # fmt: skip
        form = QFormLayout()
        for title, widget in (("&Action", self.description), ("Owner a&gency", self.agency),
                              ("&Owner", self.owner), ("&Due date", self.due),
                              ("&Status", self.status), ("Out&come", self.outcome)):  # fmt: skip
            caption = QLabel(title + ":", self)
            caption.setBuddy(widget)
            form.addRow(caption, widget)
        self.save_button = button(self, "Sa&ve action", "Save action", lambda: save(self))
        self.save_button.setDefault(True)
        self.cancel_button = button(self, "Cancel", "Cancel", self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        d = action.data if action else {}
        self.description.setPlainText(d.get("description") or "")
        set_combo(self.agency, d.get("owner_agency") or "csc")
        self.owner.setText(d.get("owner_name") or "")
        self.due.set_value(d.get("due_date"))
        set_combo(self.status, d.get("status") or "not_started")
        self.outcome.setPlainText(d.get("outcome") or "")

    def data(self) -> dict[str, Any]:
        return {
            "description": self.description.toPlainText().strip(),
            "owner_agency": self.agency.currentData(),
            "owner_name": self.owner.text().strip() or None,
            "due_date": self.due.value(),
            "status": self.status.currentData(),
            "outcome": self.outcome.toPlainText() or None,
        }


class PlanTab(FormTab):
    title = "Risk-management plan"
    kind = "plan"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.plans: list[Record] = []
        self.dialog: ActionDialog | None = None
        self._all_actions: list[Record] = []

        self.plan_box = combo(self, "Plan shown", [], blank=False)
        self.plan_box.activated.connect(self._choose_plan)
        self.new_type = combo(self, "Type for a new plan", PlanType, blank=False)
        self.new_button = button(self, "&New plan", "New plan", self.new_plan)
        self.review = QLabel("", self)
        self.review.setAccessibleName("Plan review")
        self.plan_type = combo(self, "Plan type", PlanType, blank=False)
        self.status = combo(self, "Status", PlanStatus, blank=False)
        self.risk_start = combo(self, "Risk at start", RiskLevel, blank=True)
        self.risk_now = combo(self, "Risk now", RiskLevel, blank=True)
        self.review_date = DateField("Review date", with_time=False, optional=True,
                                     now=lambda: self.now, parent=self)  # fmt: skip
        self.texts = {name: text_edit(self, title.replace("&", "")) for name, title in PLAN_TEXT}
        self.save_button = button(self, "&Save plan", "Save plan", self.save)
        self.fields = {
            "plan_type": self.plan_type, "status": self.status,
            "risk_level_start": self.risk_start, "risk_level_now": self.risk_now,
            "review_date": self.review_date, **self.texts,
        }  # fmt: skip
        watch(list(self.fields.values()), self.edited)

        self.actions = ActionsModel(self)
        self.table = table_view(self, "Plan actions", self.actions)
        self.table.doubleClicked.connect(lambda _i: self.edit_action())
        self.add_action = button(self, "Add a&ction…", "Add action", self.new_action)
        self.edit_button = button(self, "&Edit action…", "Edit action", self.edit_action)
        self.complete = button(self, "&Mark complete", "Mark action complete", self.complete_action)
        self._layout()

    def _layout(self) -> None:
        top = QHBoxLayout()
        add = QLabel("P&lan:", self)
        add.setBuddy(self.plan_box)
        kind = QLabel("T&ype for a new plan:", self)
        kind.setBuddy(self.new_type)
        for w in (add, self.plan_box):
            top.addWidget(w)
        top.addStretch(1)
        for w in (kind, self.new_type, self.new_button):
            top.addWidget(w)
        self.plan_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)

        form = QWidget(self)
        grid = QGridLayout(form)
        left, right = QFormLayout(), QFormLayout()
        add_row(left, "Plan &type", self.plan_type)
        add_row(left, "Stat&us", self.status)
        add_row(left, "Re&view date", self.review_date)
        add_row(right, "R&isk at start", self.risk_start)
        add_row(right, "Risk n&ow", self.risk_now)
        grid.addLayout(left, 0, 0)
        grid.addLayout(right, 0, 1)
        for i, (name, title) in enumerate(PLAN_TEXT):
            box = QVBoxLayout()
            caption = QLabel(title + ":", form)
            caption.setBuddy(self.texts[name])
            box.addWidget(caption)
            box.addWidget(self.texts[name])
            grid.addLayout(box, 1 + i // 2, i % 2)
        scroll = QScrollArea(self)
        scroll.setWidget(form)
        scroll.setWidgetResizable(True)

        actions = QWidget(self)
        column = QVBoxLayout(actions)
        column.setContentsMargins(0, 0, 0, 0)
        heading = QLabel("Actions", actions)
        heading.setObjectName("heading")
        column.addWidget(heading)
        column.addWidget(self.table, 1)
        row = QHBoxLayout()
        for w in (self.add_action, self.edit_button, self.complete):
            row.addWidget(w)
        row.addStretch(1)
        column.addLayout(row)

        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(scroll)
        splitter.addWidget(actions)
        splitter.setSizes([380, 240])
        save_row = QHBoxLayout()
        save_row.addWidget(self.message, 1)
        save_row.addStretch(1)
        save_row.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.review)
        layout.addWidget(splitter, 1)
        layout.addLayout(save_row)

    # -- reading ----------------------------------------------------------------

    def read(self, repo: CaseRepository, child_id: str) -> tuple[list[Record], list[Record]]:
        return repo.records_for_child(child_id, "plan"), repo.records_for_child(
            child_id, "plan_action"
        )

    def display(self, result: tuple[list[Record], list[Record]]) -> None:
        plans, actions = result
        # Open plans first, newest first: the open one is the one being worked.
        plans.sort(key=lambda p: str(p.updated_at), reverse=True)
        self.plans = sorted(plans, key=lambda p: not is_open(p))
        keep = self.current and next((p for p in self.plans if p.id == self.current.id), None)
        self.current = keep or (self.plans[0] if self.plans else None)
        self.plan_box.clear()
        for plan in self.plans:
            self.plan_box.addItem(plan_line(plan), str(plan.id))
        if not self.plans:
            self.plan_box.addItem("No plan yet: save this form to start one", None)
        self.plan_box.setCurrentIndex(self.plans.index(self.current) if self.current else 0)
        if not self.dirty:  # never overwrite typing with a reload
            self._fill(self.current)
        self._all_actions = actions
        self._show_actions()

    def _fill(self, plan: Record | None) -> None:
        d = plan.data if plan else {"plan_type": "exploitation", "status": "draft"}
        for name, widget in self.fields.items():
            show_value(widget, d.get(name))
        self.dirty = False
        self.message.hide()

    def _show_actions(self) -> None:
        plan_id = str(self.current.id) if self.current else None
        mine = [a for a in self._all_actions if a.data.get("plan_id") == plan_id]
        mine.sort(key=lambda a: (a.data.get("status") in ("completed", "cancelled"),
                                 str(a.data.get("due_date") or "9999")))  # fmt: skip
        self.actions.today = self.now.date()
        self.actions.set_records(mine)
        for button_ in (self.add_action, self.edit_button, self.complete):
            button_.setEnabled(self.current is not None)
        due = plan_review_due(self.current.data) if self.current else None
        if due is None:
            self.review.setText("No review date set" if self.current else "")
            self.review.setStyleSheet("")
        elif due < self.now.date():
            self.review.setText(f"⚠ Plan review overdue: it was due {day_text(due)}")
            self.review.setStyleSheet(f"color: {ALERT_COLOUR}; font-weight: bold")
        else:
            self.review.setText(f"Plan review due {day_text(due)}")
            self.review.setStyleSheet("")

    def _choose_plan(self, index: int) -> None:
        self.flush()
        chosen = self.plans[index] if 0 <= index < len(self.plans) else None
        if self.dirty and self.current in self.plans:  # not stored: stay with the typing
            self.plan_box.setCurrentIndex(self.plans.index(self.current))
        elif chosen is not None and chosen is not self.current:
            self.current = chosen
            self._fill(chosen)
            self._show_actions()

    # -- writing ----------------------------------------------------------------

    def form_data(self) -> dict[str, Any]:
        return {name: widget_value(widget) for name, widget in self.fields.items()}

    def new_plan(self) -> None:
        """Start a new plan of the chosen type (a draft, stored at once)."""
        if self.child_id is None:
            return
        self.flush()
        if self.dirty:  # the plan being typed could not be stored: stay with it
            return
        child_id = self.child_id
        data = {"plan_type": self.new_type.currentData(), "status": "draft",
                "start_date": self.now.date().isoformat()}  # fmt: skip

        def created(record: Record) -> None:
            self.current = record
            self._fill(record)
            self._show_actions()
            self.sig_saved.emit(str(record.id))

        self.write(lambda repo: repo.create("plan", data, child_id=child_id), created)

    # -- actions ----------------------------------------------------------------

    def chosen_action(self) -> Record | None:
        return self.actions.record_at(self.table.currentIndex().row())

    def new_action(self) -> None:
        self._open_dialog(None)

    def edit_action(self) -> None:
        action = self.chosen_action()
        if action is not None:
            self._open_dialog(action)

    def _open_dialog(self, action: Record | None) -> None:
        if self.current is None:
            return
        self.dialog = ActionDialog(self, action, now=lambda: self.now, save=self._save_action)
        self.dialog.open()  # window-modal, not a nested event loop

    def _save_action(self, dialog: ActionDialog) -> None:
        plan = self.current
        if plan is None:
            return
        data = {**dialog.data(), "plan_id": str(plan.id)}
        action, child_id = dialog.action, self.child_id
        if action is None:
            fn = lambda repo: repo.create("plan_action", data, child_id=child_id)  # noqa: E731
        else:
            fn = lambda repo: repo.update(action.id, data)  # noqa: E731

        def saved(record: Record) -> None:
            dialog.accept()
            self.sig_saved.emit(str(record.id))

        self.write(fn, saved, dialog.message, dialog.fields)

    def complete_action(self) -> None:
        action = self.chosen_action()
        if action is None:
            return
        changes = {"status": "completed", "completed_date": self.now.date().isoformat()}
        self.write(lambda repo: repo.update(action.id, changes), self._action_saved)

    def _action_saved(self, record: Record) -> None:
        self.sig_saved.emit(str(record.id))
