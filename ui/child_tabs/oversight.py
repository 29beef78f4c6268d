"""Management oversight: the team manager's recorded decisions on the
child's case, what they directed, and when they will review it again
(`sync.kinds.oversight.ManagementOversight`). Workers read them here and
on the chronology; a manager or coordinator records them."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QWidget

from desktop.england import today_in_england
from sync.wire import Record
from ui.child_tabs.managed import ManagersForm
from ui.record_table import Column
from ui.text import day_text
from ui.widgets import line_edit, text_edit


class OversightTab(ManagersForm):
    title = "Management oversight"
    short_title = "Oversight"
    kind = "management_oversight"
    new_noun = "oversight"
    none_yet = "No management oversight is recorded for this child yet."
    order = "date"
    stretch = 2
    new_text = ("&Record oversight", "New management oversight")
    first_field = "decision"
    titles = ("Da&te", "Recorded &by", "Dec&ision", "Di&rection", "Next re&view")
    sizes = (160, 500)

    def columns(self) -> list[Column]:
        return [
            Column("Date", lambda r: day_text(r.data.get("date"))),
            Column("By", lambda r: r.data.get("by") or ""),
            Column("Decision", lambda r: (r.data.get("decision") or "").split("\n")[0]),
            Column("Next review", lambda r: day_text(r.data.get("next_review"))),
        ]

    def make_fields(self) -> dict[str, QWidget]:
        return {
            "date": self.date_field("Date", with_time=False, optional=False),
            "by": line_edit(self, "Recorded by"),
            "decision": text_edit(self, "Decision", 90),
            "direction": text_edit(self, "Direction", 90),
            "next_review": self.date_field("Next review", with_time=False, optional=True),
        }

    def fill(self, record: Record | None, data: dict[str, Any] | None) -> None:
        if record is None and data is None and self.creating:
            # A new entry is today's, by whoever records it.
            data = {"date": today_in_england(self.now).isoformat(), "by": self.ctx.session.worker}
        super().fill(record, data)

    def heading_for(self, record: Record | None) -> str:
        if record is None:
            return "New management oversight"
        by = record.data.get("by") or ""
        return f"Management oversight of {day_text(record.data.get('date'))} by {by}"
