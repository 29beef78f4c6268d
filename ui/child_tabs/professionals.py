"""Professionals involved: the team around the child across agencies, one
`involvement` record each, with how to reach them and since when. Someone
who has moved on gets an end date: the Summary lists only current ones."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from sync.kinds.common import Agency
from sync.wire import Record
from ui.child_tabs.list_form import ListFormTab
from ui.labels import label
from ui.record_table import Column
from ui.text import day_text
from ui.widgets import combo, line_edit


def until_text(record: Record) -> str:
    """The day someone moved on; '' while they are involved."""
    end = record.data.get("end")
    return day_text(end) if end else ""


class ProfessionalsTab(ListFormTab):
    title = "Professionals"
    kind = "involvement"
    new_noun = "professional"
    blank = {"agency": "csc"}
    order = "start"
    stretch = 2
    new_text = ("&Add professional", "Add professional")
    first_field = "name"
    titles = ("&Name", "A&gency", "R&ole", "P&hone", "E&mail", "Involved s&ince", "&Until")
    sizes = (200, 380)

    def columns(self) -> list[Column]:
        return [
            Column("Name", lambda r: r.data.get("name") or ""),
            Column("Agency", lambda r: label(r.data.get("agency"))),
            Column("Role", lambda r: r.data.get("role") or ""),
            Column("Phone", lambda r: r.data.get("phone") or ""),
            Column("Until", until_text),
        ]

    def make_fields(self) -> dict[str, QWidget]:
        return {
            "name": line_edit(self, "Name"),
            "agency": combo(self, "Agency", Agency, blank=False),
            "role": line_edit(self, "Role"),
            "phone": line_edit(self, "Phone"),
            "email": line_edit(self, "Email"),
            "start": self.date_field("Involved since", with_time=False, optional=True),
            "end": self.date_field("Until", with_time=False, optional=True),
        }

    def heading_for(self, record: Record | None) -> str:
        if record is None:
            return "New professional"
        role = record.data.get("role") or label(record.data.get("agency"))
        return f"{record.data.get('name') or ''} — {role}"


__all__ = ["ProfessionalsTab"]
