"""The coordinator's daily list query (sync.server.daily_list) on crafted
records, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from sync.server import accounts, admin, council_rules, daily_list, daily_rows
from sync.server.daily_list import Filters
from sync.server.revisions import write_revisions
from sync.server.sequence import take_seqs
from sync.wire import Record
from tests.helpers import PASSWORD
from tests.server.devices import new_child, new_record

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
OLD = (NOW - timedelta(days=5)).isoformat()


def _old(record: dict) -> dict:
    record["updated_at"] = OLD
    return record


def _world(engine) -> dict[str, str]:
    """Ash missing now; Birch missing education; Cedar screened high; Dara
    with a child risk level of medium and a late return interview; Elm on
    nothing (a closed episode, low screening); Fern merged away (a tombstone)."""
    accounts.add_team(engine, "North")
    accounts.add_worker(engine, "sw_north", PASSWORD, team="North")
    accounts.add_worker(engine, "sw_other", PASSWORD)
    ash, birch, cedar, dara, elm = (
        _old(new_child(n)) for n in ("Ash", "Birch", "Cedar", "Dara", "Elm")
    )
    dara["data"]["risk_level"] = "medium"
    rows = [ash, birch, cedar, dara, elm]
    rows.append(_old(new_record(ash["id"], "missing_episode", {"start": "2026-11-30T20:00:00Z"})))
    rows.append(
        _old(
            new_record(birch["id"], "cme_episode", {"notified_at": "2026-11-01", "status": "open"})
        )
    )
    rows.append(
        _old(
            new_record(
                cedar["id"], "assessment", {"date": "2026-10-01", "practitioner_level": "low"}
            )
        )
    )
    # Cedar's later screening, changed today.
    rows.append(
        new_record(cedar["id"], "assessment", {"date": "2026-11-15", "practitioner_level": "high"})
    )
    rows.append(
        _old(
            new_record(
                dara["id"],
                "missing_episode",
                {"start": "2026-11-20T10:00:00Z", "end": "2026-11-25T09:00:00Z"},
            )
        )
    )
    rows.append(
        _old(
            new_record(dara["id"], "visit", {"visit_type": "cin", "start": "2026-11-28T10:00:00Z"})
        )
    )
    rows.append(
        _old(
            new_record(
                dara["id"],
                "plan",
                {"plan_type": "cce", "status": "active", "review_date": "2026-12-10"},
            )
        )
    )
    rows.append(
        _old(
            new_record(
                elm["id"],
                "missing_episode",
                {
                    "start": "2026-11-01T10:00:00Z",
                    "end": "2026-11-02T10:00:00Z",
                    "return_home_interview": {"completed_at": "2026-11-03T10:00:00Z"},
                },
            )
        )
    )
    rows.append(
        _old(
            new_record(elm["id"], "assessment", {"date": "2026-11-01", "practitioner_level": "low"})
        )
    )
    admin.insert_records(engine, [Record.model_validate(r) for r in rows], by="admin")
    for child in (ash, cedar):
        admin.set_assignment(engine, "sw_north", child["id"], True)
    admin.set_assignment(engine, "sw_other", dara["id"], True)
    return {
        n: c["id"] for n, c in zip(("ash", "birch", "cedar", "dara", "elm"), rows[:5], strict=True)
    }


def _by_name(entries: list[daily_list.DailyChild]) -> dict[str, daily_list.DailyChild]:
    return {e.name.split()[0]: e for e in entries}


def test_the_list_holds_missing_missing_education_and_at_risk_children(engine) -> None:
    _world(engine)
    found = _by_name(daily_list.daily_list(engine, agency="csc", now=NOW))
    assert list(found) == ["Ash", "Birch", "Cedar", "Dara"]
    assert found["Ash"].missing_now and not found["Ash"].at_risk
    assert found["Birch"].missing_education
    assert found["Cedar"].at_risk
    assert (found["Cedar"].screening_level, found["Cedar"].screening_date) == (
        "high",
        date(2026, 11, 15),
    )
    assert found["Dara"].at_risk and not found["Dara"].missing_now


def test_each_child_carries_workers_team_visit_interview_and_plan_review(engine) -> None:
    _world(engine)
    found = _by_name(daily_list.daily_list(engine, agency="csc", now=NOW))
    assert found["Ash"].workers == ["sw_north"] and found["Ash"].teams == ["North"]
    assert found["Birch"].workers == []
    dara = found["Dara"]
    assert dara.last_visit == date(2026, 11, 28)
    assert dara.interview_due == datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
    assert dara.interview_late
    assert dara.plan_review == date(2026, 12, 10)
    assert found["Ash"].interview_due is None


def test_changed_since_yesterday_follows_the_records_change_time(engine) -> None:
    _world(engine)
    found = _by_name(daily_list.daily_list(engine, agency="csc", now=NOW.replace(year=2026)))
    # Cedar's screening was written now (new_record's time), the rest 5 days ago.
    live = _by_name(daily_list.daily_list(engine, agency="csc"))
    assert live["Cedar"].changed_since_yesterday
    assert not live["Ash"].changed_since_yesterday
    assert not found["Ash"].changed_since_yesterday


def test_filters_narrow_by_reason_worker_and_team(engine) -> None:
    _world(engine)
    with engine.connect() as conn:
        north = conn.execute(sa.text("SELECT id FROM teams WHERE name = 'North'")).scalar_one()
        other = conn.execute(sa.text("SELECT id FROM workers WHERE name = 'sw_other'")).scalar_one()

    def names(filters: Filters) -> list[str]:
        return [
            e.name.split()[0] for e in daily_list.daily_list(engine, filters, agency="csc", now=NOW)
        ]

    assert names(Filters(missing_now=True)) == ["Ash"]
    assert names(Filters(missing_education=True, at_risk=True)) == ["Birch", "Cedar", "Dara"]
    assert names(Filters(team_id=north)) == ["Ash", "Cedar"]
    assert names(Filters(worker_id=other)) == ["Dara"]


def test_a_merged_away_child_leaves_the_list(engine) -> None:
    ids = _world(engine)
    ash = next(r for r in admin.current_records(engine) if str(r.id) == ids["ash"])
    _rewrite(engine, ash, deleted=True)
    names = [e.name.split()[0] for e in daily_list.daily_list(engine, agency="csc", now=NOW)]
    assert "Ash" not in names


def test_sorting_takes_only_whitelisted_columns_empty_last(engine) -> None:
    _world(engine)
    entries = daily_list.daily_list(engine, agency="csc", now=NOW)
    by_visit = daily_list.sort_by(entries, "last_visit")
    assert by_visit[0].name.startswith("Dara")
    assert [e.name for e in daily_list.sort_by(entries, "data; DROP")] == [e.name for e in entries]
    assert daily_list.sort_by(entries, "name", descending=True)[0].name.startswith("Dara")


def test_a_councils_own_return_interview_hours_make_an_interview_late(engine) -> None:
    """A child found 60 hours ago: within the bundled 72 hours, not late;
    late once the council loads a rule of 48 hours."""
    child = _old(new_child("Gorse"))
    found_at = NOW - timedelta(hours=60)
    episode = new_record(
        child["id"],
        "missing_episode",
        {"start": (found_at - timedelta(hours=5)).isoformat(), "end": found_at.isoformat()},
    )
    child["data"]["risk_level"] = "medium"  # on the list, as at risk
    admin.insert_records(engine, [Record.model_validate(r) for r in (child, episode)], by="admin")
    bundled = _by_name(daily_list.daily_list(engine, agency="csc", now=NOW))["Gorse"]
    assert bundled.interview_due == found_at + timedelta(hours=72)
    assert not bundled.interview_late
    council_rules.load_due_rules(engine, {"return_home_interview_hours": 48}, by="admin")
    council = _by_name(daily_list.daily_list(engine, agency="csc", now=NOW))["Gorse"]
    assert council.interview_due == found_at + timedelta(hours=48)
    assert council.interview_late


def _police_only(engine) -> dict[str, str]:
    """Hazel missing now on a police-only episode and nothing else; Ivy at
    risk (seen by all) with a police-only open episode as well."""
    hazel, ivy = _old(new_child("Hazel")), _old(new_child("Ivy"))
    ivy["data"]["risk_level"] = "high"
    restricted = {"restricted_to": ["police"], "police_reference": "ZZ-SECRET-1"}
    rows = [
        hazel,
        ivy,
        new_record(hazel["id"], "missing_episode", {"start": "2026-11-30T20:00:00Z"} | restricted),
        new_record(ivy["id"], "missing_episode", {"start": "2026-11-29T20:00:00Z"} | restricted),
        new_record(
            hazel["id"],
            "visit",
            {"visit_type": "cin", "start": "2026-11-27T10:00:00Z", "restricted_to": ["police"]},
        ),
    ]
    admin.insert_records(engine, [Record.model_validate(r) for r in rows], by="admin")
    return {"hazel": hazel["id"], "ivy": ivy["id"]}


def test_a_child_listed_only_by_a_restricted_record_says_whom_to_ask_and_nothing_more(
    engine,
) -> None:
    _police_only(engine)
    found = _by_name(daily_list.daily_list(engine, agency="csc", now=NOW))
    hazel = found["Hazel"]
    assert hazel.restricted_words == "A restricted police record — ask the police contact"
    # Nothing of the record: not which reason, no dates, no change.
    assert not (hazel.missing_now or hazel.missing_education or hazel.at_risk)
    assert hazel.last_visit is None and hazel.interview_due is None
    assert not hazel.changed_since_yesterday
    assert found["Ivy"].at_risk and not found["Ivy"].missing_now
    assert found["Ivy"].restricted_words is not None
    # Shown under any reason chosen, so the filter gives no reason away.
    for reason in ("missing_now", "missing_education", "at_risk"):
        names = [
            e.name.split()[0]
            for e in daily_list.daily_list(engine, Filters(**{reason: True}), agency="csc", now=NOW)
        ]
        assert "Hazel" in names


def test_the_police_see_their_own_restricted_record_as_it_is(engine) -> None:
    _police_only(engine)
    hazel = _by_name(daily_list.daily_list(engine, agency="police", now=NOW))["Hazel"]
    assert hazel.missing_now and hazel.restricted_words is None
    assert hazel.last_visit == date(2026, 11, 27)


def _rewrite(engine, record: Record, **changes: object) -> None:
    """The record's next revision, written as the service writes any."""
    with engine.begin() as conn:
        nxt = record.model_copy(update={"rev": record.rev + 1, **changes})
        write_revisions(conn, [(nxt, None)], take_seqs(conn, 1))


def test_the_derived_rows_follow_each_revision_and_rebuild_makes_them_again(engine) -> None:
    ids = _world(engine)
    current = {str(r.id): r for r in admin.current_records(engine)}
    ash_episode = next(
        r for r in current.values() if str(r.child_id) == ids["ash"] and r.kind == "missing_episode"
    )
    _rewrite(engine, ash_episode, data=ash_episode.data | {"end": "2026-12-01T08:00:00Z"})
    names = [e.name.split()[0] for e in daily_list.daily_list(engine, agency="csc", now=NOW)]
    assert "Ash" not in names
    with engine.connect() as conn:
        returned = conn.execute(
            sa.text("SELECT returned FROM daily_rows WHERE record_id = :i"),
            {"i": str(ash_episode.id)},
        ).scalar_one()
    assert returned == "2026-12-01T08:00:00"
    # Dara's only visit goes: so does her last visit.
    visit = next(r for r in current.values() if r.kind == "visit")
    _rewrite(engine, visit, deleted=True)
    dara = _by_name(daily_list.daily_list(engine, agency="csc", now=NOW))["Dara"]
    assert dara.last_visit is None
    # Birch's own record goes (a merge's other half): every row of Birch goes.
    _rewrite(engine, current[ids["birch"]], deleted=True)
    with engine.connect() as conn:
        left = conn.execute(
            sa.text("SELECT count(*) FROM daily_rows WHERE child_id = :c"), {"c": ids["birch"]}
        ).scalar_one()
    assert left == 0
    with engine.begin() as conn:
        before = conn.execute(sa.text("SELECT * FROM daily_rows ORDER BY record_id")).all()
        assert daily_rows.rebuild(conn) >= 10
        after = conn.execute(sa.text("SELECT * FROM daily_rows ORDER BY record_id")).all()
    assert before == after
