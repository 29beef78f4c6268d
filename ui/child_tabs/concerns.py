"""Concerns logged from partner agencies, with the places, persons and
vehicles they name (the raw material of hotspots and disruption).

Each concern carries its source and how far it can be relied on; places,
persons and vehicles are rows the worker adds and removes. The schema
normalises postcodes and registrations and names a bad row by its number.

A concern may be seen only by some agencies ("Seen only by", the record's
`restricted_to`): the list and the heading say to whom. A laptop never
holds a concern its worker's agency may not see, so nothing here stands
for one (docs/roles.md, "Need-to-know records").
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QFormLayout, QLabel, QVBoxLayout, QWidget

from sync.kinds.common import Agency, Reliability
from sync.kinds.episodes import ConcernCategory
from sync.kinds.restriction import agency_words, restricted_to, seen_only_by
from sync.wire import Record
from ui.agency_picker import AgencyPicker
from ui.child_tabs.list_form import ListFormTab
from ui.context import AppContext
from ui.fitting import SideBySide, wrapping
from ui.labels import label
from ui.parts_editor import PartsEditor
from ui.record_table import Column
from ui.text import moment_text
from ui.widgets import add_row, combo, line_edit, text_edit

# part -> (title with mnemonic, one row's noun, its columns)
PARTS: dict[str, tuple[str, str, tuple[tuple[str, str], ...]]] = {
    "places": ("&Places", "place", (("name", "Name"), ("postcode", "Postcode"))),
    "persons": ("P&ersons of concern", "person",
                (("name", "Name"), ("approx_age", "Approx. age"), ("description", "Description"))),
    "vehicles": ("&Vehicles", "vehicle", (("registration", "Registration"), ("make", "Make"),
                                          ("model", "Model"), ("colour", "Colour"))),
}  # fmt: skip


def names_text(data: dict[str, Any]) -> str:
    """'1 place · 2 persons' — what the concern names, counted."""
    counts = [(len(data.get(part) or []), noun) for part, (_t, noun, _c) in PARTS.items()]
    return " · ".join(f"{n} {noun}{'s' if n > 1 else ''}" for n, noun in counts if n)


class ConcernsTab(ListFormTab):
    title = "Concerns"
    kind = "concern"
    new_noun = "concern"
    blank = {"category": "other", "reliability": "unverified"}
    order = "received_at"
    stretch = 1
    new_text = ("&Log new concern", "Log new concern")
    first_field = "received_at"
    titles = ("&Received", "S&ource", "Source &agency", "&Category", "Reliabili&ty",
              "S&haring restriction", "Seen o&nly by", "&What was reported")  # fmt: skip
    sizes = (180, 480)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.concerns = self.model

    def columns(self) -> list[Column]:
        return [
            Column("Received", lambda r: moment_text(r.data.get("received_at"))),
            Column("Source", lambda r: r.data.get("source") or ""),
            Column("Agency", lambda r: label(r.data.get("source_agency"))),
            Column("Category", lambda r: label(r.data.get("category"))),
            Column("Reliability", lambda r: label(r.data.get("reliability"))),
            Column("Names", lambda r: names_text(r.data)),
            Column("Seen only by", lambda r: _seen_by(r.data)),
        ]

    def make_fields(self) -> dict[str, QWidget]:
        self.parts = {
            part: PartsEditor(title.replace("&", ""), columns, add_text=f"Add {noun}",
                              numbers=frozenset({"approx_age"}), parent=self)
            for part, (title, noun, columns) in PARTS.items()
        }  # fmt: skip
        return {
            "received_at": self.date_field("Received", with_time=True, optional=False),
            "source": line_edit(self, "Source"),
            "source_agency": combo(self, "Source agency", Agency, blank=True),
            "category": combo(self, "Category", ConcernCategory, blank=False),
            "reliability": combo(self, "Reliability", Reliability, blank=False),
            "sharing_restriction": line_edit(self, "Sharing restriction"),
            "restricted_to": AgencyPicker(self),
            "narrative": text_edit(self, "What was reported", 120),
            **self.parts,
        }

    def form_body(self) -> QWidget:
        """The concern's fields beside the rows of what it names, or above
        them when both do not fit."""
        fields, named = QWidget(self), QWidget(self)
        form = wrapping(QFormLayout(fields))
        form.setContentsMargins(0, 0, 0, 0)
        for title, name in zip(self.titles, list(self.fields)[:8], strict=True):
            add_row(form, title, self.fields[name])
        stack = QVBoxLayout(named)
        stack.setContentsMargins(0, 0, 0, 0)
        for part, (title, _noun, _c) in PARTS.items():
            caption = QLabel(title + ":", named)
            caption.setBuddy(self.parts[part])
            stack.addWidget(caption)
            stack.addWidget(self.parts[part])
        return SideBySide(fields, named, self)

    def heading_for(self, record: Record | None) -> str:
        if record is None:
            return "New concern"
        received = moment_text(record.data.get("received_at"))
        seen = seen_only_by(record.data)
        return f"Concern received {received}" + (f" · {seen}" if seen else "")


def _seen_by(data: dict[str, Any]) -> str:
    """The agencies a concern is restricted to; '' when it is not."""
    return ", ".join(agency_words(a) for a in restricted_to(data) or [])
