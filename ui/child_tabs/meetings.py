"""Multi-agency meetings about the child: a strategy discussion, core group,
child protection conference, looked-after child review or MACE meeting —
who came from which agency (or sent apologies), what was decided, the risk
level agreed, the actions each agency owns (`ui.child_tabs.meeting_actions`),
and with whom the outcome was shared. A MACE meeting also names the places,
persons and vehicles of concern it discussed; they feed hotspots as a
concern's do.

The form saves as the worker types, as a visit note does: when typing
pauses for a second, and at least every two seconds while it goes on. What
the record refuses is kept as the form's draft in the vault (`FormTab`).
The minutes and the actions print to PDF (`ui.printing`).
"""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QVBoxLayout, QWidget

from desktop.repository import CaseRepository
from sync.kinds.casework import MeetingType
from sync.kinds.common import Agency, RiskLevel
from sync.wire import Record
from ui.child_tabs.concerns import PARTS as CONCERN_PARTS
from ui.child_tabs.form_tab import Write
from ui.child_tabs.list_form import ListFormTab
from ui.child_tabs.meeting_actions import ACTION, MeetingActions
from ui.context import AppContext
from ui.fitting import SideBySide, wrapping
from ui.labels import choices, label
from ui.parts_editor import PartsEditor
from ui.printing import export_meeting_pdf
from ui.record_table import Column
from ui.text import day_text
from ui.widgets import add_row, button, combo, line_edit, text_edit

PAUSE_MS = 1000  # save when typing pauses this long…
MAX_WAIT_MS = 2000  # …and never later than this after the first unsaved change
# The meetings about exploitation, whose places and persons of concern are recorded.
EXPLOITATION_MEETINGS = frozenset({"mace", "mset", "mase", "context_conference"})
ATTENDED = [("Attended", True), ("Apologies", False)]
SHARED = [("Shared", True), ("Not shared", False)]


def attendance_text(data: dict[str, Any]) -> str:
    """'4 attended · 1 apologies'."""
    rows = data.get("attendees") or []
    came = sum(1 for a in rows if a.get("attended", True))
    sent = len(rows) - came
    return " · ".join(t for t in (f"{came} attended" if came else "",
                                  f"{sent} apologies" if sent else "") if t)  # fmt: skip


class MeetingsTab(ListFormTab):
    title = "Meetings"
    kind = "meeting"
    new_noun = "meeting"
    blank = {"meeting_type": "strategy_discussion"}
    also_shown = (ACTION,)
    order = "date"
    stretch = 3
    new_text = ("&Record new meeting", "New meeting")
    first_field = "meeting_type"
    # Mnemonics apart from each other's and the save row's (Save, Discard or
    # Cancel, Record new, Minutes to PDF).
    titles = ("&Type", "Dat&e", "C&hair", "Ris&k level agreed", "Dec&isions")
    sizes = (120, 560)

    refusal_takes_focus = False

    agreed: MeetingActions  # made by form_body, in ListFormTab's __init__

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.meetings = self.model
        self.pdf_button = button(self, "&Minutes to PDF…", "Print the minutes and actions to PDF",
                                 self.export_pdf)  # fmt: skip
        self.add_button(self.pdf_button)
        self._typed = 0  # edits made in the form (to know which a save took)
        self._sent_typed = 0  # how many of them the last save took
        self._dirty_since: float | None = None
        self._new: dict[str, str] = {}  # a new meeting's id once its first save made it
        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(self.save)
        self.meeting_type.activated.connect(lambda _i: self._show_concern_parts())

    def columns(self) -> list[Column]:
        return [
            Column("Date", lambda r: day_text(r.data.get("date"))),
            Column("Meeting", lambda r: label(r.data.get("meeting_type"))),
            Column("Risk agreed", lambda r: label(r.data.get("risk_level_agreed"))),
            Column("Attendance", lambda r: attendance_text(r.data)),
        ]

    def make_fields(self) -> dict[str, QWidget]:
        agencies = choices(Agency)
        self.parts = {
            "attendees": PartsEditor(
                "Attendees", (("name", "Name"), ("role", "Role"), ("agency", "Agency"),
                              ("attended", "Attendance")),
                add_text="Add &attendee", choices={"agency": agencies, "attended": ATTENDED},
                blank_row=lambda: {"agency": "csc", "attended": True}, parent=self),
            "outcome_shared": PartsEditor(
                "Outcome shared with", (("agency", "Agency"), ("person", "With whom"),
                                        ("shared", "Outcome"), ("date", "When")),
                add_text="Add a&gency told", choices={"agency": agencies, "shared": SHARED},
                days=frozenset({"date"}), parent=self,
                blank_row=lambda: {"agency": "police", "shared": True,
                                   "date": self.now.date().isoformat()}),
        }  # fmt: skip
        for part, (title, noun, columns) in CONCERN_PARTS.items():
            self.parts[part] = PartsEditor(
                title.replace("&", "") + " of concern", columns, add_text=f"Add {noun}",
                numbers=frozenset({"approx_age"}), parent=self,
            )  # fmt: skip
        self.decisions = text_edit(self, "Decisions", 96)
        self.decisions.setMaximumHeight(160)  # the rest of the meeting stays in reach
        self.meeting_type = combo(self, "Type", MeetingType, blank=False)
        return {
            "meeting_type": self.meeting_type,
            "date": self.date_field("Date", with_time=False, optional=False),
            "chair": line_edit(self, "Chair"),
            "risk_level_agreed": combo(self, "Risk level agreed", RiskLevel, blank=True),
            "decisions": self.decisions,
            **self.parts,
        }

    def form_body(self) -> QWidget:
        """The meeting and its decisions beside who came and who was told;
        under them the actions agreed, then (at a MACE meeting) the places,
        persons and vehicles of concern."""
        fields, people = QWidget(self), QWidget(self)
        form = wrapping(QFormLayout(fields))
        form.setContentsMargins(0, 0, 0, 0)
        for title, name in zip(self.titles, list(self.fields)[:5], strict=True):
            add_row(form, title, self.fields[name])
        stack = QVBoxLayout(people)
        stack.setContentsMargins(0, 0, 0, 0)
        for part, title in (("attendees", "Atte&ndees (by agency)"),
                            ("outcome_shared", "O&utcome shared with")):  # fmt: skip
            caption = QLabel(title + ":", people)
            caption.setBuddy(self.parts[part])
            stack.addWidget(caption)
            stack.addWidget(self.parts[part])
        self.agreed = MeetingActions(self)
        self.concern_box = QGroupBox("Places, persons and vehicles of concern discussed", self)
        concern = QVBoxLayout(self.concern_box)
        for part, title in (("places", "&Places"), ("persons", "Persons o&f concern"),
                            ("vehicles", "&Vehicles")):  # fmt: skip
            caption = QLabel(title + ":", self.concern_box)
            caption.setBuddy(self.parts[part])
            concern.addWidget(caption)
            concern.addWidget(self.parts[part])
        body = QWidget(self)
        column = QVBoxLayout(body)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(SideBySide(fields, people, body))
        column.addWidget(self.agreed)
        column.addWidget(self.concern_box)
        return body

    def heading_for(self, record: Record | None) -> str:
        if record is None:
            return "New meeting"
        d = record.data
        return f"{label(d.get('meeting_type'))} on {day_text(d.get('date'))}"

    # -- reading ----------------------------------------------------------------

    def read(self, repo: CaseRepository, child_id: str) -> Any:
        return (
            repo.records_for_child(child_id, self.kind),
            repo.records_for_child(child_id, ACTION),
            repo.records_for_child(child_id, "plan"),
        )

    def display(self, result: Any) -> None:
        meetings, actions, plans = result
        super().display(meetings)
        self.agreed.read(actions, plans, self.pending)

    def fill(self, record: Record | None, data: dict[str, Any] | None) -> None:
        """As FormTab's, but a reload after an autosave leaves the decisions'
        cursor where the worker is typing (the text is the same)."""
        values = data or (record.data if record else self.blank)
        same = self.decisions.toPlainText() == (values.get("decisions") or "")
        cursor = self.decisions.textCursor().position()
        super().fill(record, data)
        if same:
            moved = self.decisions.textCursor()
            moved.setPosition(min(cursor, len(self.decisions.toPlainText())))
            self.decisions.setTextCursor(moved)

    def record_shown(self) -> None:
        if self.creating and self.current is None:
            self._new = {}  # a new form: its first save makes a new meeting
        self._show_concern_parts()
        self.agreed.show_meeting(self.current)
        self.pdf_button.setEnabled(self.current is not None)

    def _show_concern_parts(self) -> None:
        kind = self.meeting_type.currentData()
        shown = kind in EXPLOITATION_MEETINGS or any(
            self.parts[p].model.rows for p in CONCERN_PARTS
        )
        self.concern_box.setVisible(shown)

    # -- saving as the worker types ------------------------------------------------

    def edited(self) -> None:
        super().edited()
        self._typed += 1
        now = time.monotonic()
        if self._dirty_since is None:
            self._dirty_since = now
        waited_ms = (now - self._dirty_since) * 1000
        self._timer.start(int(max(0, min(PAUSE_MS, MAX_WAIT_MS - waited_ms))))

    def record_write(self) -> tuple[Write, dict[str, Any]]:
        """A new meeting is created by its first save; a save made before that
        one's answer came back (the next pause, a flush) updates it, decided on
        the database thread, which runs the saves in order."""
        self._sent_typed, self._dirty_since = self._typed, None
        self._timer.stop()
        if self.current is not None:
            return super().record_write()
        made, data, child_id, kind = self._new, self.form_data(), self.child_id, self.kind

        def write(repo: CaseRepository) -> Record:
            if "id" in made:
                return repo.update(made["id"], data)
            record = repo.create(kind, data, child_id=child_id)
            made["id"] = str(record.id)
            return record

        return write, data

    def saved(self, record: Record) -> None:
        typed_since = self._typed != self._sent_typed
        super().saved(record)
        if typed_since:  # typing went on while it saved: that is saved next
            self.dirty = True
            self._update_discard()
            self.show_state()
            self._timer.start(PAUSE_MS)

    def flush(self) -> None:
        self._timer.stop()
        super().flush()
        self.agreed.flush()

    def discard(self) -> None:
        self._timer.stop()
        self._dirty_since = None
        super().discard()

    # -- the minutes -----------------------------------------------------------------

    def export_pdf(self) -> None:
        self.flush()
        if self.current is not None:
            export_meeting_pdf(self, self.ctx, self.current)
