"""The Summary's missing-person profile: what the police need when the child
goes missing — a description, health needs and medication, the risks, who
the child is with and where, phones and social media — and when it was last
reviewed. Part of the child's own record, saved like any other form (kept
as a draft when refused, under a name of its own so the address form's
typing is never taken for it); shown read-only in the Summary above it
(`profile_html`), with its review due date from the rules.
"""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import Any

from PySide6.QtWidgets import (
    QFormLayout,
    QGridLayout,
    QWidget,
)

from desktop.due_dates import DEFAULT_RULES, is_overdue
from desktop.england import today_in_england
from desktop.repository import CaseRepository
from sync.wire import Record
from ui.child_tabs.child_section import ChildSectionForm
from ui.context import AppContext
from ui.fitting import wrapping
from ui.text import day_text
from ui.widgets import add_row, line_edit, text_edit, watch

PROFILE = "missing_profile"
# Fields that hold a list: typed one to a line.
LISTS = ("associates", "locations_frequented", "phones", "social_handles")
# (field, row title with its mnemonic, accessible name), in the form's two columns
LEFT = (
    ("description", "Des&cription", "Description"),
    ("health_needs", "&Health needs", "Health needs"),
    ("medication", "&Medication", "Medication"),
    ("last_reviewed", "Las&t reviewed", "Last reviewed"),
    ("risks", "Ris&ks", "Risks"),
)
RIGHT = (
    ("associates", "Ass&ociates", "Associates"),
    ("locations_frequented", "Places &frequented", "Places frequented"),
    ("phones", "Phone&s", "Phones"),
    ("social_handles", "Socia&l media", "Social media"),
)
# What the Summary shows of the profile, in its words, in this order.
SHOWN = (
    ("description", "Description"), ("health_needs", "Health needs"),
    ("medication", "Medication"), ("risks", "Risks"), ("associates", "Associates"),
    ("locations_frequented", "Places frequented"), ("phones", "Phones"),
    ("social_handles", "Social media"),
)  # fmt: skip


def review_text(profile: dict[str, Any] | None, now: datetime) -> tuple[str, bool]:
    """'Last reviewed … · review due by …' and whether the review is overdue
    ('' for a profile that holds nothing)."""
    profile = profile or {}
    due = DEFAULT_RULES.profile_review_due(profile, today_in_england(now))
    if due is None:
        return "", False
    reviewed = profile.get("last_reviewed")
    last = f"Last reviewed {day_text(reviewed)}" if reviewed else "Not reviewed yet"
    if is_overdue("profile_review", due, now):
        return f"{last} · ⚠ review overdue: it was due {day_text(due)}", True
    return f"{last} · review due by {day_text(due)}", False


def profile_html(child: dict[str, Any], now: datetime) -> str:
    """The Summary's section for the profile: what it holds and its review."""
    profile = child.get(PROFILE) or {}
    rows = []
    for name, words in SHOWN:
        value = profile.get(name)
        text = "; ".join(value) if isinstance(value, list) else (value or "")
        if text:
            rows.append(f"<tr><th>{escape(words)}</th><td>{escape(text)}</td></tr>")
    review, late = review_text(profile, now)
    if not rows:
        return "<h3>Missing-person profile</h3><p>Nothing recorded yet.</p>"
    said = f"<b>{escape(review)}</b>" if late else escape(review)
    return f"<h3>Missing-person profile</h3><table cellpadding='2'>{''.join(rows)}</table>{said}"


class MissingProfileForm(ChildSectionForm):
    """Edits the child's record's missing-person profile, nothing else of it."""

    title = "Missing-person profile"
    kind = "child"
    draft_form = PROFILE
    new_noun = "profile"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.save_button.setText("Save p&rofile")
        self.save_button.setAccessibleName("Save missing-person profile")
        self.fields = {}
        for name, _row, words in (*LEFT, *RIGHT):
            if name == "last_reviewed":
                widget: QWidget = self.date_field(words, with_time=False, optional=True)
            elif name in LISTS or name == "risks":
                edit = text_edit(self, words, 48)
                # Short boxes that scroll: the profile fits beside the summary.
                edit.setMaximumHeight(96 if name == "risks" else 56)
                if name in LISTS:
                    edit.setPlaceholderText("One a line")
                    edit.setToolTip(f"{words}: one a line")
                widget = edit
            else:
                widget = line_edit(self, words)
            self.fields[f"{PROFILE}.{name}"] = widget
        watch(list(self.fields.values()), self.edited)
        grid = QGridLayout()
        for column, rows in enumerate((LEFT, RIGHT)):
            form = wrapping(QFormLayout())
            for name, row, _words in rows:
                add_row(form, row, self.fields[f"{PROFILE}.{name}"])
            grid.addLayout(form, 0, column)
        self.lay_out_plain(grid)

    def read(self, repo: CaseRepository, child_id: str) -> Record | None:
        return repo.get(child_id)

    def display(self, record: Record | None) -> None:
        self.current = record
        if not self.dirty:  # never overwrite typing with a reload
            self.show_record(record)

    def fill(self, record: Record | None, data: dict[str, Any] | None) -> None:
        values = data or (record.data if record else {})
        profile = dict(values.get(PROFILE) or {})
        for name in LISTS:  # a list is shown one to a line
            if isinstance(profile.get(name), list):
                profile[name] = "\n".join(profile[name])
        super().fill(record, {**values, PROFILE: profile})

    def form_data(self) -> dict[str, Any]:
        data = super().form_data()
        profile = data[PROFILE]
        for name in LISTS:
            text = profile.get(name) or ""
            profile[name] = [line.strip() for line in text.splitlines() if line.strip()]
        return data


__all__ = ["MissingProfileForm", "profile_html", "review_text"]
