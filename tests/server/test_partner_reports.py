"""Partner reports on the central record (sync.server.partner_reports and
report_queue), on SQLite and PostgreSQL: a report reaches the child's
record and the allocated worker's feed, an unknown child waits for the
central team, and a bad form stores nothing."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from sync.server import admin, partner_reports, report_queue
from sync.server.accounts import add_worker
from sync.server.partner_reports import Account, Status
from sync.server.report_forms import ReportInvalid
from sync.server.roles import GRANTS, Permission, Role
from sync.server.schema import audit_events, mutations, records, workers
from sync.server.schema import partner_reports as reports_table
from tests.helpers import PASSWORD
from tests.server.devices import Device

NHS = "9434765919"  # a valid check digit; synthetic
CHILD = {"first_name": "Wren", "last_name": "Ashgrove", "date_of_birth": "2013-06-02"}


def _account(engine, name: str) -> Account:
    with engine.connect() as conn:
        row = conn.execute(sa.select(workers).where(workers.c.name == name)).one()
    return Account(row.id, row.name, row.role, row.agency)


@pytest.fixture
def world(engine, client):
    add_worker(engine, "sam", PASSWORD)
    add_worker(engine, "hillside", PASSWORD, role="partner", agency="school_education")
    add_worker(engine, "pc_ash", PASSWORD, role="partner", agency="police")
    add_worker(engine, "clinic", PASSWORD, role="partner", agency="health")
    add_worker(engine, "cora", PASSWORD, role="coordinator")
    child_id = admin.add_child(
        engine, CHILD | {"legal_status": "cin", "identifiers": {"nhs_number": NHS}}, by="cora"
    )
    admin.set_assignment(engine, "sam", child_id, True)
    laptop = Device(client, "sam")
    laptop.pull()
    return {
        "child_id": child_id,
        "laptop": laptop,
        "school": _account(engine, "hillside"),
        "police": _account(engine, "pc_ash"),
        "health": _account(engine, "clinic"),
        "cora": _account(engine, "cora"),
    }


def _arrived(laptop: Device, kind: str) -> list[dict]:
    laptop.pull()
    return [r for r in laptop.held.values() if r["kind"] == kind]


def test_a_schools_cme_report_lands_on_the_childs_record_and_the_workers_feed(engine, world):
    form = {"first_name": "wren", "last_name": "ASHGROVE", "date_of_birth": "2013-06-02"}
    form |= {"school": "Hillside Primary", "reliability": "confirmed", "enquiries": "Rang home"}
    report_id = partner_reports.submit(engine, world["school"], "cme", form)

    [cme] = _arrived(world["laptop"], "cme_episode")
    assert cme["child_id"] == world["child_id"]
    assert cme["data"]["source_agency"] == "school_education"
    assert cme["data"]["reliability"] == "confirmed"
    assert cme["data"]["partner_report_id"] == report_id
    assert cme["data"]["school"] == "Hillside Primary"
    assert cme["updated_by"] == "hillside"
    [own] = partner_reports.own_reports(engine, world["school"].worker_id)
    assert (own.id, own.status) == (report_id, Status.recorded)
    # Another partner sees nothing of it.
    assert partner_reports.own_reports(engine, world["police"].worker_id) == []
    assert partner_reports.own_report(engine, world["police"].worker_id, report_id) is None
    # The partner holds no child by reporting.
    with engine.connect() as conn:
        actions = conn.execute(sa.select(audit_events.c.action, audit_events.c.detail)).all()
    assert ("partner_report_recorded", "cme") in actions


def test_matched_by_nhs_number_even_when_the_name_differs(engine, world):
    form = {"first_name": "Renny", "last_name": "Ash", "date_of_birth": "2013-06-02"}
    form |= {"nhs_number": "943 476 5919", "received_at": "2026-05-01T21:30"}
    form |= {
        "category": "cce",
        "narrative": "Seen with older youths",
        "reliability": "single_source",
    }
    form |= {"place_name_1": "Canal bridge", "place_postcode_1": "ab1 2cd"}
    form |= {"vehicle_registration_1": "ab12 cde", "person_name_1": "Jay"}
    partner_reports.submit(engine, world["police"], "concern", form)
    [concern] = _arrived(world["laptop"], "concern")
    assert concern["data"]["places"] == [
        {"name": "Canal bridge", "type": None, "postcode": "AB1 2CD"}
    ]
    assert concern["data"]["vehicles"][0]["registration"] == "AB12CDE"
    assert concern["data"]["source_agency"] == "police"
    # England's 21:30 in May is 20:30 UTC.
    assert concern["data"]["received_at"].startswith("2026-05-01T20:30")


def test_police_found_closes_the_open_missing_episode(engine, world):
    base = CHILD | {"reliability": "confirmed", "missing_since": "2026-05-01T18:00"}
    partner_reports.submit(engine, world["police"], "missing", base | {"last_seen": "Park"})
    [episode] = _arrived(world["laptop"], "missing_episode")
    assert episode["data"]["end"] is None
    found = base | {"found_at": "2026-05-02T09:00", "found_location": "Bus station"}
    partner_reports.submit(engine, world["police"], "found", found)
    [closed] = _arrived(world["laptop"], "missing_episode")
    assert closed["id"] == episode["id"] and closed["rev"] == 2
    assert closed["data"]["end"].startswith("2026-05-02T08:00")
    assert closed["data"]["found_location"] == "Bus station"


def test_an_unknown_child_waits_for_the_central_team_then_is_added(engine, world):
    form = {"first_name": "Tamsin", "last_name": "Marlow", "date_of_birth": "2012-01-09"}
    form |= {"school": "Hillside Primary", "reliability": "confirmed"}
    report_id = partner_reports.submit(engine, world["school"], "cme", form)
    [own] = partner_reports.own_reports(engine, world["school"].worker_id)
    assert own.status is Status.received
    [queued] = report_queue.waiting(engine)
    assert (queued.id, queued.child_name, queued.possible) == (report_id, "Tamsin Marlow", [])
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(records)).scalar() == 1

    child_id = report_queue.add_as_new(engine, report_id, by=world["cora"])
    with engine.connect() as conn:
        kinds = conn.execute(
            sa.select(records.c.kind).where(records.c.child_id == child_id)
        ).scalars()
        assert sorted(kinds) == ["child", "cme_episode"]
    assert (
        partner_reports.own_reports(engine, world["school"].worker_id)[0].status is Status.recorded
    )
    assert report_queue.waiting(engine) == []
    with pytest.raises(partner_reports.ReportError, match="already on the child's record"):
        report_queue.decline(engine, report_id, by=world["cora"])


def test_a_similar_child_is_offered_and_matched_by_the_coordinator(engine, world):
    # Same name and date of birth but another NHS number: not matched alone.
    form = CHILD | {"nhs_number": "4010232137", "school": "Hillside", "reliability": "unverified"}
    report_id = partner_reports.submit(engine, world["school"], "cme", form)
    [queued] = report_queue.waiting(engine)
    assert [p.child_id for p in queued.possible] == [world["child_id"]]
    report_queue.match_to(engine, report_id, world["child_id"], by=world["cora"])
    [cme] = _arrived(world["laptop"], "cme_episode")
    assert cme["data"]["partner_report_id"] == report_id


def test_declined_reports_store_no_record(engine, world):
    form = {"first_name": "Tamsin", "last_name": "Marlow", "date_of_birth": "2012-01-09"}
    report_id = partner_reports.submit(
        engine,
        world["health"],
        "concern",
        form
        | {
            "received_at": "2026-05-01T10:00",
            "category": "other",
            "narrative": "x",
            "reliability": "unverified",
        },
    )
    report_queue.decline(engine, report_id, by=world["cora"])
    assert (
        partner_reports.own_reports(engine, world["health"].worker_id)[0].status is Status.declined
    )
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(records)).scalar() == 1


def test_a_report_the_childs_record_refuses_is_kept_back_for_the_central_team(engine, world):
    form = CHILD | {"school": "Hillside", "reliability": "confirmed"}
    partner_reports.submit(engine, world["school"], "cme", form)
    second = partner_reports.submit(engine, world["school"], "cme", form)
    statuses = {
        r.id: r.status for r in partner_reports.own_reports(engine, world["school"].worker_id)
    }
    assert statuses[second] is Status.matched
    [queued] = report_queue.waiting(engine)
    assert queued.id == second and "open missing-education episode" in (queued.held_back or "")
    # Matching again is refused as a whole: nothing changes.
    with pytest.raises(partner_reports.ReportError, match="open missing-education"):
        report_queue.match_to(engine, second, world["child_id"], by=world["cora"])
    assert len(_arrived(world["laptop"], "cme_episode")) == 1


@pytest.mark.parametrize(
    ("who", "rtype", "form", "field", "words"),
    [
        ("school", "cme", CHILD | {"reliability": "confirmed"}, "school", "Enter school."),
        (
            "school",
            "cme",
            CHILD | {"school": "H", "reliability": "confirmed", "nhs_number": "1234567890"},
            "nhs_number",
            "check digit",
        ),
        (
            "school",
            "cme",
            {**CHILD, "date_of_birth": "2 June", "school": "H", "reliability": "confirmed"},
            "date_of_birth",
            "Enter a date",
        ),
        (
            "school",
            "removed_from_roll",
            CHILD | {"school": "H", "reliability": "confirmed", "deletion_ground": "bored"},
            "deletion_ground",
            "Choose one",
        ),
        (
            "police",
            "found",
            CHILD
            | {
                "reliability": "confirmed",
                "missing_since": "2026-05-02T10:00",
                "found_at": "2026-05-01T10:00",
            },
            "found_at",
            "Must not be before",
        ),
        (
            "police",
            "concern",
            CHILD
            | {
                "received_at": "2026-05-01T10:00",
                "category": "cse",
                "narrative": "x",
                "reliability": "confirmed",
                "place_postcode_2": "nowhere",
            },
            "place_postcode_2",
            "UK postcode",
        ),
        (
            "health",
            "cme",
            CHILD | {"school": "H", "reliability": "confirmed"},
            "report_type",
            "does not make",
        ),
    ],
)
def test_a_bad_form_names_its_field_and_stores_nothing(
    engine, world, who, rtype, form, field, words
):
    with engine.connect() as conn:
        before = [
            conn.execute(sa.select(sa.func.count()).select_from(t)).scalar()
            for t in (records, mutations, audit_events)
        ]
    with pytest.raises(ReportInvalid) as caught:
        partner_reports.submit(engine, world[who], rtype, form)
    assert list(caught.value.errors) == [field]
    assert words in caught.value.errors[field]
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(reports_table)).scalar() == 0
        after = [
            conn.execute(sa.select(sa.func.count()).select_from(t)).scalar()
            for t in (records, mutations, audit_events)
        ]
    assert after == before


def test_only_partners_submit_reports():
    holders = {role for role, granted in GRANTS.items() if Permission.submit_reports in granted}
    assert holders == {Role.partner}
