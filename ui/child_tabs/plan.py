"""The risk-management plan: its text, risk levels and review date, and the
actions table (owner agency, due date, status; overdue in words and colour).

Actions are separate `plan_action` records (linked by `plan_id`) so each
agency can update its own without colliding with the others.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop.drafts import Draft
from desktop.due_dates import action_is_open, is_overdue, plan_review_due
from desktop.england import today_in_england
from desktop.repository import CaseRepository, NotSaved
from sync.kinds.casework import PlanStatus, PlanType
from sync.kinds.common import RiskLevel
from sync.wire import Record
from ui.child_tabs.form_tab import FormTab
from ui.child_tabs.plan_actions import ACTION, ActionDialog, ActionsModel, meeting_words
from ui.context import AppContext
from ui.labels import label
from ui.printing import export_plan_pdf
from ui.record_table import ALERT_COLOUR, table_view
from ui.share_dialog import ShareDialog
from ui.sharing import plan_shareable, share
from ui.text import day_text
from ui.widgets import add_row, button, combo, text_edit, watch

# (field, title with its mnemonic) in the order the plan is read aloud.
PLAN_TEXT = (
    ("risks", "&Risks and indicators"),
    ("worries", "&Worries"),
    ("working_well", "What is wor&king well"),
    ("protective_factors", "&Protective factors"),
    ("contingency", "Contin&gency"),
    ("child_views", "C&hild's views"),
    ("parent_views", "P&arents' views"),
)


def is_open(plan: Record) -> bool:
    d = plan.data
    return d.get("status") != "closed" and not d.get("closed") and not d.get("entered_in_error")


def plan_line(plan: Record) -> str:
    d = plan.data
    review = f" · review {day_text(d.get('review_date'))}" if d.get("review_date") else ""
    return f"{label(d.get('plan_type'))} plan · {label(d.get('status'))}{review}"


class PlanTab(FormTab):
    title = "Risk-management plan"
    short_title = "Plan"
    kind = "plan"
    new_noun = "plan"
    blank = {"plan_type": "exploitation", "status": "draft"}
    also_shown = (ACTION,)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.plans: list[Record] = []
        self.dialog: ActionDialog | None = None
        self._all_actions: list[Record] = []

        self.plan_box = combo(self, "Plan shown", [], blank=False)
        self.plan_box.activated.connect(self._choose_plan)
        self.new_type = combo(self, "Type for a new plan", PlanType, blank=False)
        self.new_button = button(self, "&New plan", "New plan", self.new_plan)
        self.pdf_button = button(self, "Export to PD&F…", "Export plan to PDF", self.export_pdf)
        self.share_button = button(
            self, "Share…", "Share plan with another agency", lambda: self.share()
        )
        self.share_button.setToolTip(
            "Share the plan with another agency: a PDF, recorded on the Sharing tab"
        )
        self.review = QLabel("", self)
        self.review.setAccessibleName("Plan review")
        self.review.setWordWrap(True)  # beside the new-plan choice: never clipped
        self.plan_type = combo(self, "Plan type", PlanType, blank=False)
        self.status = combo(self, "Status", PlanStatus, blank=False)
        self.risk_start = combo(self, "Risk at start", RiskLevel, blank=True)
        self.risk_now = combo(self, "Risk now", RiskLevel, blank=True)
        self.review_date = self.date_field("Review date", with_time=False, optional=True)
        self.texts = {name: text_edit(self, title.replace("&", "")) for name, title in PLAN_TEXT}
        self.fields = {
            "plan_type": self.plan_type, "status": self.status,
            "risk_level_start": self.risk_start, "risk_level_now": self.risk_now,
            "review_date": self.review_date, **self.texts,
        }  # fmt: skip
        watch(list(self.fields.values()), self.edited)

        self.action_model = ActionsModel(self)
        self.table = table_view(self, "Plan actions", self.action_model)
        self.table.doubleClicked.connect(lambda _i: self.edit_action())
        self.add_action = button(self, "Add a&ction…", "Add action", self.new_action)
        self.edit_button = button(self, "&Edit action…", "Edit action", self.edit_action)
        self.complete = button(self, "&Mark complete", "Mark action complete", self.complete_action)
        self._layout()

    def _layout(self) -> None:
        top = QHBoxLayout()
        add = QLabel("P&lan:", self)
        add.setBuddy(self.plan_box)
        kind = QLabel("T&ype for a new plan:", self)
        kind.setBuddy(self.new_type)
        # The plan shown has the line to itself ("Child protection p" was
        # clipped beside the new-plan choice), with its PDF export; a new
        # plan is made on the line under it, beside when the review is due.
        top.addWidget(add)
        top.addWidget(self.plan_box, 1)
        top.addWidget(self.pdf_button)
        top.addWidget(self.share_button)
        making = QHBoxLayout()
        making.addWidget(self.review, 1)
        for w in (kind, self.new_type, self.new_button):
            making.addWidget(w)

        form = QWidget(self)
        grid = QGridLayout(form)
        left, right = QFormLayout(), QFormLayout()
        add_row(left, "Plan &type", self.plan_type)
        add_row(left, "Stat&us", self.status)
        add_row(left, "Re&view date", self.review_date)
        add_row(right, "R&isk at start", self.risk_start)
        add_row(right, "Risk n&ow", self.risk_now)
        grid.addLayout(left, 0, 0)
        grid.addLayout(right, 0, 1)
        for i, (name, title) in enumerate(PLAN_TEXT):
            box = QVBoxLayout()
            caption = QLabel(title + ":", form)
            caption.setBuddy(self.texts[name])
            box.addWidget(caption)
            box.addWidget(self.texts[name])
            grid.addLayout(box, 1 + i // 2, i % 2)
        scroll = QScrollArea(self)
        scroll.setWidget(form)
        scroll.setWidgetResizable(True)

        actions = QWidget(self)
        column = QVBoxLayout(actions)
        column.setContentsMargins(0, 0, 0, 0)
        heading = QLabel("Actions", actions)
        heading.setObjectName("heading")
        column.addWidget(heading)
        column.addWidget(self.table, 1)
        row = QHBoxLayout()
        for w in (self.add_action, self.edit_button, self.complete):
            row.addWidget(w)
        row.addStretch(1)
        column.addLayout(row)

        self.lay_out(scroll, actions, sizes=(380, 240), above=(top, making))

    # -- reading ----------------------------------------------------------------

    def read(
        self, repo: CaseRepository, child_id: str
    ) -> tuple[list[Record], list[Record], list[Draft], list[Record]]:
        return (
            repo.records_for_child(child_id, "plan"),
            repo.records_for_child(child_id, "plan_action"),
            repo.drafts_for_child(child_id, ACTION),
            repo.records_for_child(child_id, "meeting"),
        )

    def display(self, result: tuple[list[Record], list[Record], list[Draft], list[Record]]) -> None:
        plans, actions, action_drafts, meetings = result
        self.action_model.meetings = {str(m.id): meeting_words(m) for m in meetings}
        # Open plans first, newest first: the open one is the one being worked.
        plans.sort(key=lambda p: str(p.updated_at), reverse=True)
        self.plans = sorted(plans, key=lambda p: not is_open(p))
        self.take_draft(self.plans)
        keep = self.current and next((p for p in self.plans if p.id == self.current.id), None)
        self.current = keep or (self.plans[0] if self.plans else None)
        # With no plan yet the form is a new plan's: its kept typing comes back.
        self.creating = self.current is None
        self.plan_box.clear()
        for plan in self.plans:
            self.plan_box.addItem(plan_line(plan), str(plan.id))
        if not self.plans:
            self.plan_box.addItem("No plan yet: save this form to start one", None)
        self.plan_box.setCurrentIndex(self.plans.index(self.current) if self.current else 0)
        if not self.dirty:  # never overwrite typing with a reload
            self.show_record(self.current)
        self._all_actions = actions
        self._show_actions()
        if action_drafts and self.dialog is None:  # an action's kept typing comes back
            self._reopen_action(action_drafts[0], actions)

    def _update_discard(self) -> None:
        super()._update_discard()
        if self.current is None and not self.dirty:  # nothing to cancel: no plan yet
            self.discard_button.setEnabled(False)

    def _show_actions(self) -> None:
        plan_id = str(self.current.id) if self.current else None
        mine = [a for a in self._all_actions if a.data.get("plan_id") == plan_id]
        mine.sort(key=lambda a: (not action_is_open(a.data),
                                 str(a.data.get("due_date") or "9999")))  # fmt: skip
        self.action_model.today = self.now
        self.action_model.pending = self.pending
        self.action_model.set_records(mine)
        buttons = (self.add_action, self.edit_button, self.complete, self.pdf_button,
                   self.share_button)  # fmt: skip
        for button_ in buttons:
            button_.setEnabled(self.current is not None)
        due = plan_review_due(self.current.data) if self.current else None
        if due is None:
            self.review.setText("No review date set" if self.current else "")
            self.review.setStyleSheet("")
        elif is_overdue("plan_review", due, self.now):
            self.review.setText(f"⚠ Plan review overdue: it was due {day_text(due)}")
            self.review.setStyleSheet(f"color: {ALERT_COLOUR}; font-weight: bold")
        else:
            self.review.setText(f"Plan review due {day_text(due)}")
            self.review.setStyleSheet("")

    def _choose_plan(self, index: int) -> None:
        chosen = self.plans[index] if 0 <= index < len(self.plans) else None
        if chosen is not None and chosen is not self.current:
            self.flush()  # saved, or kept as this plan's draft
            self.current, self.creating = chosen, False
            self.show_record(chosen)
            self._show_actions()

    # -- writing ----------------------------------------------------------------

    def new_plan(self) -> None:
        """Start a new plan of the chosen type (a draft, stored at once)."""
        if self.child_id is None:
            return
        self.flush()  # saved, or kept as this plan's draft
        child_id = self.child_id
        data = {"plan_type": self.new_type.currentData(), "status": "draft",
                "start_date": today_in_england(self.now).isoformat()}  # fmt: skip

        def created(record: Record) -> None:
            self.current, self.creating = record, False
            self.pending.add(str(record.id))  # stored here; the outbox sends it
            self.show_record(record)
            self._show_actions()
            self.sig_saved.emit(str(record.id))

        self.write(lambda repo: repo.create("plan", data, child_id=child_id), created)

    def export_pdf(self) -> None:
        """The plan as stored, with its actions by agency, to a PDF; typing
        in the form is stored first (saved, or kept as a draft)."""
        self.flush()
        if self.current is not None:
            export_plan_pdf(self, self.ctx, self.current)

    def share(self, path: Path | None = None) -> ShareDialog | None:
        """The plan as stored, with its actions, to another agency: the Share
        dialog, its PDF and the sharing record (`ui.sharing`)."""
        self.flush()
        if self.current is None:
            return None
        plan_id = str(self.current.id)
        actions = [str(a.id) for a in self._all_actions if a.data.get("plan_id") == plan_id]
        item = plan_shareable(self, self.ctx, self.current, actions)
        return share(self, self.ctx, item, path=path)

    # -- actions ----------------------------------------------------------------

    def chosen_action(self) -> Record | None:
        return self.action_model.record_at(self.table.currentIndex().row())

    def new_action(self) -> None:
        self._open_dialog(None)

    def edit_action(self) -> None:
        action = self.chosen_action()
        if action is not None:
            self._open_dialog(action)

    def _open_dialog(self, action: Record | None, draft: Draft | None = None) -> None:
        if self.current is None:
            return
        self.dialog = ActionDialog(
            self, action, now=lambda: self.now, save=self._save_action, draft=draft
        )
        self.dialog.finished.connect(lambda _r, d=self.dialog: self._dialog_closed(d))
        self.dialog.open()  # window-modal, not a nested event loop

    def _reopen_action(self, draft: Draft, actions: list[Record]) -> None:
        action = next((a for a in actions if str(a.id) == draft.record_id), None)
        plan_id = draft.data.get("plan_id")
        plan = next((p for p in self.plans if str(p.id) == plan_id), None)
        if plan is not None and plan is not self.current and not self.dirty:
            self.current = plan
            self.show_record(plan)
            self._show_actions()
        self._open_dialog(action, draft)

    def _dialog_closed(self, dialog: ActionDialog) -> None:
        if dialog.result() == QDialog.DialogCode.Rejected and dialog.kept:
            key = str(dialog.action.id) if dialog.action else None
            repo, child_id = self.ctx.session.repo, self.child_id
            if child_id is not None:
                self.ctx.db(lambda: repo.drop_draft(ACTION, child_id, key)).run()
        if self.dialog is dialog:
            self.dialog = None

    def _action_job(self, dialog: ActionDialog) -> Callable[[], Record | NotSaved] | None:
        plan, child_id = self.current, self.child_id
        if plan is None or child_id is None:
            return None
        data = {**dialog.data(), "plan_id": str(plan.id)}
        action, repo = dialog.action, self.ctx.session.repo
        key = str(action.id) if action else None
        if action is None:
            fn = lambda r: r.create(ACTION, data, child_id=child_id)  # noqa: E731
        else:
            fn = lambda r: r.update(action.id, data)  # noqa: E731
        return lambda: repo.save_or_keep(ACTION, child_id, key, data, fn)

    def _save_action(self, dialog: ActionDialog) -> None:
        job = self._action_job(dialog)
        if job is None:
            return

        def answered(result: Record | NotSaved) -> None:
            if not dialog.answered(result):
                return
            self.sig_saved.emit(str(result.id))
            if self.child_id is not None:
                self.ctx.events.sig_records_changed.emit(self.child_id)
                self.ctx.events.sig_local_edit.emit()

        self.ctx.db(job).success(answered).run()

    def flush(self) -> None:
        """The plan's typing, and an action being typed in the dialog."""
        super().flush()
        dialog = self.dialog
        if dialog is not None and dialog.isVisible() and dialog.changed:
            job = self._action_job(dialog)
            if job is not None:
                dialog.answered(self.ctx.tasks.db_now(job))

    def complete_action(self) -> None:
        action = self.chosen_action()
        if action is None:
            return
        changes = {"status": "completed", "completed_date": today_in_england(self.now).isoformat()}
        self.write(lambda repo: repo.update(action.id, changes), self._action_saved)

    def _action_saved(self, record: Record) -> None:
        self.sig_saved.emit(str(record.id))
