"""One meaning of "overdue": `desktop.due_dates` decides it, in Python for
the child's tabs and in SQL for the caseload table and insights, and the
two agree on every item, across England's midnight in summer."""

from __future__ import annotations

from datetime import UTC, date, datetime

from desktop import due_dates
from desktop.insights import caseload_insights
from desktop.repository import CaseRepository
from desktop.summary import caseload_summary
from ui.caseload_model import overdue_text

# 23:45 UTC on Tue 14 Jul is 00:45 BST on Wednesday.
WEDNESDAY_IN_ENGLAND = datetime(2026, 7, 14, 23, 45, tzinfo=UTC)
WORDS = {
    "visit": "visit",
    "rhi": "interview",
    "action": "action",
    "plan_review": "review",
    "assessment_review": "review",
    "recording": "visit note to finish",
}


def test_the_predicate_counts_england_days_and_an_interview_from_its_hour():
    now = WEDNESDAY_IN_ENGLAND
    assert due_dates.is_overdue("plan_review", "2026-07-14", now)  # Tuesday, in England
    assert not due_dates.is_overdue("plan_review", "2026-07-15", now)  # due today: not yet
    assert due_dates.is_overdue("rhi", "2026-07-14T23:30:00+00:00", now)
    assert not due_dates.is_overdue("rhi", "2026-07-14T23:50:00+00:00", now)
    assert due_dates.action_overdue({"due_date": "2026-07-14", "status": "blocked"}, now)
    for state in due_dates.CLOSED_ACTION_STATES:
        assert not due_dates.action_overdue({"due_date": "2026-07-14", "status": state}, now)


def test_the_caseload_and_insights_agree_with_the_predicate(store, child):
    repo = CaseRepository(store, "worker.one", clock=lambda: WEDNESDAY_IN_ENGLAND)
    cid = str(child.id)
    # A visit at 00:30 BST on Tuesday: the statutory visit counts from then.
    repo.create("visit", {"visit_type": "cp_statutory", "start": "2026-06-15T23:30:00+00:00",
                          "child_seen": True}, child_id=child.id)  # fmt: skip
    repo.create("visit", {"visit_type": "cin", "start": "2026-07-09T10:00:00+00:00"},
                child_id=child.id)  # a draft: its note is overdue  # fmt: skip
    episode = {"start": "2026-07-11T20:00:00+00:00", "end": "2026-07-11T22:30:00+00:00"}
    repo.create("missing_episode", episode, child_id=child.id)
    plan = repo.create("plan", {"plan_type": "cse", "review_date": "2026-07-14"},
                       child_id=child.id)  # fmt: skip
    for due, status in (("2026-07-14", "in_progress"), ("2026-07-13", "completed"),
                        ("2026-07-15", "not_started")):  # fmt: skip
        repo.create("plan_action", {"plan_id": str(plan.id), "description": "Call the school",
                                    "owner_agency": "csc", "due_date": due, "status": status},
                    child_id=child.id)  # fmt: skip
    items = repo.due_items(cid)
    for now in (WEDNESDAY_IN_ENGLAND, datetime(2026, 7, 14, 22, 0, tzinfo=UTC)):
        overdue = [what for what, due in items if due_dates.is_overdue(what, due, now)]
        row = caseload_summary(store.conn, now)[0]
        counted = {
            "visit": row.overdue_visits,
            "interview": row.overdue_interviews,
            "action": row.overdue_actions,
            "review": row.overdue_reviews,
            "visit note to finish": row.overdue_notes,
        }
        assert counted == {w: sum(WORDS[o] == w for o in overdue) for w in counted}
        insights = caseload_insights(store.conn, now)
        assert len(insights.overdue_visits) == overdue.count("visit")
        assert insights.interviews_overdue == overdue.count("rhi")
    on_wednesday = [w for w, due in items if due_dates.is_overdue(w, due, WEDNESDAY_IN_ENGLAND)]
    assert {"plan_review", "rhi", "visit"} <= set(on_wednesday)
    assert on_wednesday.count("action") == 1  # the completed one and Wednesday's do not count
    assert "plan_review" not in overdue and "rhi" not in overdue  # still Tuesday in England


def test_a_visit_note_to_finish_is_not_counted_as_a_review(repo, store, child):
    repo.create("visit", {"visit_type": "cin", "start": "2026-05-20T10:00:00+00:00"},
                child_id=child.id)  # fmt: skip
    row = caseload_summary(store.conn, datetime(2026, 6, 1, 12, 0, tzinfo=UTC))[0]
    assert (row.overdue_notes, row.overdue_reviews) == (1, 0)
    assert "1 visit note to finish" in overdue_text(row)
    assert "review" not in overdue_text(row)
    assert row.overdue_total == row.overdue_visits + row.overdue_notes


def test_the_day_a_date_falls_due_is_not_yet_overdue():
    assert not due_dates.is_overdue("visit", date(2026, 7, 15), WEDNESDAY_IN_ENGLAND)
