"""Family and carers: the parents, relatives, household members and carers
around the child, one `family_member` record each, with how to reach them.

The list reads as the Summary does: the carers and the rest of the
household first, then the parents living elsewhere, then everyone else. An address is kept only
for someone who does not live with the child; a blank one is not stored.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QFormLayout, QWidget

from desktop.repository import CaseRepository
from sync.errors import RecordInvalid
from sync.kinds.family import Relationship, address_text, in_household, is_parent
from sync.wire import Record
from ui.child_tabs.form_tab import Write
from ui.child_tabs.list_form import ListFormTab
from ui.fitting import SideBySide, wrapping
from ui.labels import label
from ui.record_table import Column
from ui.text import yes_no_text
from ui.widgets import YES_NO, add_row, combo, line_edit

# (field, title with its mnemonic): the person, then how to reach them.
WHO = (
    ("name", "&Name"),
    ("relationship", "&Relationship"),
    ("lives_with_child", "&Lives with the child"),
    ("carer", "Car&es for the child"),
    ("parental_responsibility", "&Parental responsibility"),
)
REACH = (
    ("phone", "P&hone"),
    ("email", "E&mail"),
    ("address.street", "S&treet"),
    ("address.town", "To&wn"),
    ("address.postcode", "P&ostcode"),
    ("notes", "Notes"),  # every letter of it is taken in this window
)
ADDRESS = ("street", "town", "postcode")
FALSE_UNLESS_SAID = {"lives_with_child": False, "carer": False}


def reading_order(member: Record) -> tuple[int, str]:
    """Carers, the rest of the household, then parents living elsewhere, then
    the others; by name within each."""
    data = member.data
    groups = (bool(data.get("carer")), in_household(data), is_parent(data), True)
    return groups.index(True), str(data.get("name") or "").casefold()


def role_text(data: dict[str, Any]) -> str:
    """'Foster carer · lives with the child · carer · parental responsibility'."""
    parts = [label(data.get("relationship"))]
    if data.get("lives_with_child"):
        parts.append("lives with the child")
    if data.get("carer"):
        parts.append("carer")
    if data.get("parental_responsibility"):
        parts.append("parental responsibility")
    return " · ".join(p for p in parts if p)


class FamilyTab(ListFormTab):
    title = "Family and carers"
    short_title = "Family"
    kind = "family_member"
    new_noun = "person"
    blank = FALSE_UNLESS_SAID
    # No field of that name: every row sorts equal and keeps `read`'s order.
    order = "reading_order"
    stretch = 1
    new_text = ("&Add family member or carer", "Add family member or carer")
    first_field = "name"
    sizes = (200, 400)

    def columns(self) -> list[Column]:
        return [
            Column("Name", lambda r: r.data.get("name") or ""),
            Column("Relationship", lambda r: label(r.data.get("relationship"))),
            Column("Lives with child", lambda r: yes_no_text(bool(r.data.get("lives_with_child")))),
            Column("Phone", lambda r: r.data.get("phone") or ""),
        ]

    def make_fields(self) -> dict[str, QWidget]:
        return {
            "name": line_edit(self, "Name"),
            "relationship": combo(self, "Relationship", Relationship, blank=True),
            "lives_with_child": combo(self, "Lives with the child", YES_NO, blank=False),
            "carer": combo(self, "Cares for the child", YES_NO, blank=False),
            "parental_responsibility": combo(self, "Parental responsibility", YES_NO, blank=True),
            "phone": line_edit(self, "Phone"),
            "email": line_edit(self, "Email"),
            "address.street": line_edit(self, "Street"),
            "address.town": line_edit(self, "Town"),
            "address.postcode": line_edit(self, "Postcode"),
            "notes": line_edit(self, "Notes"),
        }

    def fill(self, record: Record | None, data: dict[str, Any] | None) -> None:
        values = data or (record.data if record else self.blank)
        # A record sent without its defaults reads as the schema would have it:
        # not living with the child, not a carer (never the combo's first "Yes").
        super().fill(record, {**FALSE_UNLESS_SAID, **values})

    def form_body(self) -> QWidget:
        """Who the person is beside how to reach them, or under it where
        both do not fit (no sideways scrolling at 1366 wide)."""
        halves = []
        for rows in (WHO, REACH):
            half = QWidget(self)
            form = wrapping(QFormLayout(half))
            form.setContentsMargins(0, 0, 0, 0)
            for name, title in rows:
                add_row(form, title, self.fields[name])
            halves.append(half)
        return SideBySide(halves[0], halves[1], self)

    def read(self, repo: CaseRepository, child_id: str) -> list[Record]:
        return sorted(repo.records_for_child(child_id, self.kind), key=reading_order)

    def form_data(self) -> dict[str, Any]:
        data = super().form_data()
        if not any((data.get("address") or {}).get(part) for part in ADDRESS):
            data["address"] = None
        return data

    def record_write(self) -> tuple[Write, dict[str, Any]]:
        write, data = super().record_write()
        if data.get("relationship") is None:
            # "Not recorded" chosen: refused as the schema refuses a missing
            # field ("fill it in"), not as an unknown code; the typing is kept.
            def refuse(_repo: CaseRepository) -> Record:
                raise RecordInvalid("relationship", "relationship: is required")

            return refuse, data
        return write, data

    def heading_for(self, record: Record | None) -> str:
        if record is None:
            return "New family member or carer"
        name = record.data.get("name") or ""
        return f"{name} — {role_text(record.data)}"


__all__ = ["FamilyTab", "address_text", "reading_order", "role_text"]
