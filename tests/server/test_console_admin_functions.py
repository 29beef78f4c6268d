"""The functions the console's administration pages call, beside the CLI's:
disabling accounts, agencies, devices' last contact and version, the
council rules' history and uploads, what an assignment does on the
laptops, and the audit trail read by role. SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from sync.server import accounts, admin, allocation, audit_trail, council_rules
from sync.server.accounts import AdminError
from sync.server.council_rules import RulesFileRefused
from sync.server.roles import GRANTS, Permission, Role
from sync.wire import Record
from tests.helpers import PASSWORD
from tests.server.devices import Device, new_child


def _child(engine, name: str = "Bramble") -> str:
    child = new_child(name)
    admin.insert_records(engine, [Record.model_validate(child)], by="central team")
    return child["id"]


def test_administer_is_the_administrators_and_assignment_the_coordinators():
    assert Permission.administer in GRANTS[Role.administrator]
    assert Permission.administer not in GRANTS[Role.coordinator]
    assert Permission.assign_caseloads in GRANTS[Role.coordinator]
    assert Permission.read_caseload not in GRANTS[Role.administrator]
    assert Permission.read_audit not in GRANTS[Role.administrator]


def test_a_disabled_account_is_refused_and_keeps_everything(client, engine):
    admin.add_worker(engine, "alice", PASSWORD)
    dev = Device(client, "alice")
    child = _child(engine)
    admin.set_assignment(engine, "alice", child, True)
    assert accounts.set_disabled(engine, "alice", True) is True
    assert accounts.set_disabled(engine, "alice", True) is False
    r = client.get("/api/v1/changes", headers=dev.headers)
    assert (r.status_code, r.json()["code"]) == (403, "account_disabled")
    body = {"worker": "alice", "password": PASSWORD, "device_name": "x"}
    r = client.post("/api/v1/auth/enrol", json=body)
    assert (r.status_code, r.json()["code"]) == (401, "sign_in_refused")
    (alice,) = accounts.describe_workers(engine)
    assert alice.disabled
    assert accounts.set_disabled(engine, "alice", False) is True
    r = client.get("/api/v1/changes", headers=dev.headers)
    assert r.status_code == 200
    assert child in {rec["child_id"] for rec in r.json()["records"]}


def test_agency_changes_only_without_a_caseload(engine):
    admin.add_worker(engine, "alice", PASSWORD)
    child = _child(engine)
    admin.set_assignment(engine, "alice", child, True)
    with pytest.raises(AdminError, match=r"^agency: alice holds 1 child"):
        accounts.set_agency(engine, "alice", "health")
    with pytest.raises(AdminError, match=r"^agency: 'nowhere' is not known"):
        accounts.set_agency(engine, "alice", "nowhere")
    admin.set_assignment(engine, "alice", child, False)
    accounts.set_agency(engine, "alice", "health")
    assert accounts.describe_workers(engine)[0].agency.value == "health"


def test_devices_list_their_last_contact_and_version(client, engine):
    admin.add_worker(engine, "alice", PASSWORD)
    dev = Device(client, "alice")
    (before,) = admin.list_devices(engine)
    assert client.get("/api/v1/policy", headers=dev.headers).status_code == 200
    (after,) = admin.list_devices(engine)
    assert after["last_seen"] is not None and after["version"]
    assert after["created_at"] == before["created_at"]
    assert admin.revoke_device(engine, dev.id) is True
    assert admin.revoke_device(engine, dev.id) is False
    assert admin.list_devices(engine)[0]["revoked"]


def test_a_bad_upload_names_the_field_and_stores_nothing(engine):
    with pytest.raises(RulesFileRefused, match="rules.json: is not JSON"):
        council_rules.read_upload("rules.json", b"{not json")
    bad = b'{"statutory_visits": {"cp": {"every_working_days": "often"}}}'
    raw = council_rules.read_upload("rules.json", bad)
    with pytest.raises(RulesFileRefused, match=r"^rules.json: "):
        council_rules.load_due_rules(engine, raw, by="admin", source="rules.json")
    with engine.connect() as conn:
        assert council_rules.versions(conn) == []


def test_versions_are_listed_newest_first(engine):
    council_rules.load_due_rules(engine, {}, by="admin")
    council_rules.load_due_rules(engine, {}, by="admin2")
    with engine.connect() as conn:
        assert [v.version for v in council_rules.versions(conn)] == [2, 1]


def test_what_an_assignment_does_is_said_before_it_is_done(client, engine):
    accounts.add_team(engine, "North")
    admin.add_worker(engine, "mo", PASSWORD, role="team_manager", team="North")
    accounts.set_team_manager(engine, "North", "mo")
    admin.add_worker(engine, "ali", PASSWORD, team="North")
    Device(client, "ali")
    child = _child(engine, "Juniper")
    with engine.connect() as conn:
        (found,) = allocation.find_children(conn, "junip")
        assert found.child_id == child and found.allocated_to == []
        said = allocation.what_happens(conn, "ali", child, True)
    assert said[0] == "ali's laptop will receive this child's record at its next sync."
    assert "mo, who manages North, will see the child under ali" in said[1]
    admin.set_assignment(engine, "ali", child, True)
    with engine.connect() as conn:
        said = allocation.what_happens(conn, "ali", child, False)
        assert allocation.allocated(conn, child) == ["ali"]
    assert said[0].startswith("ali's laptop will send any unsent work on this child, then remove")
    assert "leaves ali's row in mo's team view" in said[1]


def test_the_trail_is_read_by_role(engine):
    admin.add_worker(engine, "cora", PASSWORD, role="coordinator")
    accounts.add_team(engine, "North")
    admin.add_worker(engine, "mo", PASSWORD, role="team_manager", team="North")
    child = _child(engine)
    with engine.begin() as conn:
        cora = accounts.worker_id(conn, "cora")
        mo = accounts.worker_id(conn, "mo")
        with pytest.raises(audit_trail.TrailRefused) as refused:
            audit_trail.read_as(conn, worker_id=mo, role="team_manager", child_id=child)
        assert refused.value.code == "not_your_team"
        audit_trail.read_as(
            conn, worker_id=cora, role="coordinator", child_id=child, detail="in the console"
        )
        page = audit_trail.read_as(conn, worker_id=cora, role="coordinator", child_id=child)
    assert [e.action for e in page.entries] == ["audit_read"]
    assert page.entries[0].detail == "in the console"
