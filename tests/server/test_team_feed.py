"""A team manager's feed holds their team's children (sync.server.team_holds):
a child arrives when it is allocated to a member, leaves when it is taken
from them, when the member leaves the team, or when the team gets another
manager; the manager may push to those children, and a social worker may
not push a sign-off (sync.kinds.oversight). On SQLite and PostgreSQL."""

from __future__ import annotations

from sync.server import accounts, admin
from tests.helpers import PASSWORD
from tests.server.devices import Device, new_child, new_record


def _team(engine) -> None:
    accounts.add_worker(engine, "mona", PASSWORD, role="team_manager")
    accounts.add_team(engine, "North", manager="mona")
    for name in ("sam", "sue"):
        accounts.add_worker(engine, name, PASSWORD, team="North")
    accounts.add_team(engine, "South")


def _child(engine, worker: str | None = None) -> str:
    child = new_child()
    admin.insert_records(engine, [admin.Record.model_validate(child)])
    if worker:
        admin.set_assignment(engine, worker, child["id"], True)
    return child["id"]


def _children(dev: Device) -> set[str]:
    dev.pull()
    return {r["child_id"] for r in dev.held.values()}


def test_the_manager_gets_a_members_child_and_loses_it_when_unassigned(engine, client):
    _team(engine)
    mona = Device(client, "mona")
    kept, taken = _child(engine, "sam"), _child(engine, "sue")
    _child(engine)  # nobody's
    assert _children(mona) == {kept, taken}
    assert admin.set_assignment(engine, "sue", taken, False)
    assert _children(mona) == {kept}
    page = mona.pull()[-1]
    assert page["removed_children"] == []  # said once, on the page before


def test_a_child_held_by_two_members_stays_until_both_let_go(engine, client):
    _team(engine)
    mona = Device(client, "mona")
    child = _child(engine, "sam")
    admin.set_assignment(engine, "sue", child, True)
    admin.set_assignment(engine, "sam", child, False)
    assert _children(mona) == {child}
    admin.set_assignment(engine, "sue", child, False)
    assert _children(mona) == set()


def test_a_member_leaving_the_team_takes_their_children_to_the_new_manager(engine, client):
    _team(engine)
    accounts.add_worker(engine, "max", PASSWORD, role="team_manager")
    accounts.set_team_manager(engine, "South", "max")
    mona, max_ = Device(client, "mona"), Device(client, "max")
    child = _child(engine, "sam")
    assert _children(mona) == {child}
    accounts.set_team(engine, "sam", "South")
    assert _children(mona) == set()
    assert _children(max_) == {child}
    accounts.set_team(engine, "sam", "North")
    assert (_children(mona), _children(max_)) == ({child}, set())


def test_a_new_manager_takes_the_team_from_the_old_one(engine, client):
    _team(engine)
    accounts.add_worker(engine, "max", PASSWORD, role="team_manager")
    child = _child(engine, "sam")
    mona, max_ = Device(client, "mona"), Device(client, "max")
    assert _children(mona) == {child}
    accounts.set_team_manager(engine, "North", "max")
    assert (_children(mona), _children(max_)) == (set(), {child})


def test_the_managers_own_allocation_outlasts_and_yields_to_the_team(engine, client):
    _team(engine)
    mona = Device(client, "mona")
    child = _child(engine, "mona")
    admin.set_assignment(engine, "sam", child, True)
    admin.set_assignment(engine, "mona", child, False)  # still the team's
    assert _children(mona) == {child}
    admin.set_assignment(engine, "mona", child, True)
    admin.set_assignment(engine, "sam", child, False)  # still hers
    assert _children(mona) == {child}
    admin.set_assignment(engine, "mona", child, False)
    assert _children(mona) == set()


def test_a_child_a_member_creates_reaches_the_manager(engine, client):
    _team(engine)
    admin.set_policy(engine, workers_may_create_children=True)
    sam, mona = Device(client, "sam"), Device(client, "mona")
    child = new_child()
    assert sam.push(child)["status"] == "applied"
    assert _children(mona) == {child["id"]}


def test_the_manager_may_write_to_the_teams_children(engine, client):
    _team(engine)
    child = _child(engine, "sam")
    mona = Device(client, "mona")
    visit = new_record(child, "visit", {"visit_type": "cin", "start": "2026-05-01T10:00:00+00:00"})
    assert mona.push(visit)["status"] == "applied"
    assert admin.set_assignment(engine, "sam", child, False)
    refused = mona.push(new_record(child, "visit", visit["data"]))
    assert refused["status"] == "rejected"


def _final_visit(child: str) -> dict:
    return new_record(
        child,
        "visit",
        {
            "visit_type": "cin",
            "start": "2026-05-01T10:00:00+00:00",
            "child_seen": True,
            "status": "final",
            "finalised_at": "2026-05-01T12:00:00+00:00",
            "finalised_by": "sam",
        },
    )


def _sign_off(child: str, visit_id: str) -> dict:
    data = {"visit_id": visit_id, "signed_by": "Mona", "signed_at": "2026-05-02T09:00:00+00:00"}
    return new_record(child, "sign_off", data)


def test_a_social_worker_cannot_push_a_sign_off_and_the_manager_can(engine, client):
    _team(engine)
    child = _child(engine, "sam")
    sam, mona = Device(client, "sam"), Device(client, "mona")
    note = _final_visit(child)
    assert sam.push(note)["status"] == "applied"
    refused = sam.push(_sign_off(child, note["id"]))
    assert refused["status"] == "rejected"
    assert refused["reason"].startswith("kind: only a team manager or a coordinator")
    signed = mona.push(_sign_off(child, note["id"]))
    assert signed["status"] == "applied"
    sam.pull()
    assert {r["kind"] for r in sam.held.values()} == {"child", "visit", "sign_off"}


def test_only_a_finalised_visit_of_the_child_is_signed_off(engine, client):
    _team(engine)
    child = _child(engine, "sam")
    sam, mona = Device(client, "sam"), Device(client, "mona")
    draft = new_record(child, "visit", {"visit_type": "cin", "start": "2026-05-01T10:00:00+00:00"})
    assert sam.push(draft)["status"] == "applied"
    refused = mona.push(_sign_off(child, draft["id"]))
    assert refused["reason"] == "visit_id: only a finalised visit note can be signed off"
    elsewhere = mona.push(_sign_off(child, new_record(child, "visit", {})["id"]))
    assert elsewhere["reason"].startswith("visit_id: no visit note with this id")


def test_me_says_who_the_worker_is_and_a_managers_team_caseloads(engine, client):
    _team(engine)
    child = _child(engine, "sam")
    mona, sam = Device(client, "mona"), Device(client, "sam")
    body = client.get("/api/v1/me", headers=mona.headers).json()
    assert body == {
        "worker": "mona",
        "role": "team_manager",
        "role_words": "Team manager",
        "agency": "csc",
        "agency_words": "Children's social care",
        "team": "Default team",
        "team_manager": None,
        "manages": ["North"],
        "team_caseloads": {"sam": [child]},
    }
    body = client.get("/api/v1/me", headers=sam.headers).json()
    assert (body["role"], body["team"], body["manages"], body["team_caseloads"]) == (
        "social_worker",
        "North",
        [],
        {},
    )
