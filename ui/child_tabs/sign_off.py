"""Sign-off of visit notes: the team manager reads a finalised visit note
and signs it off, with a comment if they wish
(`sync.kinds.oversight.SignOff`). The list is of the sign-offs made; the
line over the form says how many finalised notes still wait for one. The
visit list shows "Signed off by … on …" under each note signed off."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from PySide6.QtWidgets import QComboBox, QLabel, QWidget

from desktop.repository import CaseRepository
from sync.wire import Record
from ui.child_tabs.managed import ManagersForm
from ui.labels import label
from ui.record_table import Column
from ui.text import day_text, moment_text
from ui.widgets import combo, text_edit


def signed_words(sign_off: dict[str, Any]) -> str:
    """'Signed off by Mona Reyes on Sat 2 May 2026'."""
    return f"Signed off by {sign_off.get('signed_by')} on {day_text(sign_off.get('signed_at'))}"


def visit_words(visit: Record | None) -> str:
    if visit is None:
        return "A visit note not on this laptop"
    return f"{moment_text(visit.data.get('start'))} · {label(visit.data.get('visit_type'))}"


def awaiting(visits: list[Record], sign_offs: list[Record]) -> list[Record]:
    """The finalised visit notes no sign-off (still standing) points at, newest first."""
    signed = {str(s.data.get("visit_id")) for s in sign_offs if not s.data.get("entered_in_error")}
    final = [
        v
        for v in visits
        if v.data.get("status") == "final"
        and not v.data.get("entered_in_error")
        and str(v.id) not in signed
    ]
    return sorted(final, key=lambda v: str(v.data.get("start")), reverse=True)


class SignOffTab(ManagersForm):
    title = "Sign-off of visit notes"
    short_title = "Sign-off"
    kind = "sign_off"
    new_noun = "sign-off"
    none_yet = "No visit note of this child is signed off yet."
    order = "signed_at"
    stretch = 0
    new_text = ("Sign o&ff a visit", "New sign-off of a visit note")
    first_field = "visit_id"
    titles = ("&Visit note", "Co&mment")
    sizes = (160, 420)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.visits: dict[str, Record] = {}
        self.to_sign: list[Record] = []
        super().__init__(*args, **kwargs)
        self.waiting = QLabel("", self)
        self.waiting.setWordWrap(True)
        self.waiting.setAccessibleName("Visit notes awaiting sign-off")
        self.add_hint(self.waiting)
        self.save_button.setText("&Sign off")
        self.save_button.setAccessibleName("Sign off the visit note")

    def columns(self) -> list[Column]:
        return [
            Column("Visit", lambda r: visit_words(self.visits.get(str(r.data.get("visit_id"))))),
            Column("Signed off", lambda r: signed_words(r.data)),
            Column("Comment", lambda r: (r.data.get("comment") or "").split("\n")[0]),
        ]

    def make_fields(self) -> dict[str, QWidget]:
        self.visit_choice: QComboBox = combo(self, "Visit note", [], blank=False)
        return {"visit_id": self.visit_choice, "comment": text_edit(self, "Comment", 90)}

    def read_more(self, repo: CaseRepository, child_id: str) -> list[Record]:
        return repo.records_for_child(child_id, "visit")

    def show_more(self, more: list[Record], records: list[Record]) -> None:
        self.visits = {str(v.id): v for v in more}
        self.to_sign = awaiting(more, records)
        count = len(self.to_sign)
        self.waiting.setText(
            "Every finalised visit note is signed off."
            if not count
            else f"{count} finalised visit {'note awaits' if count == 1 else 'notes await'} "
            "sign-off."
        )

    def fill(self, record: Record | None, data: dict[str, Any] | None) -> None:
        # The choice: the notes awaiting sign-off, or the one this sign-off is of.
        box = self.visit_choice
        blocked = box.blockSignals(True)
        box.clear()
        shown = [self.visits.get(str(record.data.get("visit_id")))] if record else []
        for visit in [v for v in shown if v] or (self.to_sign if self.may_record else []):
            box.addItem(visit_words(visit), str(visit.id))
        box.blockSignals(blocked)
        box.setEnabled(record is None and self.may_record)
        super().fill(record, data)

    def form_data(self) -> dict[str, Any]:
        data = super().form_data()
        kept = self.current.data if self.current is not None else {}
        data["signed_by"] = kept.get("signed_by") or self.ctx.session.worker
        # Signed when it is saved, not when the tab was opened.
        data["signed_at"] = kept.get("signed_at") or datetime.now(UTC).isoformat()
        return data

    def heading_for(self, record: Record | None) -> str:
        if record is None:
            return "Sign off a finalised visit note"
        return signed_words(record.data)
