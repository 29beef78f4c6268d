"""A plan's actions: the table (overdue in words and colour) and the dialog
that adds or edits one. Each action is its own `plan_action` record, so each
agency can update its own without colliding with the others.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from PySide6.QtWidgets import QWidget

from desktop.drafts import Draft
from desktop.due_dates import action_overdue
from sync.kinds.casework import ActionStatus
from sync.kinds.common import Agency
from sync.wire import Record
from ui.child_tabs.form_tab import sent_words
from ui.labels import label
from ui.record_dialog import RecordDialog
from ui.record_table import Column, RecordTableModel
from ui.text import day_text
from ui.widgets import DateField, combo, line_edit, show_value, text_edit

ACTION = "plan_action"  # the kind, and its drafts' form (desktop.drafts)


def meeting_words(meeting: Record) -> str:
    """'Core group, Tue 12 May 2026': where an action was agreed."""
    return f"{label(meeting.data.get('meeting_type'))}, {day_text(meeting.data.get('date'))}"


class ActionsModel(RecordTableModel):
    """The chosen plan's actions; overdue ones say so in their own column,
    and one agreed at a meeting names the meeting."""

    def __init__(self, parent: Any = None) -> None:
        self.today: datetime | date = date.today()  # the session's time once shown
        self.pending: set[str] = set()  # ids of actions not yet sent (the plan tab's)
        self.meetings: dict[str, str] = {}  # meeting id -> its words, for "Agreed at"
        super().__init__(
            [
                Column("Action", lambda r: r.data.get("description") or ""),
                Column("Owner agency", lambda r: label(r.data.get("owner_agency"))),
                Column("Owner", lambda r: r.data.get("owner_name") or ""),
                Column("Due", lambda r: day_text(r.data.get("due_date"))),
                Column("Status", lambda r: label(r.data.get("status"))),
                Column("Overdue", lambda r: "Overdue" if self.overdue(r) else ""),
                Column("Agreed at", self.agreed_at),
                Column("Sent", lambda r: sent_words(r, self.pending)),
            ],
            alert=self.overdue,
            parent=parent,
        )

    def agreed_at(self, action: Record) -> str:
        return self.meetings.get(action.data.get("meeting_id") or "", "")

    def overdue(self, action: Record) -> bool:
        return action_overdue(action.data, self.today)


class ActionDialog(RecordDialog):
    """Add or edit one action; it stays open showing the problem if the save
    fails (the typing is then kept as a draft), and Cancel asks before it
    drops anything typed."""

    discard_question = (
        "Discard action",
        "Discard what you typed for this action? It has not been saved.",
    )

    def __init__(
        self,
        parent: QWidget,
        action: Record | None,
        *,
        now: Callable[[], datetime],
        save: Callable[[ActionDialog], None],
        draft: Draft | None = None,
    ) -> None:
        super().__init__(parent, "Edit action" if action else "Add action", noun="action",
                         width=520)  # fmt: skip
        self.action = action
        self.description = text_edit(self, "Action", 56)
        self.description.setMaximumHeight(90)
        self.agency = combo(self, "Owner agency", Agency, blank=False)
        self.owner = line_edit(self, "Owner")
        self.due = DateField("Due date", with_time=False, optional=True, now=now, parent=self)
        self.status = combo(self, "Status", ActionStatus, blank=False)
        self.outcome = text_edit(self, "Outcome", 48)
        self.outcome.setMaximumHeight(90)
        self.fields = {
            "description": self.description, "owner_agency": self.agency,
            "owner_name": self.owner, "due_date": self.due, "status": self.status,
            "outcome": self.outcome,
        }  # fmt: skip
        d = draft.data if draft else action.data if action else {}
        # The meeting that agreed it stays with it, whichever tab saves it.
        self.meeting_id: str | None = d.get("meeting_id")
        stored = {"owner_agency": "csc", "status": "not_started"}
        stored.update({name: value for name, value in d.items() if value})
        for name, widget in self.fields.items():
            show_value(widget, stored.get(name))
        self.lay_out(
            (("&Action", "description"), ("Owner a&gency", "owner_agency"),
             ("&Owner", "owner_name"), ("&Due date", "due_date"), ("&Status", "status"),
             ("Out&come", "outcome")),
            save=lambda dialog: save(self), draft=draft,
        )  # fmt: skip

    def data(self) -> dict[str, Any]:
        return {
            "description": self.description.toPlainText().strip(),
            "owner_agency": self.agency.currentData(),
            "owner_name": self.owner.text().strip() or None,
            "due_date": self.due.value(),
            "status": self.status.currentData(),
            "outcome": self.outcome.toPlainText() or None,
            **({"meeting_id": self.meeting_id} if self.meeting_id else {}),
        }
