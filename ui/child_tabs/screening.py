"""Exploitation risk screenings: the child's history over the screening form.

The worker picks a tool (the tools in force: resources/tools, each replaced
by the council's version when the central record serves one —
`desktop.screening.tools_in_force`), ticks its indicators by domain
and sees the tool's score and category change as they tick; then gives
their own level and their reasons, both required. The tool's category is
kept and shown beside the practitioner's level, never instead of it, and
the history says in words where the two disagree. The newest screening's
level, with its date, is the caseload's risk (`desktop.summary`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from desktop.due_dates import DEFAULT_RULES, DueRules
from desktop.repository import CaseRepository
from desktop.screening import Tool
from desktop.screening_record import (
    agreement,
    judgement_text,
    result_text,
    review_state,
    scored_indicators,
    tool_result,
)
from sync.kinds.common import RiskLevel
from sync.wire import Record
from ui.child_tabs.list_form import ListFormTab
from ui.context import AppContext
from ui.fitting import SideBySide, wrapping
from ui.labels import label
from ui.record_table import Column
from ui.screening_indicators import IndicatorsEditor
from ui.text import day_text
from ui.widgets import add_row, combo, confirm_discard, show_value, text_edit

CHOOSE_LEVEL = "Choose your level"


def tool_words(data: dict[str, Any]) -> str:
    """The tool's result as stored: 'Medium (score 7)'."""
    return result_text(data.get("tool_score"), data.get("tool_category") or "Not scored")


class ScreeningTab(ListFormTab):
    title = "Risk screenings"
    short_title = "Screening"
    kind = "assessment"
    new_noun = "screening"
    order = "date"
    stretch = 5  # the review: its whole words on hover where the list is narrow
    new_text = ("&New screening", "New screening")
    first_field = "date"
    sizes = (170, 490)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        #: where the tools come from, asked on each load (on the database
        #: thread); None: the tools in force on this laptop
        self.tool_source: Callable[[], dict[str, Tool]] | None = None
        self.tools: dict[str, Tool] = {}
        self.rules: DueRules = DEFAULT_RULES  # the due-date rules in force, read on each load
        super().__init__(ctx, parent)
        self.screenings = self.model
        self.tool_note = QLabel("", self)
        self.tool_note.setObjectName("hint")
        self.tool_note.setAccessibleName("Tool version")
        self.tool_note.setWordWrap(True)
        self.add_hint(self.tool_note)
        self.add_hint(self._result_line())
        self.indicators.sig_changed.connect(self.show_result)
        self.level.activated.connect(lambda _i: self.show_result())
        self.tool_box.activated.connect(lambda _i: self._tool_chosen())
        for when in (self.screened_on, self.review_by):
            when.sig_changed.connect(self.show_result)

    # -- the list ---------------------------------------------------------------

    def columns(self) -> list[Column]:
        return [
            Column("Screened", lambda r: day_text(r.data.get("date"), this_year=self._year)),
            Column("Tool", lambda r: r.data.get("tool_category") or "Not scored"),
            Column("Practitioner", lambda r: label(r.data.get("practitioner_level"))),
            Column("Agreement", lambda r: agreement(r.data) or "Not compared"),
            Column("By", lambda r: r.data.get("assessor") or r.updated_by),
            Column("Review", self._review_words),
        ]

    @property
    def _year(self) -> int:
        return self.now.year  # a screening this year is shown without it

    def _newest(self, record: Record) -> bool:
        """Whether `record` is the screening that speaks for the child now (as
        `desktop.summary` picks it): the newest not entered in error or closed."""
        standing = (
            r for r in self.model.records
            if not r.data.get("entered_in_error") and not r.data.get("closed")
        )  # fmt: skip
        return next(standing, None) is record

    def _review_words(self, record: Record) -> str:
        """Only the newest screening is due a review; the others were reviewed by it."""
        if record.data.get("entered_in_error"):
            return "Entered in error"
        if not self._newest(record):
            return "Screened again since"
        return review_state(record.data, self.now, self.rules, short=True)[0]

    def alert(self, record: Record) -> bool:
        return self._newest(record) and review_state(record.data, self.now, self.rules)[1]

    # -- the form ---------------------------------------------------------------

    def make_fields(self) -> dict[str, QWidget]:
        self.indicators = IndicatorsEditor(self)
        self.level = combo(self, "Your level", RiskLevel, blank=True)
        self.level.setItemText(0, CHOOSE_LEVEL)  # required: no level is chosen for the worker
        self.tool_box = combo(self, "Tool", [], blank=False)
        self.reasons = text_edit(self, "Your reasons", 96)
        self.screened_on = self.date_field("Screened on", with_time=False, optional=False)
        self.review_by = self.date_field("Review by", with_time=False, optional=True)
        return {
            "tool_id": self.tool_box,
            "date": self.screened_on,
            "indicators": self.indicators,
            "practitioner_level": self.level,
            "rationale": self.reasons,
            "review_date": self.review_by,
        }

    def form_body(self) -> QWidget:
        """The indicators beside the judgement (the tool's, then the
        worker's), or above it when both do not fit."""
        f = self.fields
        left = QWidget(self)
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        top = wrapping(QFormLayout())
        add_row(top, "&Tool", f["tool_id"])
        add_row(top, "Screened &on", f["date"])
        column.addLayout(top)
        column.addWidget(self.indicators)
        column.addStretch(1)
        judgement = QGroupBox("Your judgement", self)
        form = wrapping(QFormLayout(judgement))
        self.review_words = QLabel("", judgement)
        self.review_words.setAccessibleName("Review")
        self.review_words.setWordWrap(True)
        add_row(form, "Your &level", f["practitioner_level"])
        add_row(form, "Your &reasons", f["rationale"])
        add_row(form, "Review &by", f["review_date"])
        form.addRow("Review:", self.review_words)
        return SideBySide(left, judgement, self)

    def _result_line(self) -> QWidget:
        """The tool's category and the practitioner's level side by side, over
        the form, so both stay in sight while the indicators scroll."""
        line = QWidget(self)
        row = QHBoxLayout(line)
        row.setContentsMargins(0, 0, 0, 0)
        self.tool_result = QLabel("", line)
        bold = self.tool_result.font()
        bold.setBold(True)
        self.tool_result.setFont(bold)
        self.tool_result.setAccessibleName("Tool's category")
        self.tool_result.setWordWrap(True)  # a narrow form wraps it, never cuts it
        self.compared = QLabel("", line)
        self.compared.setAccessibleName("Tool and practitioner")
        self.compared.setWordWrap(True)
        row.addWidget(QLabel("Tool's category:", line))
        row.addWidget(self.tool_result)
        row.addSpacing(12)
        row.addWidget(self.compared, 1)
        return line

    # -- the tools --------------------------------------------------------------

    def read(self, repo: CaseRepository, child_id: str) -> Any:
        tools = self.tool_source() if self.tool_source else repo.screening_tools()
        return repo.records_for_child(child_id, self.kind), tools, repo.due_rules()

    def display(self, result: Any) -> None:
        records, tools, self.rules = result
        self._offer_tools(tools)
        super().display(records)

    def _offer_tools(self, tools: dict[str, Tool]) -> None:
        self.tools = tools
        box = self.tool_box
        shown = box.currentData()
        blocked = box.blockSignals(True)
        box.clear()
        for tool in tools.values():
            box.addItem(tool.name, tool.id)
        box.setCurrentIndex(max(0, box.findData(shown)))
        box.blockSignals(blocked)

    def _tool(self, tool_id: str | None) -> Tool | None:
        return self.tools.get(tool_id or "")

    def _tool_chosen(self) -> None:
        """A new screening's tool changed: its indicators replace the other's,
        after asking when some were ticked."""
        box = self.tool_box
        chosen = self._tool(box.currentData())
        if chosen is self.indicators.tool:
            return
        if self.indicators.value() and not confirm_discard(
            self, "Change tool", "Change the tool? The indicators you ticked will be cleared."
        ):
            previous = self.indicators.tool
            show_value(box, previous.id if previous else None)
            return
        self.indicators.set_tool(chosen)
        self.show_result()

    def fill(self, record: Record | None, data: dict[str, Any] | None) -> None:
        first = next(iter(self.tools), None)
        values = data or (record.data if record else {"tool_id": first})
        self.indicators.set_tool(self._tool(values.get("tool_id")))
        super().fill(record, values)

    def filled(self, record: Record | None) -> None:
        super().filled(record)
        # A stored screening's tool stays its own; a new one's may be chosen.
        self.tool_box.setEnabled(record is None)
        self.tool_box.setToolTip(self.tool_box.currentText())  # set while its signals were blocked
        self.show_result()

    def form_data(self) -> dict[str, Any]:
        data = super().form_data()
        tool = self._tool(data.get("tool_id"))
        if tool is not None:
            data.update(tool_result(tool, data.get("indicators") or []))
        stored = self.current.data.get("assessor") if self.current else None
        data["assessor"] = stored or self.ctx.session.worker
        return data

    # -- what the form says as the worker ticks -----------------------------------

    def show_result(self) -> None:
        """The tool's score and category for what is ticked now, the
        practitioner's level compared with it, and when the review falls."""
        data = super().form_data()
        tool = self._tool(data.get("tool_id"))
        if tool is None:
            self.tool_result.setText("No tool chosen")
            self.tool_note.setText("")
        elif self.current is not None and not self.dirty:
            # A stored screening says what it stored, as its row does: the
            # tool's version then may not be the one this laptop has now.
            data.update({k: self.current.data.get(k) for k in ("tool_score", "tool_category")})
            self.tool_result.setText(tool_words(data))
            self.tool_note.setText(self._version_words(tool, data.get("indicators") or []))
        else:
            ticked = data.get("indicators") or []
            scored = tool_result(tool, ticked)
            self.tool_result.setText(result_text(scored["tool_score"], scored["tool_category"]))
            self.tool_note.setText(self._version_words(tool, ticked))
            data.update(scored)
        words = agreement(data)
        self.compared.setText(
            judgement_text(data) if words else "Choose your level to compare it with the tool's"
        )
        state, _late = review_state(data, self.now, self.rules)
        rule = self.rules.timescale_rule("assessment_review")
        self.review_words.setText(f"{state} · {rule}" if state and rule else state)

    def _version_words(self, tool: Tool, ticked: list[dict[str, Any]]) -> str:
        said = f"{tool.name}, version {tool.version}."
        stored = self.current.data.get("tool_version") if self.current else None
        if stored and stored != tool.version:
            said += (
                f" This screening was scored with version {stored}; saving it scores it"
                f" again with version {tool.version}."
            )
        unscored = len(ticked) - len(scored_indicators(tool, ticked))
        if unscored:
            said += f" {unscored} indicator(s) from another version are kept but not scored."
        elif self.current is not None and not ticked and self.current.data.get("tool_score"):
            said += " The indicators behind this score were not recorded with it."
        return said

    def heading_for(self, record: Record | None) -> str:
        if record is None:
            return "New screening"
        return f"Screening of {day_text(record.data.get('date'))} · {judgement_text(record.data)}"
