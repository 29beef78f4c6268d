"""The coordinator's daily list query (sync.server.daily_list) on crafted
records, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from sync.server import accounts, admin, daily_list
from sync.server.daily_list import Filters
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
    found = _by_name(daily_list.daily_list(engine, now=NOW))
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
    found = _by_name(daily_list.daily_list(engine, now=NOW))
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
    found = _by_name(daily_list.daily_list(engine, now=NOW.replace(year=2026)))
    # Cedar's screening was written now (new_record's time), the rest 5 days ago.
    live = _by_name(daily_list.daily_list(engine))
    assert live["Cedar"].changed_since_yesterday
    assert not live["Ash"].changed_since_yesterday
    assert not found["Ash"].changed_since_yesterday


def test_filters_narrow_by_reason_worker_and_team(engine) -> None:
    _world(engine)
    with engine.connect() as conn:
        north = conn.execute(sa.text("SELECT id FROM teams WHERE name = 'North'")).scalar_one()
        other = conn.execute(sa.text("SELECT id FROM workers WHERE name = 'sw_other'")).scalar_one()

    def names(filters: Filters) -> list[str]:
        return [e.name.split()[0] for e in daily_list.daily_list(engine, filters, now=NOW)]

    assert names(Filters(missing_now=True)) == ["Ash"]
    assert names(Filters(missing_education=True, at_risk=True)) == ["Birch", "Cedar", "Dara"]
    assert names(Filters(team_id=north)) == ["Ash", "Cedar"]
    assert names(Filters(worker_id=other)) == ["Dara"]


def test_a_merged_away_child_leaves_the_list(engine) -> None:
    ids = _world(engine)
    with engine.begin() as conn:
        conn.execute(
            sa.text("UPDATE records SET deleted = :t WHERE id = :i"), {"t": True, "i": ids["ash"]}
        )
    names = [e.name.split()[0] for e in daily_list.daily_list(engine, now=NOW)]
    assert "Ash" not in names


def test_sorting_takes_only_whitelisted_columns_empty_last(engine) -> None:
    _world(engine)
    entries = daily_list.daily_list(engine, now=NOW)
    by_visit = daily_list.sort_by(entries, "last_visit")
    assert by_visit[0].name.startswith("Dara")
    assert [e.name for e in daily_list.sort_by(entries, "data; DROP")] == [e.name for e in entries]
    assert daily_list.sort_by(entries, "name", descending=True)[0].name.startswith("Dara")
