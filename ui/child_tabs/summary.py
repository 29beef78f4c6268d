"""Summary: who the child is, what needs attention, who else is involved, what is due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from desktop.due_dates import DEFAULT_RULES, is_overdue
from desktop.summary import ChildSummary
from sync.kinds import display_name
from ui.caseload_model import flags_text, overdue_text
from ui.child_tabs.base import ChildTab
from ui.context import AppContext
from ui.labels import label
from ui.text import when_text

DUE_WORDS = {
    "visit": "Statutory visit",
    "rhi": "Return home interview",
    "recording": "Visit note to finish",
    "plan_review": "Plan review",
    "assessment_review": "Assessment review",
    "action": "Plan action",
}


def timescale_html(what: str, legal_status: str | None) -> str:
    """The rule behind a due date, on its own line under it."""
    words = DEFAULT_RULES.timescale_rule(what, legal_status)
    return f"<br><span style='color:#4a5563'>{escape(words)}</span>" if words else ""


@dataclass
class SummaryFacts:
    child: dict
    summary: ChildSummary | None
    involved: list[dict]
    due: list[tuple[str, str]]  # (what, due)
    now: datetime


def read_summary(ctx: AppContext, child_id: str) -> SummaryFacts:
    """On the database thread: everything the Summary tab shows."""
    repo, now = ctx.session.repo, ctx.session.now()
    child = repo.get(child_id)
    summary = repo.child_summary(child_id, now)
    involved = [
        r.data for r in repo.records_for_child(child_id, "involvement") if not r.data.get("end")
    ]
    due = repo.due_items(child_id)
    return SummaryFacts(child.data if child else {}, summary, involved, due, now)


def summary_html(f: SummaryFacts) -> str:
    c, s = f.child, f.summary
    facts = [
        ("Date of birth", when_text(str(c.get("date_of_birth") or ""))),
        ("Legal status", label(c.get("legal_status"))),
        ("Risk level", (label(s.risk_level) or "Not assessed") if s else ""),
        ("Area", c.get("address_area") or ""),
        ("NHS number", (c.get("identifiers") or {}).get("nhs_number") or ""),
    ]
    alerts = [a for a in (flags_text(s) if s else "").split(" · ") if a]
    alerts += [escape(a) for a in c.get("visitor_alerts", [])]
    if s and overdue_text(s):
        alerts.append("Overdue: " + overdue_text(s).lstrip("⚠ "))
    rows = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in facts if v)
    alert_html = "".join(f"<li><b>⚠ {escape(a)}</b></li>" for a in alerts) or "<li>No alerts</li>"
    people = (
        "".join(
            f"<li>{escape(p.get('name', ''))} — {escape(label(p.get('agency')))}"
            f"{' · ' + escape(p['role']) if p.get('role') else ''}"
            f"{' · ' + escape(p['phone']) if p.get('phone') else ''}</li>"
            for p in f.involved
        )
        or "<li>None recorded</li>"
    )
    dues = (
        "".join(
            f"<li>{escape(DUE_WORDS.get(what, what))}: {escape(when_text(due))}"
            f"{' — <b>OVERDUE</b>' if is_overdue(what, due, f.now) else ''}"
            f"{timescale_html(what, c.get('legal_status'))}</li>"
            for what, due in f.due
        )
        or "<li>Nothing due</li>"
    )
    return (
        f"<h2>{escape(display_name(c))}</h2><table cellpadding='2'>{rows}</table>"
        f"<h3>Alerts</h3><ul>{alert_html}</ul>"
        f"<h3>Due dates</h3><ul>{dues}</ul>"
        f"<h3>Professionals and agencies involved</h3><ul>{people}</ul>"
    )


class SummaryTab(ChildTab):
    title = "Summary"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.text = QLabel("", self)
        self.text.setAccessibleName("Child summary")
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setWordWrap(True)
        self.text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.text.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByKeyboard
            | Qt.TextInteractionFlag.TextSelectableByMouse
        )
        scroll = QScrollArea(self)
        scroll.setWidget(self.text)
        scroll.setWidgetResizable(True)
        scroll.setAccessibleName("Child summary")
        layout = QVBoxLayout(self)
        layout.addWidget(scroll)

    def load(self, child_id: str) -> None:
        super().load(child_id)
        self.ctx.db(lambda: read_summary(self.ctx, child_id)).success(self._show).run()

    def _show(self, facts: SummaryFacts) -> None:
        self.text.setText(summary_html(facts))
        self.sig_loaded.emit()
