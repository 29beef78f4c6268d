"""Children missing education: the episodes a school (or anyone) told the
council of, the reasonable enquiries made to find where the child is being
educated, and how each episode ended.

The list says which episode is open; the form records who told the council
and why the school took the child off its roll (the grounds of the 2024
Regulations, as a list), adds an enquiry row as each one is made, and closes
the episode with its outcome. One episode is open at a time: the rule is
`sync.kinds.siblings`', so the central record refuses what the laptop does.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QFormLayout, QLabel, QVBoxLayout, QWidget

from desktop.england import today_in_england
from sync.kinds.episodes import CmeOutcome, CmeStatus, DeletionGround, cme_is_open
from sync.wire import Record
from ui.child_tabs.list_form import ListFormTab
from ui.context import AppContext
from ui.fitting import SideBySide, wrapping
from ui.labels import label
from ui.parts_editor import PartsEditor
from ui.record_table import Column
from ui.text import day_text
from ui.widgets import add_row, combo, line_edit

ENQUIRY_COLUMNS = (("date", "When"), ("made_by", "Who"), ("action", "What was done"),
                   ("result", "Outcome"))  # fmt: skip


def ground_text(record: Record) -> str:
    """The ground chosen from the list, else the words recorded before it was one."""
    d = record.data
    return label(d.get("deletion_ground")) or d.get("removal_ground") or ""


def state_text(data: dict[str, Any]) -> str:
    """'Open', or 'Closed 3 Jun 2026 · Found on roll elsewhere'."""
    if data.get("entered_in_error"):
        return "Entered in error"
    if cme_is_open(data):
        return label(data.get("status")) or "Open"
    closed = f"Closed {day_text(data['closed_at'])}" if data.get("closed_at") else "Closed"
    outcome = label(data.get("outcome_found"))
    return f"{closed} · {outcome}" if outcome else closed


class EducationTab(ListFormTab):
    title = "Children missing education"
    short_title = "Education"
    kind = "cme_episode"
    new_noun = "episode"
    blank = {"status": "open"}
    order = "notified_at"
    stretch = 1
    new_text = ("&Record new episode", "New missing-education episode")
    first_field = "notified_at"
    # Mnemonics apart from the save row's (Save, Discard or Cancel, Record new).
    titles = ("Council &told on", "Told by (sc&hool)", "&Ground for removal",
              "Ground, in &words", "Stat&us", "&Outcome", "Outcome &notes",
              "C&losed on")  # fmt: skip
    sizes = (160, 500)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.episodes = self.model

    def columns(self) -> list[Column]:
        return [
            Column("Council told", lambda r: day_text(r.data.get("notified_at"))),
            Column("School", lambda r: r.data.get("school") or ""),
            Column("Ground", ground_text),
            Column("Enquiries", lambda r: str(len(r.data.get("enquiries") or []))),
            Column("State", lambda r: state_text(r.data)),
        ]

    def alert(self, record: Record) -> bool:
        return cme_is_open(record.data)

    def make_fields(self) -> dict[str, QWidget]:
        self.enquiries = PartsEditor(
            "Reasonable enquiries", ENQUIRY_COLUMNS, add_text="Add &enquiry",
            days=frozenset({"date"}), parent=self,
            blank_row=lambda: {"date": today_in_england(self.now).isoformat()},
        )  # fmt: skip
        return {
            "notified_at": self.date_field("Council told on", with_time=False, optional=False),
            "school": line_edit(self, "Told by (school)"),
            "deletion_ground": combo(self, "Ground for removal", DeletionGround, blank=True),
            "removal_ground": line_edit(self, "Ground, in words"),
            "status": combo(self, "Status", CmeStatus, blank=False),
            "outcome_found": combo(self, "Outcome", CmeOutcome, blank=True),
            "outcome": line_edit(self, "Outcome notes"),
            "closed_at": self.date_field("Closed on", with_time=False, optional=True),
            "enquiries": self.enquiries,
        }

    def form_body(self) -> QWidget:
        """The episode's fields beside its enquiries, or above them when both
        do not fit."""
        fields, log = QWidget(self), QWidget(self)
        form = wrapping(QFormLayout(fields))
        form.setContentsMargins(0, 0, 0, 0)
        for title, name in zip(self.titles, list(self.fields)[:8], strict=True):
            add_row(form, title, self.fields[name])
        stack = QVBoxLayout(log)
        stack.setContentsMargins(0, 0, 0, 0)
        caption = QLabel("Reasonable en&quiries, as they are made:", log)
        caption.setBuddy(self.enquiries)
        caption.setWordWrap(True)
        stack.addWidget(caption)
        stack.addWidget(self.enquiries, 1)
        return SideBySide(fields, log, self)

    def heading_for(self, record: Record | None) -> str:
        if record is None:
            return "New missing-education episode"
        told = day_text(record.data.get("notified_at"))
        return f"Missing education from {told} · {state_text(record.data)}"
