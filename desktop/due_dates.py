"""Due dates, computed from rules kept as data (resources/due_rules.json).

Nothing here is typed by a worker: statutory visits by legal status, return
home interviews after a missing episode, recording after a visit, plan and
assessment reviews, overdue actions. Working days skip weekends and England's
bank holidays (from the `holidays` package, not a hand-kept list).
"""

from __future__ import annotations

import calendar
import copy
import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

import holidays

from desktop.england import as_moment, england_day, today_in_england, utc_text
from sync.kinds import words_for


def _deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def default_rules() -> dict[str, Any]:
    text = (resources.files("resources") / "due_rules.json").read_text(encoding="utf-8")
    return json.loads(text)


def add_months(d: date, months: int) -> date:
    """Calendar months, clamped to the month's last day (31 Jan + 1 = 28/29 Feb)."""
    index = d.month - 1 + months
    year, month = d.year + index // 12, index % 12 + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def _as_date(value: str | date | None) -> date | None:
    # Visits are stored in UTC; the day that counts is the day in England
    # (a visit at 00:30 BST is on the next day, not the UTC one).
    return england_day(value) if value else None


# An action in one of these states asks nothing more of anyone.
CLOSED_ACTION_STATES = frozenset({"completed", "cancelled"})


def action_is_open(action: dict[str, Any]) -> bool:
    return action.get("status") not in CLOSED_ACTION_STATES


def is_overdue(what: str, due: str | date, now: datetime | date) -> bool:
    """Whether a due item (`what` as in `due_items`: visit, rhi, recording,
    plan_review, assessment_review, action) is overdue at `now`.

    A day is overdue from the next day in England, so something due today
    is due, not overdue; a return home interview is overdue from its hour.
    `now` may be a bare date: today in England. `OVERDUE_SQL` says the same
    over `due_items` rows."""
    if not isinstance(now, datetime):
        return england_day(due) < now
    if what == "rhi":
        moment = as_moment(due)
        return moment is not None and moment < now
    return england_day(due) < today_in_england(now)


# `is_overdue` over a `due_items` row (`what`, `due` unqualified), with the
# named parameters `overdue_params(now)` gives. Stored due times are UTC
# text and dates ISO days, so comparing text is comparing instants and days.
OVERDUE_SQL = "((what = 'rhi' AND due < :now) OR (what <> 'rhi' AND due < :today))"


def overdue_params(now: datetime) -> dict[str, str]:
    return {"now": utc_text(now), "today": today_in_england(now).isoformat()}


def end_of_week(day: date) -> date:
    """The Sunday that ends `day`'s week (Monday to Sunday, as a diary has it)."""
    return day + timedelta(days=6 - day.weekday())


# A `due_items` row falling due by the end of today, or of this week, in
# England (the named parameters `due_params(now)` gives). What is overdue
# falls due by then too: callers ask for `NOT OVERDUE_SQL` beside these to
# mean "still to do today" / "this week". An interview is due at its hour,
# so "by the end of the day" is "before the next midnight in England".
DUE_TODAY_SQL = "((what = 'rhi' AND due < :today_ends) OR (what <> 'rhi' AND due <= :today))"
DUE_THIS_WEEK_SQL = (
    "((what = 'rhi' AND due < :week_ends) OR (what <> 'rhi' AND due <= :week_last_day))"
)


def due_params(now: datetime) -> dict[str, str]:
    """`overdue_params` and the ends of today and this week, for the SQL above."""
    today = today_in_england(now)
    week_last_day = end_of_week(today)

    def midnight_after(day: date) -> str:
        moment = as_moment(day + timedelta(days=1))
        assert moment is not None
        return utc_text(moment)

    return {
        **overdue_params(now),
        "today_ends": midnight_after(today),
        "week_last_day": week_last_day.isoformat(),
        "week_ends": midnight_after(week_last_day),
    }


def _every(n: int, unit: str) -> str:
    return f"{n} {unit}" if n == 1 else f"{n} {unit}s"


@dataclass
class DueRules:
    """The rules in force: the defaults with a council's overrides merged in."""

    overrides: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_file(cls, path: str | Path) -> DueRules:
        """A council's rules file (same shape as resources/due_rules.json, any
        subset of keys) merged over the defaults."""
        return cls(json.loads(Path(path).read_text(encoding="utf-8")))

    @cached_property
    def rules(self) -> dict[str, Any]:
        return _deep_merge(default_rules(), self.overrides)

    @cached_property
    def _holidays(self) -> holidays.HolidayBase:
        spec = self.rules["bank_holidays"]
        return holidays.country_holidays(spec["country"], subdiv=spec["subdivision"])

    def is_working_day(self, d: date) -> bool:
        return d.weekday() < 5 and d not in self._holidays

    def add_working_days(self, d: date, n: int) -> date:
        """The n-th working day after d (d itself never counts)."""
        # Remembered: a child with hundreds of draft notes asks the same
        # question for the same few days on every save.
        cache = self.__dict__.setdefault("_working_day_cache", {})
        key = (d, n)
        if key not in cache:
            current, left = d, n
            while left > 0:
                current += timedelta(days=1)
                if self.is_working_day(current):
                    left -= 1
            cache[key] = current
        return cache[key]

    def next_statutory_visit(
        self,
        child: dict[str, Any],
        last_visit: date | datetime | str | None,
        today: date | None = None,
    ) -> date | None:
        """When the next statutory visit is due, or None if the status needs none.

        `last_visit` is the start of the newest visit in which the child was
        seen. With no visit and no start date to count from, the visit is due
        `today` (None if today is not given).
        """
        status = child.get("legal_status")
        rule = self.rules["statutory_visits"].get(status)
        if not rule:
            return None
        last_visit = _as_date(last_visit)
        if status == "cla":
            placed = _as_date(child.get("placement_start") or child.get("legal_status_start"))
            if placed is None:
                return (
                    last_visit + timedelta(weeks=rule["first_year_every_weeks"])
                    if last_visit
                    else today
                )
            if last_visit is None or last_visit < placed:
                return placed + timedelta(days=rule["first_within_days"])
            if last_visit < add_months(placed, 12):
                return last_visit + timedelta(weeks=rule["first_year_every_weeks"])
            return add_months(last_visit, rule["after_first_year_every_months"])
        start = last_visit or _as_date(child.get("legal_status_start"))
        if start is None:
            return today
        return self.add_working_days(start, rule["every_working_days"])

    def return_interview_due(self, episode: dict[str, Any]) -> datetime | None:
        """72 hours (by default) after the child came back, unless done or not applicable."""
        end = as_moment(episode.get("end"))
        rhi = episode.get("return_home_interview") or {}
        if end is None or rhi.get("completed_at") or rhi.get("offered") == "na":
            return None
        if episode.get("entered_in_error"):
            return None
        return end + timedelta(hours=self.rules["return_home_interview_hours"])

    def recording_due(self, visit: dict[str, Any]) -> date | None:
        """A visit must be written up within 2 working days; only drafts are due."""
        if visit.get("status") == "final" or visit.get("entered_in_error"):
            return None
        start = _as_date(visit.get("start"))
        return self.add_working_days(start, self.rules["recording_working_days"]) if start else None

    def assessment_review_due(self, assessment: dict[str, Any]) -> date | None:
        if assessment.get("review_date"):
            return _as_date(assessment["review_date"])
        done = _as_date(assessment.get("date"))
        return add_months(done, self.rules["assessment_review_months"]) if done else None

    def profile_review_due(self, profile: dict[str, Any] | None, today: date) -> date | None:
        """When the child's missing-person profile is next to be reviewed:
        `missing_profile_review_months` after its last review; `today` for
        a profile never reviewed; None while the profile holds nothing."""
        profile = profile or {}
        reviewed = _as_date(profile.get("last_reviewed"))
        if reviewed is not None:
            return add_months(reviewed, self.rules["missing_profile_review_months"])
        holds = any(v for k, v in profile.items() if k != "last_reviewed")
        return today if holds else None

    def supervision_due(self, supervision: dict[str, Any] | None, today: date) -> date | None:
        """When the child's next case supervision is due: `case_supervision_weeks`
        after the last one; `today` for a case never supervised; None with
        no supervision rule (a council's rules from before it)."""
        weeks = self.rules.get("case_supervision_weeks")
        if not weeks:
            return None
        last = _as_date((supervision or {}).get("date"))
        return last + timedelta(weeks=weeks) if last else today

    def timescale(self, what: str, legal_status: str | None = None) -> str | None:
        """The rule behind a due item (`what` as in `due_items`), in a worker's
        words: "Child protection: every 10 working days". A statutory visit
        depends on `legal_status`; None where the status asks for no visits.
        Worded from these rules, so a council's own timescales read as they are."""
        parts = self._timescale(what, legal_status)
        return f"{parts[0]}: {parts[1]}" if parts else None

    def timescale_rule(self, what: str, legal_status: str | None = None) -> str | None:
        """`timescale` without what it is about, where that is said beside it
        ("Within 72 hours of the child's return"); a visit's keeps its legal status."""
        parts = self._timescale(what, legal_status)
        if parts is None:
            return None
        return f"{parts[0]}: {parts[1]}" if what == "visit" else parts[1].capitalize()

    def _timescale(self, what: str, legal_status: str | None) -> tuple[str, str] | None:
        rules = self.rules
        if what == "visit":
            rule = rules["statutory_visits"].get(legal_status or "")
            if not rule:
                return None
            status = words_for(legal_status or "") or "Statutory visits"
            if "every_working_days" in rule:
                return status, f"every {_every(rule['every_working_days'], 'working day')}"
            return status, (
                f"within {_every(rule['first_within_days'], 'day')} of a placement,"
                f" every {_every(rule['first_year_every_weeks'], 'week')} in its first year,"
                f" then every {_every(rule['after_first_year_every_months'], 'month')}"
            )
        hours, working_days = rules["return_home_interview_hours"], rules["recording_working_days"]
        months = rules["assessment_review_months"]
        profile_months = rules["missing_profile_review_months"]
        supervision_weeks = rules.get("case_supervision_weeks", 0)
        return {
            "rhi": (
                "Return home interview",
                f"within {_every(hours, 'hour')} of the child's return",
            ),
            "recording": (
                "Visit note",
                f"finished within {_every(working_days, 'working day')} of the visit",
            ),
            "plan_review": ("Plan review", "on the review date the plan sets"),
            "assessment_review": (
                "Screening review",
                f"{_every(months, 'month')} after the screening, unless it sets a review date",
            ),
            "action": ("Plan action", "by the date the plan sets for it"),
            "profile_review": (
                "Missing-person profile review",
                f"{_every(profile_months, 'month')} after its last review",
            ),
            "supervision": (
                "Case supervision",
                f"every {_every(supervision_weeks, 'week')}",
            ),
        }.get(what)

    def visit_timescales(self) -> list[str]:
        """Every legal status's statutory visit timescale, for a column's header."""
        found = (self.timescale("visit", status) for status in self.rules["statutory_visits"])
        return [text for text in found if text]

    @staticmethod
    def plan_review_due(plan: dict[str, Any]) -> date | None:
        if plan.get("status") == "closed":
            return None
        return _as_date(plan.get("review_date"))

    @staticmethod
    def action_overdue(action: dict[str, Any], today: datetime | date) -> bool:
        """Past its due date (`is_overdue`), still open, not entered in error."""
        due = action.get("due_date")
        if not due or not action_is_open(action) or action.get("entered_in_error"):
            return False
        return is_overdue("action", due, today)


DEFAULT_RULES = DueRules()


# Module-level shorthands over the default rules, for callers with no council file.


def add_working_days(d: date, n: int, rules: DueRules = DEFAULT_RULES) -> date:
    return rules.add_working_days(d, n)


def next_statutory_visit(
    child_data: dict[str, Any],
    last_visit_start: date | datetime | str | None,
    today: date | None = None,
    rules: DueRules = DEFAULT_RULES,
) -> date | None:
    return rules.next_statutory_visit(child_data, last_visit_start, today)


def rhi_due(episode_data: dict[str, Any], rules: DueRules = DEFAULT_RULES) -> datetime | None:
    return rules.return_interview_due(episode_data)


def recording_due(visit_data: dict[str, Any], rules: DueRules = DEFAULT_RULES) -> date | None:
    return rules.recording_due(visit_data)


def assessment_review_due(data: dict[str, Any], rules: DueRules = DEFAULT_RULES) -> date | None:
    return rules.assessment_review_due(data)


def plan_review_due(data: dict[str, Any]) -> date | None:
    return DueRules.plan_review_due(data)


def action_overdue(data: dict[str, Any], today: datetime | date) -> bool:
    return DueRules.action_overdue(data, today)
