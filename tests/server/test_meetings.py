"""Exploitation (MACE) meetings on the central record (sync.server.meetings,
meeting_records): prepared and held in the service's own table, finalised
into each child's `meeting` record and plan actions through the push, so
the allocated worker's feed carries them. SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import sqlalchemy as sa

from sync.errors import RecordInvalid
from sync.server import accounts, admin, meeting_records, meetings
from sync.server.roles import Permission, Role, may
from sync.server.schema import audit_events, mace_meetings, records
from sync.wire import Record
from tests.helpers import PASSWORD
from tests.server.devices import Device, new_child, new_record

DAY = dt.date(2026, 11, 20)


def _plan(child_id: str) -> dict:
    return new_record(
        child_id,
        "plan",
        {"plan_type": "cce", "status": "active", "start_date": "2026-09-01"},
    )


def _world(engine, restricted: list[str] | None = None) -> dict:
    """A coordinator; a social worker holding Rowan (with a plan) and Sorrel
    (none); a health worker holding Rowan too."""
    accounts.add_worker(engine, "coord", PASSWORD, role="coordinator")
    accounts.add_worker(engine, "sw", PASSWORD)
    accounts.add_worker(engine, "nurse", PASSWORD, role="health_worker", agency="health")
    rowan, sorrel = new_child("Rowan"), new_child("Sorrel")
    if restricted:
        rowan["data"]["restricted_to"] = restricted
    plan = _plan(rowan["id"])
    if restricted:
        plan["data"]["restricted_to"] = restricted
    admin.insert_records(
        engine, [Record.model_validate(r) for r in (rowan, sorrel, plan)], by="admin"
    )
    for child in (rowan, sorrel):
        admin.set_assignment(engine, "sw", child["id"], True)
    admin.set_assignment(engine, "nurse", rowan["id"], True)
    with engine.connect() as conn:
        coord = conn.execute(sa.text("SELECT id FROM workers WHERE name = 'coord'")).scalar_one()
    return {"rowan": rowan["id"], "sorrel": sorrel["id"], "plan": plan["id"], "coord": coord}


def _minutes(w: dict, *, sorrel_actions: bool = False) -> meetings.Minutes:
    action = {"description": "Synthetic disruption visit", "owner_agency": "police"}
    return meetings.validate_minutes(
        {
            "date": DAY,
            "chair": "Synthetic Chair",
            "places": [{"name": "Synthetic Park", "postcode": "ab12cd"}],
            "persons": [{"name": "Synthetic Adult", "approx_age": 30}],
            "attendees": [
                {"name": "Ann Attendee", "agency": "police", "role": "DS"},
                {"name": "Ben Absent", "agency": "health", "attended": False},
            ],
            "children": [
                {
                    "child_id": w["rowan"],
                    "discussion": "ROWAN-ONLY discussion",
                    "decisions": "ROWAN-ONLY decisions",
                    "risk_level_agreed": "high",
                    "actions": [
                        action | {"due_date": "2026-11-27"},
                        {
                            "description": "Synthetic school check",
                            "owner_agency": "school_education",
                            "due_date": "2026-12-04",
                        },
                    ],
                },
                {
                    "child_id": w["sorrel"],
                    "discussion": "SORREL-ONLY discussion",
                    "actions": [action | {"due_date": "2026-11-30"}] if sorrel_actions else [],
                },
            ],
            "notes": "CHAIR-NOTES naming both children",
        }
    )


def _finalise(engine, w: dict, meeting_id: str) -> list[str]:
    with engine.begin() as conn:
        return meeting_records.finalise(
            conn, meeting_id, worker_id=w["coord"], worker="coord", role="coordinator", agency="csc"
        )


def _open_meeting(engine, w: dict, minutes: meetings.Minutes) -> str:
    with engine.begin() as conn:
        meeting_id = meetings.create(conn, date=DAY, chair=None, by="coord")
        meetings.save(conn, meeting_id, minutes)
    return meeting_id


def test_only_the_coordinator_runs_meetings():
    assert [r for r in Role if may(r, Permission.run_meetings)] == [Role.coordinator]


def test_a_finalised_meeting_reaches_the_allocated_worker_each_child_its_own_part(engine, client):
    w = _world(engine)
    meeting_id = _open_meeting(engine, w, _minutes(w))
    written = _finalise(engine, w, meeting_id)
    assert len(written) == 4  # two meeting records, Rowan's two actions

    sw = Device(client, "sw")
    sw.pull()
    mine = [r for r in sw.held.values() if r["kind"] in ("meeting", "plan_action")]
    by_child = {c: [r for r in mine if r["child_id"] == c] for c in (w["rowan"], w["sorrel"])}
    rowan_meeting = next(r for r in by_child[w["rowan"]] if r["kind"] == "meeting")
    d = rowan_meeting["data"]
    assert d["meeting_type"] == "mace" and d["date"] == DAY.isoformat()
    assert d["risk_level_agreed"] == "high" and d["chair"] == "Synthetic Chair"
    assert "ROWAN-ONLY decisions" in d["decisions"] and "ROWAN-ONLY discussion" in d["decisions"]
    assert [a["attended"] for a in d["attendees"]] == [True, False]  # apologies kept
    assert d["places"][0]["postcode"] == "AB1 2CD" and d["persons"][0]["name"]
    # Only the child's own part: never the other child's, nor the chair's notes.
    for child in (w["rowan"], w["sorrel"]):
        text = json.dumps([r["data"] for r in by_child[child]])
        assert "CHAIR-NOTES" not in text
        other = "SORREL-ONLY" if child == w["rowan"] else "ROWAN-ONLY"
        assert other not in text
    actions = sorted(
        (r["data"] for r in by_child[w["rowan"]] if r["kind"] == "plan_action"),
        key=lambda a: a["due_date"],
    )
    assert [(a["owner_agency"], a["due_date"]) for a in actions] == [
        ("police", "2026-11-27"),
        ("school_education", "2026-12-04"),
    ]
    assert {a["meeting_id"] for a in actions} == {rowan_meeting["id"]}
    assert {a["plan_id"] for a in actions} == {w["plan"]}
    assert [r["kind"] for r in by_child[w["sorrel"]]] == ["meeting"]

    with engine.connect() as conn:
        audited = conn.execute(
            sa.select(audit_events.c.child_id).where(
                audit_events.c.detail == "MACE meeting finalised"
            )
        ).all()
        assert {c for (c,) in audited} == {w["rowan"], w["sorrel"]}
        assert meetings.load(conn, meeting_id).is_final


def test_bad_input_names_the_field_and_stores_nothing(engine):
    w = _world(engine)
    meeting_id = _open_meeting(engine, w, _minutes(w))
    bad = _minutes(w).model_dump(mode="json")
    bad["children"][0]["actions"][0]["due_date"] = "next week"
    with pytest.raises(RecordInvalid) as exc:
        meetings.validate_minutes(bad)
    assert exc.value.message.startswith("children.0.actions.0.due_date:")
    assert "next week" not in exc.value.message  # never the value typed

    twice = _minutes(w)
    twice.children.append(twice.children[0])
    with engine.begin() as conn, pytest.raises(RecordInvalid) as exc:
        meetings.save(conn, meeting_id, twice)
    assert exc.value.message.startswith("children.2.child_id:")
    with engine.connect() as conn:
        assert len(meetings.load(conn, meeting_id).minutes.children) == 2


def test_a_child_without_an_open_plan_refuses_the_whole_finalise(engine):
    w = _world(engine)
    meeting_id = _open_meeting(engine, w, _minutes(w, sorrel_actions=True))
    with engine.connect() as conn:
        before = conn.execute(sa.select(sa.func.count()).select_from(records)).scalar_one()
    with pytest.raises(RecordInvalid) as exc:
        _finalise(engine, w, meeting_id)
    assert exc.value.message.startswith("children.1.actions:")
    with engine.connect() as conn:
        # Rowan's records were written before Sorrel's part was refused: rolled back.
        assert conn.execute(sa.select(sa.func.count()).select_from(records)).scalar_one() == before
        assert not meetings.load(conn, meeting_id).is_final


def test_a_finalised_meeting_is_closed_to_edits_and_to_a_second_finalise(engine):
    w = _world(engine)
    meeting_id = _open_meeting(engine, w, _minutes(w))
    _finalise(engine, w, meeting_id)
    with engine.begin() as conn, pytest.raises(meetings.MeetingClosed):
        meetings.save(conn, meeting_id, _minutes(w))
    with pytest.raises(meetings.MeetingClosed):
        _finalise(engine, w, meeting_id)
    with engine.connect() as conn:
        n = conn.execute(
            sa.select(sa.func.count()).select_from(records).where(records.c.kind == "meeting")
        ).scalar_one()
    assert n == 2


def test_a_restricted_child_s_minutes_keep_the_restriction(engine, client):
    w = _world(engine, restricted=["csc", "police"])
    meeting_id = _open_meeting(engine, w, _minutes(w))
    _finalise(engine, w, meeting_id)
    nurse, sw = Device(client, "nurse"), Device(client, "sw")
    nurse.pull()
    sw.pull()
    assert not [r for r in nurse.held.values() if r["kind"] in ("meeting", "plan_action")]
    rowan = [r for r in sw.held.values() if r["child_id"] == w["rowan"] and r["kind"] != "plan"]
    assert {tuple(r["data"]["restricted_to"]) for r in rowan} == {("csc", "police")}


def test_a_child_restricted_away_from_the_coordinator_is_refused(engine):
    w = _world(engine, restricted=["police"])
    meeting_id = _open_meeting(engine, w, _minutes(w))
    with pytest.raises(RecordInvalid) as exc:
        _finalise(engine, w, meeting_id)
    assert exc.value.message.startswith("children.0.child_id:")
    with engine.connect() as conn:
        assert conn.execute(sa.select(mace_meetings.c.state)).scalar_one() == meetings.OPEN
