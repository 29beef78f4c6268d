"""The screens word a due date's timescale from the rules in force, not the
bundled defaults: a council's own timescales read as they are (issue 16,
item 6). The plain functions, then the caseload panel over a store holding
a council's version; tests/sync/test_council_rules_sync.py syncs one."""

from __future__ import annotations

from datetime import UTC, date, datetime

from PySide6.QtCore import Qt

from desktop.council_rules import keep_served
from desktop.due_dates import DueRules
from desktop.summary import ChildSummary
from sync.wire import CouncilRules
from tests.helpers import CHILD, db
from ui.caseload_model import Col, due_tip, header_tip, make_row
from ui.caseload_panel import CaseloadPanel
from ui.child_tabs.missing import interview_state
from ui.child_tabs.summary import SummaryFacts, summary_html

COUNCIL = DueRules(
    {"statutory_visits": {"cp": {"every_working_days": 5}}, "return_home_interview_hours": 48}
)
NOW = datetime(2026, 7, 20, 9, 0, tzinfo=UTC)  # 10:00 in England


def _summary() -> ChildSummary:
    return ChildSummary("c1", "Ada Quill", None, "cp", None, [], False, False, False, None,
                        date(2026, 7, 27), None, None, None, 0, 0, 0, 0, 0)  # fmt: skip


def test_the_caseload_tips_name_the_councils_timescales():
    row = make_row(_summary(), NOW.date(), COUNCIL)
    assert due_tip(row, Col.next_visit) == (
        "Mon 27 Jul 2026\nChild protection: every 5 working days"
    )
    assert "Child protection: every 5 working days" in (header_tip(Col.next_visit, COUNCIL) or "")
    assert "within 48 hours" in (header_tip(Col.interview, COUNCIL) or "")
    # Without the council's rules: the bundled ones.
    assert "every 10 working days" in (
        due_tip(make_row(_summary(), NOW.date()), Col.next_visit) or ""
    )


def test_the_summary_tab_words_its_due_dates_with_the_rules_in_force():
    facts = SummaryFacts(
        {"legal_status": "cp"}, _summary(), [], [("visit", "2026-07-27")], NOW, rules=COUNCIL
    )
    assert "Child protection: every 5 working days" in summary_html(facts)


def test_the_missing_tab_counts_the_interview_from_the_councils_hours():
    back = {"start": "2026-07-17T08:00:00+00:00", "end": "2026-07-17T10:00:00+00:00"}
    # 48 hours after the return is Sunday 19 July, 11:00 in England: late by now.
    text, late = interview_state(back, NOW, COUNCIL)
    assert late and "Sun 19 Jul 2026 11:00" in text
    text, late = interview_state(back, NOW)  # the bundled 72 hours: not yet
    assert not late and "Mon 20 Jul 2026 11:00" in text


def test_the_caseload_panel_shows_the_councils_due_date_once_the_rules_are_kept(qtbot, ctx):
    db(ctx, lambda r: r.create("child", dict(CHILD)))  # cp since Mon 5 Jan 2026
    panel = CaseloadPanel(ctx)
    qtbot.addWidget(panel)
    panel.show()
    with qtbot.waitSignal(panel.sig_loaded, timeout=5000):
        panel.reload()
    cell = panel.model.index(0, Col.next_visit)
    assert panel.model.data(cell) == "Mon 19 Jan"  # 10 working days
    served = CouncilRules(
        version=4,
        loaded_at=NOW,
        loaded_by="ops",
        due_rules={"statutory_visits": {"cp": {"every_working_days": 5}}},
        tools=[],
    )

    def keep(repo) -> bool:
        with repo.store.transaction() as conn:
            return keep_served(conn, served)

    assert db(ctx, keep)
    with qtbot.waitSignal(panel.sig_loaded, timeout=5000):
        panel.reload()
    cell = panel.model.index(0, Col.next_visit)
    assert panel.model.data(cell) == "Mon 12 Jan"
    tip = panel.model.data(cell, Qt.ItemDataRole.ToolTipRole)
    assert tip.endswith("Child protection: every 5 working days")
