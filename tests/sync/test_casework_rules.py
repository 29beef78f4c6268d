"""The central record enforces the casework rules the laptop does, by the
same functions (sync.kinds.siblings), on SQLite and PostgreSQL: one open
missing-education episode a child, a meeting's action pointing at a meeting
of the same child; and a meeting edited on two laptops is a conflict the
worker settles field by field."""

from __future__ import annotations

from desktop.conflicts import conflict_fields, list_conflicts
from tests.helpers import child_data


def _shared(laptops, service):
    sw, tl = laptops("sw"), laptops("tl")
    child = sw.repo.create("child", child_data())
    sw.sync()
    service.assign("tl", child.id)
    tl.sync()
    return sw, tl, child


def test_a_second_open_missing_education_episode_is_refused(laptops, service):
    sw, tl, child = _shared(laptops, service)
    sw.repo.create("cme_episode", {"notified_at": "2026-04-01"}, child_id=child.id)
    sw.sync()
    # Offline, before it hears of that one, the other laptop records another
    # open episode; the central record refuses it by the same rule.
    tl.repo.create("cme_episode", {"notified_at": "2026-05-02"}, child_id=child.id)
    assert tl.sync().rejected == 1
    stored = [r for r in service.current_records() if r.kind.value == "cme_episode"]
    assert [r.data["notified_at"] for r in stored] == ["2026-04-01"]
    # Once the first is closed, a new one is taken.
    first = next(r for r in sw.repo.records_for_child(child.id, "cme_episode"))
    sw.repo.update(first.id, {"status": "closed", "closed_at": "2026-05-01",
                              "outcome_found": "on_roll_elsewhere"})  # fmt: skip
    sw.sync()
    sw.repo.create("cme_episode", {"notified_at": "2026-06-01"}, child_id=child.id)
    assert sw.sync().rejected == 0


def test_a_meeting_action_points_at_a_meeting_of_the_same_child(laptops, service):
    sw = laptops("sw")
    child, other = (sw.repo.create("child", child_data(n)) for n in ("Juniper", "Rowan"))
    plan = sw.repo.create("plan", {"plan_type": "cse"}, child_id=child.id)
    meeting = sw.repo.create("meeting", {"meeting_type": "mace", "date": "2026-05-28"},
                             child_id=other.id)  # fmt: skip
    action = {"plan_id": str(plan.id), "description": "Disrupt", "owner_agency": "police",
              "meeting_id": str(meeting.id)}  # fmt: skip
    try:
        sw.repo.create("plan_action", action, child_id=child.id)
    except Exception as exc:  # the laptop refuses it before the service sees it
        assert getattr(exc, "field", None) == "meeting_id"
    else:
        raise AssertionError("an action pointing at another child's meeting was stored")
    mine = sw.repo.create("meeting", {"meeting_type": "core_group", "date": "2026-05-28"},
                          child_id=child.id)  # fmt: skip
    sw.repo.create("plan_action", {**action, "meeting_id": str(mine.id)}, child_id=child.id)
    assert sw.sync().rejected == 0  # the meeting and its action, in one push
    stored = [r for r in service.current_records() if r.kind.value == "plan_action"]
    assert [r.data["meeting_id"] for r in stored] == [str(mine.id)]


def test_a_meeting_edited_on_two_laptops_is_a_conflict(laptops, service):
    sw, tl, child = _shared(laptops, service)
    meeting = sw.repo.create("meeting", {"meeting_type": "core_group", "date": "2026-05-28"},
                             child_id=child.id)  # fmt: skip
    sw.sync()
    tl.sync()
    sw.repo.update(meeting.id, {"risk_level_agreed": "high"})
    tl.repo.update(meeting.id, {"risk_level_agreed": "medium"})
    sw.sync()
    assert tl.sync().conflicts == 1
    assert [c.record_id for c in list_conflicts(tl.repo)] == [str(meeting.id)]
    fields = {f.field: f for f in conflict_fields(tl.repo, str(meeting.id))}
    assert (fields["risk_level_agreed"].theirs, fields["risk_level_agreed"].mine) == (
        "high",
        "medium",
    )
