"""Missing episodes and their return home interviews.

The list says in words whether the child is missing now and whether the
interview is due (by when), late or done; the form records a new episode,
ends an open one and records the interview. The national return's rules
(no overlap, one open episode at a time) come back from the repository as
RecordInvalid and are shown at the form.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QPushButton, QWidget

from desktop.capabilities import Capability
from desktop.due_dates import DEFAULT_RULES, DueRules, is_overdue
from desktop.repository import CaseRepository
from sync.kinds.episodes import EpisodeType, ExploitationConcern, MissingFrom, Offered
from sync.wire import Record
from ui.child_tabs.list_form import ListFormTab
from ui.context import AppContext
from ui.fitting import SideBySide, wrapping
from ui.labels import label
from ui.record_table import Column
from ui.share_dialog import ShareDialog
from ui.sharing import police_pack_shareable, share
from ui.text import moment_text, yes_no_text
from ui.widgets import YES_NO, add_row, button, combo, line_edit, text_edit

RHI = "return_home_interview"


def interview_state(
    episode: dict[str, Any], now: datetime, rules: DueRules = DEFAULT_RULES
) -> tuple[str, bool]:
    """The return home interview in words, and whether it is late (by
    `rules`, the rules in force)."""
    rhi = episode.get(RHI) or {}
    if episode.get("entered_in_error"):
        return "Entered in error", False
    if rhi.get("completed_at"):
        return f"Done {moment_text(rhi['completed_at'])}", False
    if not episode.get("end"):
        return "Due once the child is back", False
    if rhi.get("offered") == "na":
        return "Not applicable", False
    due = rules.return_interview_due(episode)
    if due is None:
        return "", False
    declined = "Declined · " if rhi.get("accepted") is False else ""
    if is_overdue("rhi", due, now):
        return f"{declined}Interview late (was due by {moment_text(due)})", True
    return f"{declined}Interview due by {moment_text(due)}", False


def is_open(episode: Record) -> bool:
    return not episode.data.get("end") and not episode.data.get("entered_in_error")


class MissingTab(ListFormTab):
    title = "Missing episodes"
    short_title = "Missing"
    kind = "missing_episode"
    new_noun = "episode"
    blank = {"episode_type": "missing"}
    order = "start"
    stretch = 4
    new_text = ("&Record new episode", "New episode")
    first_field = "start"
    titles = (
        "&Type", "&Went missing", "Came &back", "Missing &from", "Reported to &police",
        "Police r&eference", "Found &at", "Found postcode", "Found w&ith",
        "Interview &offered", "Offere&d at", "A&ccepted", "Interview do&ne at", "Done b&y",
        "If not done, w&hy", "P&ush factors", "Pu&ll factors", "Har&m disclosed",
        "E&xploitation concern",
    )  # fmt: skip

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.episodes = self.model
        self.rules: DueRules = DEFAULT_RULES
        self.open_button = button(
            self, "&Go to the open episode", "Go to the open episode", self.go_to_open
        )
        self.open_button.hide()
        self.add_button(self.open_button)
        # Beside the list: the pack is the child's, not the chosen episode's;
        # absent for a role not offered it (desktop.capabilities).
        self.pack_button: QPushButton | None = None
        if ctx.session.may_use(Capability.police_pack):
            self.pack_button = button(
                self,
                "Police pac&k…",
                "Share the police pack with the police",
                lambda: self.share_pack(),
            )
            self.pack_button.setToolTip(
                "The missing-person profile, recent episodes, open concerns and the plan's"
                " risks as a PDF for the police, with the sharing recorded"
            )
            self.add_list_button(self.pack_button)
        self.still_missing = QLabel("", self)
        self.still_missing.setObjectName("hint")
        self.still_missing.setAccessibleName("The child is missing now")
        self.still_missing.setWordWrap(True)
        self.still_missing.hide()
        self.add_hint(self.still_missing)

    def columns(self) -> list[Column]:
        return [
            Column("Went missing", lambda r: moment_text(r.data.get("start"))),
            Column("Came back", lambda r: moment_text(r.data.get("end")) or "Missing now"),
            Column("Type", lambda r: label(r.data.get("episode_type"))),
            Column("Police told", lambda r: yes_no_text(r.data.get("reported_to_police"))),
            Column(
                "Return home interview",
                lambda r: interview_state(r.data, self.now, self.rules)[0],
            ),
        ]

    def read(self, repo: CaseRepository, child_id: str) -> list[Record]:
        # Read with the episodes, on the database thread: the interviews'
        # due times are the rules in force.
        self.rules = repo.due_rules()
        return super().read(repo, child_id)

    def alert(self, record: Record) -> bool:
        return not record.data.get("end") or interview_state(record.data, self.now, self.rules)[1]

    def make_fields(self) -> dict[str, QWidget]:
        def when(name: str, optional: bool) -> QWidget:
            return self.date_field(name, with_time=True, optional=optional)

        return {
            "episode_type": combo(self, "Type", EpisodeType, blank=False),
            "start": when("Went missing", False),
            "end": when("Came back", True),
            "missing_from": combo(self, "Missing from", MissingFrom, blank=True),
            "reported_to_police": combo(self, "Reported to police", YES_NO, blank=True),
            "police_reference": line_edit(self, "Police reference"),
            "found_location": line_edit(self, "Found at"),
            "found_postcode": line_edit(self, "Found postcode"),
            "found_with": line_edit(self, "Found with"),
            f"{RHI}.offered": combo(self, "Interview offered", Offered, blank=True),
            f"{RHI}.offered_at": when("Offered at", True),
            f"{RHI}.accepted": combo(self, "Accepted", YES_NO, blank=True),
            f"{RHI}.completed_at": when("Interview done at", True),
            f"{RHI}.completed_by": line_edit(self, "Done by"),
            f"{RHI}.reason_not_done": line_edit(self, "If not done, why"),
            f"{RHI}.push_factors": text_edit(self, "Push factors", 52),
            f"{RHI}.pull_factors": text_edit(self, "Pull factors", 52),
            f"{RHI}.harm_disclosed": text_edit(self, "Harm disclosed", 52),
            f"{RHI}.exploitation_concern": combo(
                self, "Exploitation concern", ExploitationConcern, blank=True
            ),
        }

    def form_body(self) -> QWidget:
        """The episode beside its return home interview, or above it when
        both do not fit."""
        episode = QGroupBox("Episode", self)
        interview = QGroupBox("Return home interview", self)
        forms = (QFormLayout(episode), QFormLayout(interview))
        for i, (title, widget) in enumerate(zip(self.titles, self.fields.values(), strict=True)):
            add_row(forms[0 if i < 9 else 1], title, widget)
        for form in forms:
            wrapping(form)
        return SideBySide(episode, interview, self)

    def heading_for(self, record: Record | None) -> str:
        if record is None:
            return "New episode"
        stored = record.data
        back = "missing now" if not stored.get("end") else f"back {moment_text(stored['end'])}"
        return f"Episode from {moment_text(stored.get('start'))} · {back}"

    def share_pack(self, path: Path | None = None) -> ShareDialog | None:
        """The police pack: the Share dialog (the police already chosen), the
        PDF and the sharing record (`ui.sharing`); typing is stored first."""
        self.flush()
        if self.child_id is None or not self.ctx.session.may_use(Capability.police_pack):
            return None
        item = police_pack_shareable(self, self.ctx, self.child_id)
        return share(self, self.ctx, item, path=path)

    def _open_episode(self) -> Record | None:
        return next((r for r in self.model.records if is_open(r)), None)

    def record_shown(self) -> None:
        """While a new episode is typed and the child is already missing, say
        so and offer the way out: only one episode can be open at a time."""
        open_one = self._open_episode()
        offer = self.creating and open_one is not None
        self.open_button.setVisible(offer)
        self.still_missing.setVisible(offer)
        if offer and open_one is not None:
            self.still_missing.setText(
                f"The child has been missing since {moment_text(open_one.data.get('start'))}"
                " and only one episode can be open. Give when this one ended, or go to"
                " the open episode to record when the child came back."
            )

    def go_to_open(self) -> None:
        """Leave the new episode (kept, if it cannot be saved) for the open one."""
        open_one = self._open_episode()
        if open_one is not None:
            self.go_to(open_one)
            self.fields["end"].setFocus()
