"""Case supervision: what the manager and the worker discussed about the
child, what they decided, the actions and who owns each, and when the next
supervision is due by the council's rule (`case_supervision_weeks` in the
due-date rules; `desktop.due_dates.DueRules.supervision_due`)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QFormLayout, QLabel, QWidget

from desktop.due_dates import DEFAULT_RULES, DueRules, is_overdue
from desktop.england import today_in_england
from desktop.repository import CaseRepository
from sync.wire import Record
from ui.child_tabs.managed import ManagersForm
from ui.fitting import wrapping
from ui.parts_editor import PartsEditor
from ui.record_table import Column
from ui.text import day_text
from ui.widgets import add_row, line_edit, text_edit

ACTION_COLUMNS = (("action", "Action"), ("owner", "Owner"), ("due", "Due by"))


def next_due_text(rules: DueRules, records: list[Record], now: Any) -> str:
    """'Next case supervision due Tue 16 Jun 2026 (every 6 weeks)', or overdue."""
    kept = [r for r in records if not r.data.get("entered_in_error")]
    last = max(kept, key=lambda r: str(r.data.get("date")), default=None)
    today = today_in_england(now)
    due = rules.supervision_due(last.data if last else None, today)
    if due is None:
        return ""
    rule = rules.timescale_rule("supervision") or ""
    if last is None:
        return f"No case supervision recorded yet: one is due now ({rule.lower()})."
    if is_overdue("supervision", due, today):
        return f"Case supervision overdue (due {day_text(due)}; {rule.lower()})."
    return f"Next case supervision due {day_text(due)} ({rule.lower()})."


class SupervisionTab(ManagersForm):
    title = "Case supervision"
    short_title = "Supervision"
    kind = "case_supervision"
    new_noun = "supervision"
    none_yet = "No case supervision is recorded for this child yet."
    order = "date"
    stretch = 2
    new_text = ("&Record supervision", "New case supervision")
    first_field = "discussion"
    titles = ("Da&te", "Super&visor", "With (&worker)", "Disc&ussion", "Dec&isions")
    sizes = (140, 520)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rules: DueRules = DEFAULT_RULES
        self.next_due = QLabel("", self)
        self.next_due.setWordWrap(True)
        self.next_due.setAccessibleName("Next case supervision due")
        self.add_hint(self.next_due)

    def columns(self) -> list[Column]:
        return [
            Column("Date", lambda r: day_text(r.data.get("date"))),
            Column("Supervisor", lambda r: r.data.get("supervisor") or ""),
            Column("Decisions", lambda r: (r.data.get("decisions") or "").split("\n")[0]),
            Column("Actions", lambda r: str(len(r.data.get("actions") or []))),
        ]

    def make_fields(self) -> dict[str, QWidget]:
        self.action_rows = PartsEditor(
            "Actions and their owners", ACTION_COLUMNS, add_text="Add &action",
            days=frozenset({"due"}), parent=self,
        )  # fmt: skip
        return {
            "date": self.date_field("Date", with_time=False, optional=False),
            "supervisor": line_edit(self, "Supervisor"),
            "supervisee": line_edit(self, "With (worker)"),
            "discussion": text_edit(self, "Discussion", 80),
            "decisions": text_edit(self, "Decisions", 80),
            "actions": self.action_rows,
        }

    def form_body(self) -> QWidget:
        body = QWidget(self)
        form = wrapping(QFormLayout(body))
        for title, name in zip(self.titles, list(self.fields)[:5], strict=True):
            add_row(form, title, self.fields[name])
        add_row(form, "Actions and o&wners", self.action_rows)
        return body

    def read_more(self, repo: CaseRepository, child_id: str) -> DueRules:
        return repo.due_rules()  # the council's, as served

    def show_more(self, more: DueRules, records: list[Record]) -> None:
        self.rules = more
        self.next_due.setText(next_due_text(more, records, self.now))

    def fill(self, record: Record | None, data: dict[str, Any] | None) -> None:
        if record is None and data is None and self.creating:
            data = {
                "date": today_in_england(self.now).isoformat(),
                "supervisor": self.ctx.session.worker,
            }
        super().fill(record, data)

    def heading_for(self, record: Record | None) -> str:
        if record is None:
            return "New case supervision"
        return f"Case supervision of {day_text(record.data.get('date'))}"
