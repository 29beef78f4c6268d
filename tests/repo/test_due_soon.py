"""What falls due today and this week, as the caseload's quick views count it:
England's days (a week runs to Sunday), an interview by its hour, and what
is overdue counted as overdue, not as due."""

from __future__ import annotations

from datetime import UTC, date, datetime

from desktop.due_dates import end_of_week
from desktop.repository import CaseRepository
from desktop.summary import caseload_summary

# 23:30 UTC on Saturday 18 July is 00:30 BST on Sunday 19 July: the week's last day.
SUNDAY_IN_ENGLAND = datetime(2026, 7, 18, 23, 30, tzinfo=UTC)
QUIET = {"last_name": "Mossgrove", "date_of_birth": "2012-06-01", "legal_status": "early_help"}


def test_a_week_ends_on_its_sunday():
    assert end_of_week(date(2026, 7, 13)) == date(2026, 7, 19)  # Monday
    assert end_of_week(date(2026, 7, 19)) == date(2026, 7, 19)  # Sunday itself
    assert end_of_week(date(2026, 12, 31)) == date(2027, 1, 3)


def _counts(repo: CaseRepository, now: datetime) -> dict[str, tuple[int, int, int]]:
    return {
        s.name.split()[0]: (s.due_today, s.due_this_week, s.overdue_total)
        for s in caseload_summary(repo.store.conn, now)
    }


def test_today_and_this_week_are_days_in_england(store):
    repo = CaseRepository(store, "worker.one", clock=lambda: SUNDAY_IN_ENGLAND)

    def child(first: str, **extra) -> str:
        return str(repo.create("child", {**QUIET, "first_name": first, **extra}).id)

    def back(child_id: str, end: str) -> None:
        episode = {"start": "2026-07-15T10:00:00+00:00", "end": end}
        repo.create("missing_episode", episode, child_id=child_id)

    review = child("Review")  # due on Sunday in England, Saturday in UTC's reckoning
    repo.create("plan", {"plan_type": "safety", "review_date": "2026-07-19"}, child_id=review)
    late = child("Late")  # Saturday's review is overdue on Sunday
    repo.create("plan", {"plan_type": "safety", "review_date": "2026-07-18"}, child_id=late)
    evening = child("Evening")  # interview due 23:30 BST on Sunday
    back(evening, "2026-07-16T22:30:00+00:00")
    monday = child("Monday")  # interview due 00:30 BST on Monday: next week
    back(monday, "2026-07-16T23:30:00+00:00")
    gone = child("Gone")  # interview due 00:15 BST on Sunday: already overdue
    back(gone, "2026-07-15T23:15:00+00:00")
    child("Unvisited", legal_status="cp")  # nothing to count from: a visit due now

    assert _counts(repo, SUNDAY_IN_ENGLAND) == {
        "Review": (1, 1, 0),
        "Late": (0, 0, 1),
        "Evening": (1, 1, 0),
        "Monday": (0, 0, 0),
        "Gone": (0, 0, 1),
        "Unvisited": (1, 1, 0),
    }
    # On Friday the same items are this week's, and none of them today's.
    friday = datetime(2026, 7, 17, 9, 0, tzinfo=UTC)
    counts = _counts(repo, friday)
    assert counts["Review"] == (0, 1, 0)
    assert counts["Late"] == (0, 1, 0)
    assert counts["Gone"] == (0, 1, 0)
    assert counts["Evening"] == (0, 1, 0)
    assert counts["Monday"] == (0, 0, 0)
