"""Summary: who the child is, what needs attention, who else is involved, what is due."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from html import escape

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop.due_dates import DEFAULT_RULES, DueRules, is_overdue
from desktop.summary import ChildSummary
from sync.kinds import display_name
from ui.caseload_model import flags_text, overdue_text, risk_text
from ui.child_tabs.base import ChildTab
from ui.child_tabs.child_places import ChildPlacesForm
from ui.child_tabs.missing_profile import MissingProfileForm, profile_html
from ui.child_tabs.summary_people import people_html, read_family
from ui.context import AppContext
from ui.labels import label
from ui.text import when_text

DUE_WORDS = {
    "visit": "Statutory visit",
    "rhi": "Return home interview",
    "recording": "Visit note to finish",
    "plan_review": "Plan review",
    "assessment_review": "Screening review",
    "action": "Plan action",
}


def timescale_html(what: str, legal_status: str | None, rules: DueRules = DEFAULT_RULES) -> str:
    """The rule behind a due date, on its own line under it."""
    words = rules.timescale_rule(what, legal_status)
    return f"<br><span style='color:#4a5563'>{escape(words)}</span>" if words else ""


@dataclass
class SummaryFacts:
    child: dict
    summary: ChildSummary | None
    involved: list[dict]
    due: list[tuple[str, str]]  # (what, due)
    now: datetime
    family: list[dict] = field(default_factory=list)  # ui.child_tabs.summary_people
    # The rules in force: the due dates' timescales.
    rules: DueRules = field(default_factory=lambda: DEFAULT_RULES)


def read_summary(ctx: AppContext, child_id: str) -> SummaryFacts:
    """On the database thread: everything the Summary tab shows."""
    repo, now = ctx.session.repo, ctx.session.now()
    child = repo.get(child_id)
    summary = repo.child_summary(child_id, now)
    involved = [
        r.data for r in repo.records_for_child(child_id, "involvement") if not r.data.get("end")
    ]
    due = repo.due_items(child_id)
    family = read_family(repo, child_id)
    return SummaryFacts(
        child.data if child else {},
        summary,
        involved,
        due,
        now,
        family=family,
        rules=repo.due_rules(),
    )


def summary_html(f: SummaryFacts) -> str:
    c, s = f.child, f.summary
    facts = [
        ("Date of birth", when_text(str(c.get("date_of_birth") or ""))),
        ("Legal status", label(c.get("legal_status"))),
        ("Risk level", risk_text(s) if s else ""),
        ("Area", c.get("address_area") or ""),
        ("NHS number", (c.get("identifiers") or {}).get("nhs_number") or ""),
    ]
    alerts = [a for a in (flags_text(s) if s else "").split(" · ") if a]
    alerts += [escape(a) for a in c.get("visitor_alerts", [])]
    if s and overdue_text(s):
        alerts.append("Overdue: " + overdue_text(s).lstrip("⚠ "))
    rows = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in facts if v)
    alert_html = "".join(f"<li><b>⚠ {escape(a)}</b></li>" for a in alerts) or "<li>No alerts</li>"
    dues = (
        "".join(
            f"<li>{escape(DUE_WORDS.get(what, what))}: {escape(when_text(due))}"
            f"{' — <b>OVERDUE</b>' if is_overdue(what, due, f.now) else ''}"
            f"{timescale_html(what, c.get('legal_status'), f.rules)}</li>"
            for what, due in f.due
        )
        or "<li>Nothing due</li>"
    )
    whose = (
        f"<h2>{escape(display_name(c))}</h2><table cellpadding='2'>{rows}</table>"
        f"<h3>Alerts</h3><ul>{alert_html}</ul>"
        f"<h3>Due dates</h3><ul>{dues}</ul>"
        f"{profile_html(c, f.now)}"
    )
    # The people around the child beside the rest: all of it in view at 1366×768.
    return (
        "<table width='100%' cellspacing='0'><tr>"
        f"<td valign='top' width='48%'>{whose}</td>"
        f"<td valign='top' width='52%'>{people_html(c, f.family, f.involved)}</td></tr></table>"
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
        page = QWidget(self)
        column = QVBoxLayout(page)
        column.addWidget(self.text)
        self.places = ChildPlacesForm(self.ctx, page)
        self.edit_places = QPushButton("&Edit address, school and GP", page)
        self.edit_places.setAccessibleName("Edit address, school and GP")
        self.edit_places.setCheckable(True)
        self.edit_places.toggled.connect(self._edit_toggled)
        self.places.hide()
        # Typing the form could not save is never out of sight.
        self.places.sig_kept.connect(lambda _problem: self.edit_places.setChecked(True))
        self.places.sig_loaded.connect(self._places_loaded)
        self.profile = MissingProfileForm(self.ctx, page)
        self.edit_profile = QPushButton("Edit missing-person &profile", page)
        self.edit_profile.setAccessibleName("Edit missing-person profile")
        self.edit_profile.setCheckable(True)
        self.edit_profile.toggled.connect(self._profile_toggled)
        self.profile.hide()
        self.profile.sig_kept.connect(lambda _problem: self.edit_profile.setChecked(True))
        self.profile.sig_loaded.connect(self._profile_loaded)
        buttons = QHBoxLayout()
        buttons.addWidget(self.edit_places)
        buttons.addWidget(self.edit_profile)
        buttons.addStretch(1)
        column.addLayout(buttons)
        column.addWidget(self.places)
        column.addWidget(self.profile)
        column.addStretch(1)
        self.page_scroll = QScrollArea(self)
        self.page_scroll.setWidget(page)
        self.page_scroll.setWidgetResizable(True)
        self.page_scroll.setAccessibleName("Child summary")
        layout = QVBoxLayout(self)
        layout.addWidget(self.page_scroll)

    def _places_loaded(self) -> None:
        if self.places.dirty:  # kept typing came back with the child
            self.edit_places.setChecked(True)

    def _profile_loaded(self) -> None:
        if self.profile.dirty:  # kept typing came back with the child
            self.edit_profile.setChecked(True)

    def _profile_toggled(self, on: bool) -> None:
        self.profile.setVisible(on)
        if on:
            QTimer.singleShot(0, lambda: self.page_scroll.ensureWidgetVisible(self.profile))

    def _edit_toggled(self, on: bool) -> None:
        self.places.setVisible(on)
        if on:  # below the summary: brought into view once it is laid out
            QTimer.singleShot(0, lambda: self.page_scroll.ensureWidgetVisible(self.places))

    def load(self, child_id: str) -> None:
        super().load(child_id)
        self.places.load(child_id)
        self.profile.load(child_id)
        self.ctx.db(lambda: read_summary(self.ctx, child_id)).success(self._show).run()

    def flush(self) -> None:
        self.places.flush()
        self.profile.flush()

    def _show(self, facts: SummaryFacts) -> None:
        self.text.setText(summary_html(facts))
        self.sig_loaded.emit()
