"""The actions a meeting agreed: plan actions (`plan_action` records) each
owned by an agency with a due date, made from the meeting and pointing at it
(`meeting_id`), so they show on the plan tab and the plan's PDF as every
other action does, and on the meeting's minutes.

An action belongs to a plan: it goes on the child's open plan (the newest
one not closed). A child with no open plan has none to put it on, and the
panel says so rather than making one up.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from desktop.exports import meeting_actions
from desktop.repository import NotSaved
from sync.wire import Record
from ui.child_tabs.plan import is_open
from ui.child_tabs.plan_actions import ACTION, ActionDialog, ActionsModel
from ui.record_table import table_view
from ui.widgets import button, message_label, show_message

if TYPE_CHECKING:
    from ui.child_tabs.meetings import MeetingsTab

NO_PLAN = (
    "An action goes on the child's plan, and the child has no open plan: start one on the"
    " Plan tab, then add the meeting's actions here."
)
SAVE_FIRST = "Save the meeting first, then add the actions it agreed."


def open_plan(plans: list[Record]) -> Record | None:
    """The plan a meeting's actions go on: the newest open one."""
    live = [p for p in plans if is_open(p)]
    return max(live, key=lambda p: str(p.data.get("start_date") or ""), default=None)


class MeetingActions(QWidget):
    """The table of the shown meeting's actions, with Add and Edit."""

    def __init__(self, tab: MeetingsTab) -> None:
        super().__init__(tab)
        self.tab = tab
        self.all_actions: list[Record] = []  # every action of the child (read on load)
        self.plans: list[Record] = []
        self.dialog: ActionDialog | None = None
        self.model = ActionsModel(self)
        self.table = table_view(self, "Actions agreed at this meeting", self.model, stretch=0)
        self.table.setMinimumHeight(110)
        headers = [column.header for column in self.model.columns]
        self.table.hideColumn(headers.index("Agreed at"))  # this meeting, every one
        self.table.doubleClicked.connect(lambda _index: self.edit_action())
        self.add_button = button(self, "Add acti&on…", "Add an action agreed at the meeting",
                                 self.add_action)  # fmt: skip
        self.edit_button = button(self, "Edit action…", "Edit the chosen action",
                                  self.edit_action)  # fmt: skip
        self.message = message_label(self, "Meeting actions: problem")
        caption = QLabel("Actions agreed (each on the child's plan):", self)
        caption.setBuddy(self.table)
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addWidget(self.edit_button)
        row.addStretch(1)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(caption)
        column.addWidget(self.table, 1)
        column.addWidget(self.message)
        column.addLayout(row)

    def read(self, actions: list[Record], plans: list[Record], pending: set[str]) -> None:
        self.all_actions, self.plans = actions, plans
        self.model.pending = pending
        self.show_meeting(self.tab.current)

    def show_meeting(self, meeting: Record | None) -> None:
        self.model.today = self.tab.now
        mine = meeting_actions(self.all_actions, str(meeting.id)) if meeting else []
        self.model.set_records(mine)
        self.message.hide()

    def _say_why_not(self) -> Record | None:
        """The plan for a new action, or None having said why there is none."""
        if self.tab.current is None:
            show_message(self.message, SAVE_FIRST)
            return None
        plan = open_plan(self.plans)
        if plan is None:
            show_message(self.message, NO_PLAN)
        return plan

    def add_action(self) -> None:
        self.tab.flush()  # the meeting as typed is stored (or kept) first
        if self._say_why_not() is not None:
            self._open(None)

    def edit_action(self) -> None:
        action = self.model.record_at(self.table.currentIndex().row())
        if action is not None:
            self._open(action)

    def _open(self, action: Record | None) -> None:
        now: Callable[[], datetime] = lambda: self.tab.now  # noqa: E731
        self.dialog = ActionDialog(self.tab, action, now=now, save=self._save)
        self.dialog.finished.connect(lambda _r, d=self.dialog: self._closed(d))
        self.dialog.open()  # window-modal, not a nested event loop

    def _closed(self, dialog: ActionDialog) -> None:
        """Cancelled after a refusal: its kept typing goes too (as on the plan tab)."""
        child_id = self.tab.child_id
        if dialog.result() == QDialog.DialogCode.Rejected and dialog.kept and child_id:
            key, repo = str(dialog.action.id) if dialog.action else None, self.tab.ctx.session.repo
            self.tab.ctx.db(lambda: repo.drop_draft(ACTION, child_id, key)).run()
        if self.dialog is dialog:
            self.dialog = None

    def _job(self, dialog: ActionDialog) -> Callable[[], Record | NotSaved] | None:
        meeting, child_id = self.tab.current, self.tab.child_id
        action = dialog.action
        plan_id = action.data.get("plan_id") if action else None
        if plan_id is None:
            plan = open_plan(self.plans)
            plan_id = str(plan.id) if plan else None
        if meeting is None or child_id is None or plan_id is None:
            return None
        data: dict[str, Any] = {**dialog.data(), "plan_id": plan_id, "meeting_id": str(meeting.id)}
        repo, key = self.tab.ctx.session.repo, str(action.id) if action else None
        if action is None:
            fn = lambda r: r.create(ACTION, data, child_id=child_id)  # noqa: E731
        else:
            fn = lambda r: r.update(action.id, data)  # noqa: E731
        return lambda: repo.save_or_keep(ACTION, child_id, key, data, fn)

    def _save(self, dialog: ActionDialog) -> None:
        job = self._job(dialog)
        if job is None:
            return
        tab = self.tab

        def answered(result: Record | NotSaved) -> None:
            if not dialog.answered(result):
                return
            tab.sig_saved.emit(str(result.id))
            if tab.child_id is not None:
                tab.ctx.events.sig_records_changed.emit(tab.child_id)
                tab.ctx.events.sig_local_edit.emit()

        tab.ctx.db(job).success(answered).run()

    def flush(self) -> None:
        """An action being typed in the dialog is stored (or kept) too."""
        dialog = self.dialog
        if dialog is not None and dialog.isVisible() and dialog.changed:
            job = self._job(dialog)
            if job is not None:
                dialog.answered(self.tab.ctx.tasks.db_now(job))
