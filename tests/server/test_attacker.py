"""Every endpoint probed as a hostile device would: other workers' ids,
oversized lists, deep nesting, absurd cursors and headers. Nothing answers
500, and nothing of another worker's caseload comes back."""

from __future__ import annotations

import json
import uuid

from sync.server import admin
from sync.server.testing import recovery_code
from sync.wire import CLIENT_VERSION_HEADER
from tests.server.devices import Device, new_child, new_record


def _visit(child_id: str, text: str = "only alice may read this") -> dict:
    return new_record(
        child_id,
        "visit",
        {"visit_type": "cin", "start": "2026-05-01T10:00:00+00:00", "observations": text},
    )


def test_another_workers_record_ids_give_nothing_back(client, workers, engine):
    alice, bob = Device(client, "alice"), Device(client, "bob")
    theirs = new_child("Zanzibar")
    alice.push(theirs)
    note = _visit(theirs["id"])
    alice.push(note)
    mine = new_child("Bobs")
    bob.push(mine)
    # Their note's id, claimed for a record of bob's own child, at any revision.
    for base_rev in (0, 1, 5):
        hijack = dict(note, child_id=mine["id"], data=dict(note["data"], observations="bob's"))
        result = bob.push(hijack, base_rev=base_rev)
        assert result["status"] == "rejected" and result["record"] is None, result
        assert "alice may read" not in str(result)
    # Their child's own record, edited or deleted as if held.
    for record in (dict(theirs, deleted=True), dict(note, deleted=True)):
        result = bob.push(record, base_rev=1)
        assert result["status"] == "rejected" and result["record"] is None
    stored = {str(r.id): r for r in admin.current_records(engine, "alice")}
    assert stored[note["id"]].data["observations"] == "only alice may read this"
    assert not any(r.deleted for r in stored.values())
    r = client.get(f"/api/v1/records/{theirs['id']}/history", headers=bob.headers)
    assert r.status_code == 404 and "Zanzibar" not in r.text
    r = client.post(
        "/api/v1/auth/recover",
        json={
            "worker": "bob",
            "password": "a long enough password",
            "device_id": alice.id,
            "recovery_code": recovery_code(engine, alice.id),
        },
    )
    assert r.status_code == 404


def test_oversized_lists_are_refused_by_name(client, workers):
    alice = Device(client, "alice")
    child = new_child()
    too_many = [
        {"mutation_id": str(uuid.uuid4()), "record": child, "base_rev": 0} for _ in range(1001)
    ]
    r = client.post("/api/v1/changes", json={"mutations": too_many}, headers=alice.headers)
    assert r.status_code == 422 and r.json()["message"].startswith("mutations: ")
    events = [
        {"id": str(uuid.uuid4()), "at": "2026-05-01T10:00:00+00:00", "action": "view"}
        for _ in range(5001)
    ]
    r = client.post("/api/v1/audit", json={"events": events}, headers=alice.headers)
    assert r.status_code == 422 and r.json()["message"].startswith("events: ")


def test_deeply_nested_or_absurd_input_is_refused_not_a_500(client, workers):
    alice = Device(client, "alice")
    child = new_child()
    assert alice.push(child)["status"] == "applied"
    record = new_record(child["id"], "plan", {"plan_type": "cse", "risks": "DEEP"})
    m = {"mutation_id": str(uuid.uuid4()), "record": record, "base_rev": 0}
    body = json.dumps({"mutations": [m]}).replace('"DEEP"', "[" * 5000 + '"x"' + "]" * 5000)
    r = client.post(
        "/api/v1/changes",
        content=body,
        headers=alice.headers | {"Content-Type": "application/json"},
    )
    assert r.status_code in (200, 400, 422), r.text
    if r.status_code == 200:
        assert r.json()["results"][0]["status"] == "rejected"
    else:
        assert set(r.json()) == {"code", "message"}
    for since in ("9" * 19, "1~" + "9" * 19 + "~0", "-1", "1~0~0"):
        r = client.get("/api/v1/changes", params={"since": since}, headers=alice.headers)
        assert r.status_code == 422, (since, r.text)
    for version in ("9" * 6000, "x.y.z", "0." * 500):
        r = client.get("/api/v1/policy", headers=alice.headers | {CLIENT_VERSION_HEADER: version})
        assert r.status_code in (200, 426), (version[:20], r.text)
    r = client.get("/api/v1/changes", params={"limit": 10**12}, headers=alice.headers)
    assert r.status_code == 422


def test_the_central_record_never_trusts_the_senders_name_or_revision(client, workers, engine):
    alice = Device(client, "alice")
    child = dict(new_child(), updated_by="the director", rev=99)
    result = alice.push(child)
    assert result["status"] == "applied"
    assert result["record"]["updated_by"] == "alice" and result["record"]["rev"] == 1
