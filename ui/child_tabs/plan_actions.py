"""A plan's actions: the table (overdue in words and colour) and the dialog
that adds or edits one. Each action is its own `plan_action` record, so each
agency can update its own without colliding with the others.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from desktop.drafts import Draft
from desktop.due_dates import action_overdue
from sync.kinds.casework import ActionStatus
from sync.kinds.common import Agency
from sync.wire import Record
from ui.child_tabs.forms import (
    Column,
    DateField,
    RecordTableModel,
    button,
    combo,
    line_edit,
    message_label,
    set_combo,
    show_invalid,
    text_edit,
    watch,
)
from ui.labels import label
from ui.text import day_text

ACTION = "plan_action"  # the kind, and its drafts' form (desktop.drafts)


class ActionsModel(RecordTableModel):
    """The chosen plan's actions; overdue ones say so in their own column."""

    def __init__(self, parent: Any = None) -> None:
        self.today: datetime | date = date.today()  # the session's time once shown
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
    """Add or edit one action; it stays open showing the problem if the save
    fails (the typing is then kept as a draft), and Cancel asks before it
    drops anything typed."""

    def __init__(
        self,
        parent: QWidget,
        action: Record | None,
        *,
        now: Callable[[], datetime],
        save: Callable[[ActionDialog], None],
        draft: Draft | None = None,
    ) -> None:
        super().__init__(parent)
        self.action = action
        self.changed = False
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
        self.discard_draft = draft is not None  # Cancel also drops the kept draft
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        d = draft.data if draft else action.data if action else {}
        self.description.setPlainText(d.get("description") or "")
        set_combo(self.agency, d.get("owner_agency") or "csc")
        self.owner.setText(d.get("owner_name") or "")
        self.due.set_value(d.get("due_date"))
        set_combo(self.status, d.get("status") or "not_started")
        self.outcome.setPlainText(d.get("outcome") or "")
        watch(list(self.fields.values()), self._edited)
        if draft is not None:
            self.changed = True
            show_invalid(self.message, draft.problem, self.fields)

    def _edited(self) -> None:
        self.changed = True

    def reject(self) -> None:
        """Cancel: ask first when something was typed; it is not saved."""
        if self.changed:
            answer = QMessageBox.question(
                self,
                "Discard action",
                "Discard what you typed for this action? It has not been saved.",
                QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Discard:
                return
        self.changed = False
        super().reject()

    def data(self) -> dict[str, Any]:
        return {
            "description": self.description.toPlainText().strip(),
            "owner_agency": self.agency.currentData(),
            "owner_name": self.owner.text().strip() or None,
            "due_date": self.due.value(),
            "status": self.status.currentData(),
            "outcome": self.outcome.toPlainText() or None,
        }
