"""Missing episodes and their return home interviews.

The list says in words whether the child is missing now and whether the
interview is due (by when), late or done; the form records a new episode,
ends an open one and records the interview. The national return's rules
(no overlap, one open episode at a time) come back from the repository as
RecordInvalid and are shown at the form.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop.due_dates import is_overdue, rhi_due
from desktop.repository import CaseRepository
from sync.kinds.episodes import EpisodeType, ExploitationConcern, MissingFrom, Offered
from sync.wire import Record
from ui.child_tabs.form_tab import FormTab
from ui.child_tabs.forms import (
    YES_NO,
    Column,
    DateField,
    RecordTableModel,
    add_row,
    button,
    combo,
    line_edit,
    show_value,
    table_view,
    text_edit,
    watch,
    widget_value,
)
from ui.context import AppContext
from ui.labels import label
from ui.text import moment_text, yes_no_text

RHI = "return_home_interview"


def interview_state(episode: dict[str, Any], now: datetime) -> tuple[str, bool]:
    """The return home interview in words, and whether it is late."""
    rhi = episode.get(RHI) or {}
    if episode.get("entered_in_error"):
        return "Entered in error", False
    if rhi.get("completed_at"):
        return f"Done {moment_text(rhi['completed_at'])}", False
    if not episode.get("end"):
        return "Due once the child is back", False
    if rhi.get("offered") == "na":
        return "Not applicable", False
    due = rhi_due(episode)
    if due is None:
        return "", False
    declined = "Declined · " if rhi.get("accepted") is False else ""
    if is_overdue("rhi", due, now):
        return f"{declined}Interview late (was due by {moment_text(due)})", True
    return f"{declined}Interview due by {moment_text(due)}", False


def is_open(episode: Record) -> bool:
    return not episode.data.get("end") and not episode.data.get("entered_in_error")


class MissingTab(FormTab):
    title = "Missing episodes"
    kind = "missing_episode"
    new_noun = "episode"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._selecting = False
        self.episodes = RecordTableModel(
            [
                Column("Went missing", lambda r: moment_text(r.data.get("start"))),
                Column("Came back", lambda r: moment_text(r.data.get("end")) or "Missing now"),
                Column("Type", lambda r: label(r.data.get("episode_type"))),
                Column("Police told", lambda r: yes_no_text(r.data.get("reported_to_police"))),
                Column("Return home interview", lambda r: interview_state(r.data, self.now)[0]),
            ],
            alert=lambda r: not r.data.get("end") or interview_state(r.data, self.now)[1],
            parent=self,
        )
        self.table = table_view(self, "Missing episodes", self.episodes, stretch=4)
        self.table.selectionModel().currentRowChanged.connect(self._chosen)
        self.new_button = button(self, "&Record new episode", "New episode", self.new_episode)
        self.open_button = button(
            self, "&Go to the open episode", "Go to the open episode", self.go_to_open
        )
        self.open_button.hide()
        self.heading = QLabel("", self)
        self.heading.setObjectName("heading")
        self.heading.setAccessibleName("Episode being edited")
        self.still_missing = QLabel("", self)
        self.still_missing.setObjectName("hint")
        self.still_missing.setAccessibleName("The child is missing now")
        self.still_missing.setWordWrap(True)
        self.still_missing.hide()
        now = lambda: self.now  # noqa: E731 — the session's time, read on load

        def when(name: str, optional: bool) -> DateField:
            return DateField(name, with_time=True, optional=optional, now=now, parent=self)

        self.fields = {
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
        watch(list(self.fields.values()), self.edited)
        self.save_button = button(self, "&Save episode", "Save episode", self.save)
        self._layout()

    def _layout(self) -> None:
        titles = (
            "&Type", "&Went missing", "Came &back", "Missing &from", "Reported to &police",
            "Police r&eference", "Found &at", "Found postcode", "Found w&ith",
            "Interview &offered", "Offere&d at", "A&ccepted", "Interview do&ne at", "Done b&y",
            "If not done, w&hy", "P&ush factors", "Pu&ll factors", "Har&m disclosed",
            "E&xploitation concern",
        )  # fmt: skip
        episode = QGroupBox("Episode", self)
        interview = QGroupBox("Return home interview", self)
        forms = (QFormLayout(episode), QFormLayout(interview))
        for i, (title, widget) in enumerate(zip(titles, self.fields.values(), strict=True)):
            add_row(forms[0 if i < 9 else 1], title, widget)
        body = QWidget(self)
        columns = QHBoxLayout(body)
        columns.addWidget(episode, 1)
        columns.addWidget(interview, 1)
        columns.setAlignment(episode, Qt.AlignmentFlag.AlignTop)
        scroll = QScrollArea(self)
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)

        top = QWidget(self)
        column = QVBoxLayout(top)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.table, 1)
        row = QHBoxLayout()
        row.addWidget(self.new_button)
        row.addStretch(1)
        column.addLayout(row)
        bottom = QWidget(self)
        column = QVBoxLayout(bottom)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.heading)
        column.addWidget(self.still_missing)
        column.addWidget(scroll, 1)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(top)
        splitter.addWidget(bottom)
        splitter.setSizes([200, 460])
        save_row = QHBoxLayout()
        save_row.addStretch(1)
        save_row.addWidget(self.open_button)
        save_row.addWidget(self.discard_button)
        save_row.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.message)  # the full width: it names a field and a rule
        layout.addLayout(save_row)

    # -- reading ----------------------------------------------------------------

    def read(self, repo: CaseRepository, child_id: str) -> list[Record]:
        return repo.records_for_child(child_id, "missing_episode")

    def display(self, result: list[Record]) -> None:
        result.sort(key=lambda r: str(r.data.get("start")), reverse=True)
        self._selecting = True
        self.episodes.set_records(result)
        self.take_draft(result)
        if self.current is not None:
            self.current = next((r for r in result if r.id == self.current.id), None)
        elif not self.creating and result:
            self.current = result[0]  # the newest: the open one if the child is missing
        self.table.clearSelection()
        if self.current is not None:
            self.table.selectRow(result.index(self.current))
        self._selecting = False
        if not self.dirty:  # never overwrite typing with a reload
            self.show_record(self.current)
        self._offer_open()

    def _chosen(self, index: QModelIndex, _previous: QModelIndex) -> None:
        record = self.episodes.record_at(index.row())
        if self._selecting or record is None or record is self.current:
            return
        self.flush()  # saved, or kept as this form's draft
        self.current, self.creating = record, False
        self.show_record(record)
        self._offer_open()

    def fill(self, record: Record | None, data: dict[str, Any] | None) -> None:
        d = data or (record.data if record else {"episode_type": "missing"})
        for name, widget in self.fields.items():
            top, _, part = name.partition(".")
            value = (d.get(top) or {}).get(part) if part else d.get(top)
            show_value(widget, value)
        if record is None:
            self.heading.setText("New episode")
        else:
            stored = record.data
            back = "missing now" if not stored.get("end") else f"back {moment_text(stored['end'])}"
            self.heading.setText(f"Episode from {moment_text(stored.get('start'))} · {back}")

    def _open_episode(self) -> Record | None:
        return next((r for r in self.episodes.records if is_open(r)), None)

    def _offer_open(self) -> None:
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

    # -- writing ----------------------------------------------------------------

    def new_episode(self) -> None:
        self.flush()  # saved, or kept as this form's draft
        self.current, self.creating = None, True
        self.table.clearSelection()
        self.show_record(None)  # a new episode's kept typing comes back too
        self._offer_open()
        self.fields["start"].setFocus()

    def go_to_open(self) -> None:
        """Leave the new episode (kept, if it cannot be saved) for the open one."""
        open_one = self._open_episode()
        if open_one is None:
            return
        self.flush()
        self.current, self.creating = open_one, False
        self._selecting = True
        self.table.selectRow(self.episodes.records.index(open_one))
        self._selecting = False
        self.show_record(open_one)
        self._offer_open()
        self.fields["end"].setFocus()

    def cancelled_new(self) -> None:
        records = self.episodes.records
        self.current = records[0] if records else None
        if self.current is not None:
            self._selecting = True
            self.table.selectRow(0)
            self._selecting = False
        self._offer_open()

    def form_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {RHI: {}}
        for name, widget in self.fields.items():
            value = widget_value(widget)
            top, _, part = name.partition(".")
            if part:
                data[RHI][part] = value
            else:
                data[top] = value
        return data
