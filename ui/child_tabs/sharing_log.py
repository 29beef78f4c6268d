"""The information-sharing log: every disclosure of the child's information
to another agency, and every decision not to share, with its reason.

Documents shared with Share… (a visit note, a plan, the chronology, the
police pack) arrive here by themselves, with the records they were drawn
from; a disclosure made another way (a phone call to the police) or a
decision not to share is recorded here. The sharing kind's own rules (a
lawful basis for a disclosure, a reason for not sharing, a reason when
consent was not sought) come back at the field, as on every form.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel, QWidget

from desktop.repository import CaseRepository
from sync.kinds import KINDS
from sync.kinds.common import Agency
from sync.kinds.people import Consent, LawfulBasis, SharingDecision
from sync.wire import Record
from ui.child_tabs.list_form import ListFormTab
from ui.context import AppContext
from ui.labels import label
from ui.record_table import Column
from ui.text import day_text
from ui.widgets import button, combo, line_edit, text_edit

NOT_SHARED = SharingDecision.not_shared.value
DRAWN_SHOWN = 5  # the records named over the form; a chronology's hundreds are counted


def decision_text(data: dict[str, Any]) -> str:
    """'Shared' or 'Not shared'; an entry from before decisions were kept was a disclosure."""
    return "Not shared" if data.get("decision") == NOT_SHARED else "Shared"


def basis_text(data: dict[str, Any]) -> str:
    """The basis chosen from the list, else the words an older entry gave."""
    if data.get("decision") == NOT_SHARED:
        return ""
    return label(data.get("basis")) or data.get("lawful_basis") or "Not recorded"


def drawn_from_titles(repo: CaseRepository, ids: list[str]) -> list[str]:
    """On the database thread: the titles of the records a sharing was
    drawn from that are still on this laptop, as the chronology words them."""
    titles = []
    for rid in ids:
        record = repo.get(rid)
        if record is None or record.deleted:
            continue
        model = KINDS[record.kind]
        when = day_text(record.data.get(model.when_field)) if model.when_field else ""
        title = model.title_of(record.data)
        titles.append(f"{title} ({when})" if when and record.kind != "child" else title)
    return titles


class SharingTab(ListFormTab):
    title = "Information sharing"
    short_title = "Sharing"
    kind = "sharing"
    new_noun = "sharing"
    blank = {"decision": "shared", "consent": "sought_given"}
    order = "date"
    stretch = 4
    new_text = ("&New sharing", "New sharing")
    first_field = "agency"
    titles = (
        "D&ecision", "Da&te", "&Agency", "&Person there", "&What was shared or asked for",
        "W&hy", "&Lawful basis", "Law or g&uidance relied on", "C&onsent",
        "If consent was not sought, wh&y", "&Reason for not sharing",
    )  # fmt: skip

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.deciding = False  # the new form is for a decision not to share
        self.not_sharing_button = button(
            self, "Record decis&ion not to share", "Record a decision not to share",
            self.new_decision_not_to_share,
        )  # fmt: skip
        self.add_list_button(self.not_sharing_button)
        self.drawn_from = QLabel("", self)
        self.drawn_from.setObjectName("hint")
        self.drawn_from.setAccessibleName("Records it was drawn from")
        self.drawn_from.setWordWrap(True)
        self.drawn_from.hide()
        self.add_hint(self.drawn_from)

    def columns(self) -> list[Column]:
        return [
            Column("Date", lambda r: day_text(r.data.get("date"))),
            Column("Decision", lambda r: decision_text(r.data)),
            Column("Agency", lambda r: label(r.data.get("agency"))),
            Column("Lawful basis", lambda r: basis_text(r.data)),
            Column("What", lambda r: (r.data.get("what") or "").split("\n", 1)[0]),
            Column("With whom", lambda r: r.data.get("person") or ""),
        ]

    def make_fields(self) -> dict[str, QWidget]:
        return {
            "decision": combo(self, "Decision", SharingDecision, blank=False),
            "date": self.date_field("Date", with_time=False, optional=False),
            "agency": combo(self, "Agency", Agency, blank=True),
            "person": line_edit(self, "Person there"),
            "what": self._what(),
            "purpose": line_edit(self, "Why"),
            "basis": combo(self, "Lawful basis", LawfulBasis, blank=True),
            "lawful_basis": line_edit(self, "Law or guidance relied on"),
            "consent": combo(self, "Consent", Consent, blank=False),
            "consent_reason": line_edit(self, "Consent reason"),
            "decision_reason": line_edit(self, "Reason for not sharing"),
        }

    def _what(self) -> QWidget:
        edit = text_edit(self, "What was shared or asked for", 64)
        edit.setMaximumHeight(120)  # the fields under it stay in sight
        return edit

    def form_data(self) -> dict[str, Any]:
        data = super().form_data()
        # Who recorded it: kept as it was on an entry, the worker on a new one.
        kept = self.current.data.get("shared_by") if self.current is not None else None
        data["shared_by"] = kept or self.ctx.session.worker
        return data

    def heading_for(self, record: Record | None) -> str:
        if record is None:
            return "New decision not to share" if self.deciding else "New sharing"
        d = record.data
        what = "Decided not to share with" if d.get("decision") == NOT_SHARED else "Shared with"
        return f"{what} {label(d.get('agency'))} on {day_text(d.get('date'))}"

    def new_decision_not_to_share(self) -> None:
        """A new entry that records a decision not to share, its reason first."""
        self.deciding = True
        self.new_record()
        self.fields["decision_reason"].setFocus()

    def new_record(self) -> None:
        super().new_record()
        self.deciding = False  # the next new form is a sharing again

    def fill(self, record: Record | None, data: dict[str, Any] | None) -> None:
        if record is None and data is None and self.deciding:
            data = {**self.blank, "decision": NOT_SHARED}  # a new decision not to share
        super().fill(record, data)

    def record_shown(self) -> None:
        """Under the heading: the records the shown sharing was drawn from."""
        ids = [str(i) for i in (self.current.data.get("drawn_from") or [])] if self.current else []
        self.drawn_from.hide()
        if not ids:
            return
        repo, shown = self.ctx.session.repo, self.current

        def said(titles: list[str]) -> None:
            if self.current is shown and titles:
                more = len(titles) - DRAWN_SHOWN
                named = " · ".join(titles[:DRAWN_SHOWN]) + (f" and {more} more" if more > 0 else "")
                self.drawn_from.setText(f"Drawn from: {named}")
                self.drawn_from.show()

        self.ctx.db(lambda: drawn_from_titles(repo, ids)).success(said).run()
