from __future__ import annotations

import json
from datetime import UTC, date, datetime

from desktop import due_dates
from desktop.due_dates import DueRules, add_months

RULES = DueRules()


def test_working_days_skip_a_bank_holiday_weekend():
    # Thursday 2 April 2026; Good Friday 3 April and Easter Monday 6 April are
    # bank holidays in England, so 2 working days later is Wednesday 8 April.
    assert RULES.add_working_days(date(2026, 4, 2), 2) == date(2026, 4, 8)
    # Christmas 2025: Wed 24 Dec + 2 = Tue 30 Dec (25th, 26th, weekend skipped).
    assert RULES.add_working_days(date(2025, 12, 24), 2) == date(2025, 12, 30)


def test_recording_due_two_working_days_after_visit():
    visit = {"status": "draft", "start": "2026-04-02T15:00:00+00:00"}
    assert RULES.recording_due(visit) == date(2026, 4, 8)
    assert RULES.recording_due(dict(visit, status="final")) is None


def test_cla_schedule_week_one_month_six_month_fourteen():
    child = {"legal_status": "cla", "placement_start": "2026-01-05"}
    assert RULES.next_statutory_visit(child, None) == date(2026, 1, 12)  # week 1
    month6 = date(2026, 7, 1)
    assert RULES.next_statutory_visit(child, month6) == date(2026, 8, 12)  # + 6 weeks
    month14 = date(2027, 3, 1)
    assert RULES.next_statutory_visit(child, month14) == date(2027, 6, 1)  # + 3 months


def test_cp_and_cin_visits_in_working_days():
    cp = {"legal_status": "cp", "legal_status_start": "2026-03-02"}
    assert RULES.next_statutory_visit(cp, date(2026, 4, 1)) == date(2026, 4, 17)
    cin = {"legal_status": "cin"}
    assert RULES.next_statutory_visit(cin, date(2026, 3, 2)) == date(2026, 3, 30)
    assert RULES.next_statutory_visit({"legal_status": "early_help"}, None) is None


def test_interview_due_72_hours_after_return():
    episode = {"start": "2026-05-10T22:00:00+00:00", "end": "2026-05-11T09:30:00+00:00"}
    assert RULES.return_interview_due(episode) == datetime(2026, 5, 14, 9, 30, tzinfo=UTC)
    done = dict(episode, return_home_interview={"completed_at": "2026-05-12T10:00:00+00:00"})
    assert RULES.return_interview_due(done) is None
    assert RULES.return_interview_due({"start": episode["start"], "end": None}) is None


def test_reviews_and_overdue_actions():
    assert RULES.assessment_review_due({"date": "2026-01-31"}) == date(2026, 4, 30)
    assert RULES.assessment_review_due({"date": "2026-01-31", "review_date": "2026-02-15"}) == date(
        2026, 2, 15
    )
    assert RULES.plan_review_due({"status": "active", "review_date": "2026-06-01"}) == date(
        2026, 6, 1
    )
    today = date(2026, 6, 2)
    assert RULES.action_overdue({"due_date": "2026-06-01", "status": "in_progress"}, today)
    assert not RULES.action_overdue({"due_date": "2026-06-01", "status": "completed"}, today)
    assert not RULES.action_overdue({"due_date": "2026-06-02", "status": "blocked"}, today)


def test_council_override_merges_key_by_key():
    council = DueRules({"statutory_visits": {"cp": {"every_working_days": 5}}})
    cp = {"legal_status": "cp"}
    assert council.next_statutory_visit(cp, date(2026, 4, 1)) == date(2026, 4, 10)
    assert council.rules["statutory_visits"]["cin"]["every_working_days"] == 20


def test_add_months_clamps():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)


def test_cla_visits_across_the_first_year_boundary():
    child = {"legal_status": "cla", "placement_start": "2026-01-05"}
    # A visit before the placement began (an earlier placement) does not count.
    assert RULES.next_statutory_visit(child, date(2025, 12, 1)) == date(2026, 1, 12)
    # Last day of the first year: still the six-weekly rhythm.
    assert RULES.next_statutory_visit(child, date(2027, 1, 4)) == date(2027, 2, 15)
    # First day of the second year: three-monthly.
    assert RULES.next_statutory_visit(child, date(2027, 1, 5)) == date(2027, 4, 5)


def test_cp_visit_due_over_easter_counts_working_days_only():
    # Thu 26 March 2026 + 10 working days: Good Friday and Easter Monday are skipped.
    cp = {"legal_status": "cp"}
    assert RULES.next_statutory_visit(cp, date(2026, 3, 26)) == date(2026, 4, 13)


def test_no_anchor_means_due_today_when_today_is_given():
    cp = {"legal_status": "cp"}
    assert RULES.next_statutory_visit(cp, None) is None
    assert RULES.next_statutory_visit(cp, None, date(2026, 6, 1)) == date(2026, 6, 1)


def test_visit_day_is_the_day_in_england():
    # 00:30 BST on Fri 3 July 2026 is 23:30 UTC on Thursday: the visit was on Friday,
    # so two working days later is Tuesday 7 July, not Monday.
    visit = {"status": "draft", "start": "2026-07-02T23:30:00+00:00"}
    assert RULES.recording_due(visit) == date(2026, 7, 7)


def test_interview_not_due_when_not_applicable_or_in_error():
    episode = {"start": "2026-05-10T22:00:00+00:00", "end": "2026-05-11T09:30:00+00:00"}
    assert (
        RULES.return_interview_due(dict(episode, return_home_interview={"offered": "na"})) is None
    )
    assert RULES.return_interview_due(dict(episode, entered_in_error=True)) is None


def test_module_level_shorthands_use_the_defaults():
    assert due_dates.add_working_days(date(2025, 12, 24), 2) == date(2025, 12, 30)
    child = {"legal_status": "cla", "placement_start": "2026-01-05"}
    assert due_dates.next_statutory_visit(child, "2026-07-01T10:00:00+00:00") == date(2026, 8, 12)
    episode = {"start": "2026-05-10T22:00:00+00:00", "end": "2026-05-11T09:30:00+00:00"}
    assert due_dates.rhi_due(episode) == datetime(2026, 5, 14, 9, 30, tzinfo=UTC)
    assert due_dates.recording_due({"start": "2026-04-02T15:00:00+00:00"}) == date(2026, 4, 8)
    assert due_dates.assessment_review_due({"date": "2026-01-31"}) == date(2026, 4, 30)
    assert due_dates.plan_review_due({"status": "closed", "review_date": "2026-06-01"}) is None
    today = date(2026, 6, 2)
    assert due_dates.action_overdue({"due_date": "2026-06-01", "status": "blocked"}, today)
    assert not due_dates.action_overdue({"due_date": "2026-06-01", "status": "cancelled"}, today)


def test_council_file_overrides_the_defaults(tmp_path):
    path = tmp_path / "council.json"
    path.write_text(json.dumps({"return_home_interview_hours": 48, "recording_working_days": 1}))
    council = DueRules.from_file(path)
    episode = {"start": "2026-05-10T22:00:00+00:00", "end": "2026-05-11T09:30:00+00:00"}
    assert council.return_interview_due(episode) == datetime(2026, 5, 13, 9, 30, tzinfo=UTC)
    assert council.recording_due({"start": "2026-04-02T15:00:00+00:00"}) == date(2026, 4, 7)
    assert council.rules["statutory_visits"]["cp"]["every_working_days"] == 10


def test_the_missing_person_profile_is_reviewed_every_three_months_or_as_the_council_says():
    today = date(2026, 6, 1)
    assert RULES.profile_review_due({"last_reviewed": "2026-01-31"}, today) == date(2026, 4, 30)
    assert RULES.profile_review_due({"phones": ["07700 900111"]}, today) == today
    assert RULES.profile_review_due({"phones": []}, today) is None
    assert RULES.profile_review_due(None, today) is None
    council = DueRules({"missing_profile_review_months": 1})
    assert council.profile_review_due({"last_reviewed": "2026-05-10"}, today) == date(2026, 6, 10)
    assert council.timescale("profile_review") == (
        "Missing-person profile review: 1 month after its last review"
    )
