from __future__ import annotations

from datetime import UTC, datetime

import pytest

from desktop.insights import caseload_insights
from desktop.summary import caseload_summary
from tests.helpers import NOW


def build_caseload(repo) -> dict[str, str]:
    """A small synthetic caseload with one of each thing the insights count
    or must not count; returns the child ids by first name. Used by the UI
    test too. `repo`'s clock must be 2026-06-01 12:00 UTC."""

    def child(first, **extra):
        data = {"first_name": first, "last_name": "Quillfeather", "date_of_birth": "2010-03-03"}
        return repo.create("child", {**data, **extra})

    def episode(kid, start, end=None, *, completed=None, offered=None, **extra):
        data = {"start": start, "end": end, **extra}
        if completed or offered:
            data["return_home_interview"] = {"completed_at": completed, "offered": offered}
        return repo.create("missing_episode", data, child_id=kid.id)

    # cp from 1 May, seen 11 May: next visit 26 May, 6 days overdue on 1 June.
    ash = child("Ash", legal_status="cp", legal_status_start="2026-05-01")
    repo.create(
        "visit",
        {"visit_type": "cp_statutory", "start": "2026-05-11T10:00:00+00:00", "child_seen": True},
        child_id=ash.id,
    )
    # 23:30 UTC on 31 March is 00:30 BST on 1 April: an April episode. Back
    # 10:00 on 1 April, so the interview was due 10:00 on the 4th; done on the
    # 6th, 48 hours late.
    episode(
        ash,
        "2026-03-31T23:30:00+00:00",
        "2026-04-01T10:00:00+00:00",
        completed="2026-04-06T10:00:00+00:00",
        locations=[{"name": "Bus station", "postcode": "zz1 1aa"}],
    )
    # Interview done within the 72 hours: not late.
    episode(
        ash,
        "2026-05-10T20:00:00+00:00",
        "2026-05-11T08:00:00+00:00",
        completed="2026-05-13T10:00:00+00:00",
        found_location="Canal towpath",
    )

    # cin from 1 April, never visited: 20 working days (Easter skipped) is
    # 1 May, 31 days overdue.
    birch = child("Birch", legal_status="cin", legal_status_start="2026-04-01")
    wrong = episode(birch, "2026-01-15T18:00:00+00:00", "2026-01-16T09:00:00+00:00")
    repo.mark_entered_in_error(wrong.id, "wrong child")
    # Back 07:00 on 29 May, no interview: due 07:00 on 1 June, 5 hours late at noon.
    episode(birch, "2026-05-28T19:00:00+00:00", "2026-05-29T07:00:00+00:00")
    repo.create(
        "concern",
        {
            "received_at": "2026-05-02T09:00:00+00:00",
            "source": "school",
            "reliability": "single_source",
            "places": [{"name": "Bus Station (Market St)", "postcode": "ZZ1 1AA"}],
        },
        child_id=birch.id,
    )

    # Early help: no statutory visits.
    cedar = child("Cedar", legal_status="early_help")
    # June 2025 is the 13th month back: outside the chart.
    episode(cedar, "2025-06-20T18:00:00+00:00", "2025-06-21T09:00:00+00:00", offered="na")
    # 00:30 BST on 1 July 2025 (23:30 UTC on 30 June): the chart's first month.
    episode(cedar, "2025-07-01T00:30:00+01:00", "2025-07-01T09:00:00+01:00", offered="na")
    # Still missing: counts, nothing due yet.
    episode(cedar, "2026-05-31T20:00:00+00:00", locations=[{"name": "canal  towpath"}])

    # cp with nothing to count from: due today, not overdue.
    dell = child("Dell", legal_status="cp")
    repo.create(
        "concern",
        {
            "received_at": "2026-05-03T09:00:00+00:00",
            "source": "youth worker",
            "reliability": "unverified",
            "places": [{"name": "Leisure centre"}],
        },
        child_id=dell.id,
    )
    return {
        "Ash": str(ash.id),
        "Birch": str(birch.id),
        "Cedar": str(cedar.id),
        "Dell": str(dell.id),
    }


def test_insights_count_what_the_records_say(repo, store):
    ids = build_caseload(repo)
    got = caseload_insights(store.conn, NOW)

    months = dict(got.missing_per_month)
    assert [m for m, _ in got.missing_per_month] == [
        "2025-07", "2025-08", "2025-09", "2025-10", "2025-11", "2025-12",
        "2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06",
    ]  # fmt: skip
    # January's only episode was entered in error; March's started in April.
    assert months == {**dict.fromkeys(months, 0), "2025-07": 1, "2026-04": 1, "2026-05": 3}
    assert got.missing_total == 5

    # Only places named for two or more children: Dell's leisure centre is Dell's.
    assert [(h.key, h.children, h.mentions) for h in got.hotspots] == [
        ("canal towpath", 2, 2),
        ("zz1 1aa", 2, 2),
    ]
    assert got.hotspots[1].postcode == "ZZ1 1AA"

    assert got.overdue_visits == [
        (ids["Birch"], "Birch Quillfeather", 31),
        (ids["Ash"], "Ash Quillfeather", 6),
    ]
    # The same children the caseload table marks overdue.
    assert {r.child_id for r in caseload_summary(store.conn, NOW) if r.overdue_visits} == {
        ids["Birch"],
        ids["Ash"],
    }

    late = [(i.child_id, i.completed_at is None, i.hours_late) for i in got.late_interviews]
    assert late == [(ids["Birch"], True, 5), (ids["Ash"], False, 48)]
    assert got.late_interviews[0].due == datetime(2026, 6, 1, 7, 0, tzinfo=UTC)
    assert (got.interviews_overdue, got.interviews_completed_late) == (1, 1)

    # Cedar is still out: the same one child the caseload marks "Missing now".
    assert got.missing_now == 1
    assert [r.child_id for r in caseload_summary(store.conn, NOW) if r.missing_now] == [
        ids["Cedar"]
    ]


def test_the_period_is_the_workers_choice(repo, store):
    build_caseload(repo)
    three = caseload_insights(store.conn, NOW, months=3)
    assert [m for m, _ in three.missing_per_month] == ["2026-04", "2026-05", "2026-06"]
    assert three.missing_total == 4 and three.months == 3
    # Only Ash's done-late interview (April) is in both periods; the overdue
    # ones are overdue whatever the period.
    assert (three.interviews_overdue, three.interviews_completed_late) == (1, 1)
    assert len(three.overdue_visits) == 2

    two_years = caseload_insights(store.conn, NOW, months=24)
    assert two_years.missing_per_month[0] == ("2024-07", 0)
    assert two_years.missing_total == 6  # June 2025 comes in
    assert two_years.missing_now == 1

    with pytest.raises(ValueError):
        caseload_insights(store.conn, NOW, months=5)


def test_a_place_counts_for_the_period_its_records_fall_in(repo, store):
    ids = build_caseload(repo)
    # Dell named the bus station too, two years ago: a hotspot over 24 months
    # (three children), two children over the last 12.
    repo.create("concern", {
        "received_at": "2024-08-02T09:00:00+00:00", "source": "school",
        "reliability": "single_source", "places": [{"name": "Bus station", "postcode": "ZZ1 1AA"}],
    }, child_id=ids["Dell"])  # fmt: skip
    recent = caseload_insights(store.conn, NOW, months=12)
    assert [(h.key, h.children) for h in recent.hotspots] == [
        ("canal towpath", 2),
        ("zz1 1aa", 2),
    ]
    longer = caseload_insights(store.conn, NOW, months=24)
    assert [(h.key, h.children) for h in longer.hotspots] == [
        ("zz1 1aa", 3),
        ("canal towpath", 2),
    ]
    # Over three months the canal towpath (Ash in May, Cedar in May) stays,
    # the bus station too (Ash's episode began 1 April in England, Birch in May).
    assert [h.key for h in caseload_insights(store.conn, NOW, months=3).hotspots] == [
        "canal towpath",
        "zz1 1aa",
    ]


def test_an_empty_caseload_has_twelve_empty_months(store):
    got = caseload_insights(store.conn, datetime(2026, 1, 31, 23, 30, tzinfo=UTC))
    assert got.missing_per_month[0] == ("2025-02", 0)
    assert got.missing_per_month[-1] == ("2026-01", 0)
    assert got.hotspots == [] and got.overdue_visits == [] and got.late_interviews == []


def test_the_current_month_is_the_one_in_england(store):
    # 23:30 UTC on 31 May is 00:30 BST on 1 June.
    got = caseload_insights(store.conn, datetime(2026, 5, 31, 23, 30, tzinfo=UTC))
    assert got.missing_per_month[-1][0] == "2026-06"
