"""The Summary's edit section: where the child lives (home, or placement),
the school and the GP — parts of the child's own record, saved like any
other form (kept as a draft when refused, "Saved on this laptop · not yet
sent" until the outbox sends it)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLineEdit,
    QWidget,
)

from desktop.repository import CaseRepository
from sync.wire import Record
from ui.child_tabs.child_section import ChildSectionForm
from ui.context import AppContext
from ui.widgets import add_row, line_edit, watch

# part -> (group title, its fields: (field, row title, accessible name))
PARTS: dict[str, tuple[str, tuple[tuple[str, str, str], ...]]] = {
    "placement_address": ("Placement address (if placed)", (
        ("street", "Street", "Placement street"), ("town", "Town", "Placement town"),
        ("postcode", "Postcode", "Placement postcode"))),
    "address": ("Home address", (
        ("street", "Street", "Home street"), ("town", "Town", "Home town"),
        ("postcode", "Postcode", "Home postcode"))),
    "school": ("School", (
        ("name", "School", "School"), ("contact", "Contact", "School contact"),
        ("phone", "Phone", "School phone"))),
    "gp": ("GP", (
        ("name", "Practice", "GP practice"), ("contact", "Doctor", "GP doctor"),
        ("phone", "Phone", "GP phone"))),
}  # fmt: skip


class ChildPlacesForm(ChildSectionForm):
    """Edits the child's record's addresses, school and GP, nothing else of it."""

    title = "Address, school and GP"
    kind = "child"
    new_noun = "details"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.save_button.setText("Save &address, school and GP")
        self.save_button.setAccessibleName("Save address, school and GP")
        self.fields: dict[str, QLineEdit] = {  # type: ignore[assignment]
            f"{part}.{name}": line_edit(self, words)
            for part, (_title, rows) in PARTS.items()
            for name, _row, words in rows
        }
        watch(list(self.fields.values()), self.edited)
        grid = QGridLayout()
        for n, (part, (title, rows)) in enumerate(PARTS.items()):
            group = QGroupBox(title, self)
            form = QFormLayout(group)
            for name, row, _words in rows:
                add_row(form, row, self.fields[f"{part}.{name}"])
            grid.addWidget(group, n // 2, n % 2)
        self.lay_out_plain(grid)

    def read(self, repo: CaseRepository, child_id: str) -> Record | None:
        return repo.get(child_id)

    def display(self, record: Record | None) -> None:
        self.current = record
        if not self.dirty:  # never overwrite typing with a reload
            self.show_record(record)

    def form_data(self) -> dict[str, Any]:
        data = super().form_data()
        for part, values in data.items():
            if not any(values.values()):
                data[part] = None  # a part left blank is not stored at all
        return data


__all__ = ["ChildPlacesForm", "PARTS"]
