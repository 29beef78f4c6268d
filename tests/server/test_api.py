from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime, timedelta

from sync.server import admin
from tests.helpers import PASSWORD
from tests.server.devices import Device, new_child, new_record


def visit(child_id: str, **extra) -> dict:
    data = {"visit_type": "cin", "start": "2026-05-01T10:00:00+00:00"} | extra
    return new_record(child_id, "visit", data)


def test_enrol_and_create_child_then_pull(client, workers):
    alice = Device(client, "alice")
    child = new_child()
    result = alice.push(child)
    assert result["status"] == "applied" and result["record"]["rev"] == 1
    alice.pull()
    assert set(alice.held) == {child["id"]}
    assert alice.held[child["id"]]["updated_by"] == "alice"


def test_authorisation_matrix(client, workers, engine):
    alice, bob = Device(client, "alice"), Device(client, "bob")
    child = new_child()
    alice.push(child)
    note = visit(child["id"], observations="only alice may see this")
    assert alice.push(note)["status"] == "applied"

    bob.pull()
    assert bob.held == {}
    refused = bob.push(visit(child["id"]))
    assert refused["status"] == "rejected" and "caseload" in refused["reason"]
    r = client.get(f"/api/v1/records/{note['id']}/history", headers=bob.headers)
    assert r.status_code == 404
    r = client.get(f"/api/v1/records/{uuid.uuid4()}/history", headers=bob.headers)
    assert r.status_code == 404  # same answer: existence is not revealed

    admin.revoke_device(engine, bob.id)
    for method, path, body in [
        ("get", "/api/v1/changes", None),
        ("post", "/api/v1/changes", {"mutations": []}),
        ("get", "/api/v1/policy", None),
        ("get", f"/api/v1/records/{note['id']}/history", None),
        ("post", "/api/v1/audit", {"events": []}),
        ("put", "/api/v1/escrow", {"escrow_key": "x"}),
    ]:
        r = client.request(method, path, json=body, headers=bob.headers)
        assert r.status_code == 401, (path, r.text)
        assert r.json()["code"] == "device_revoked"
    assert client.get("/api/v1/policy", headers=alice.headers).status_code == 200


def test_unknown_or_missing_token_is_401(client):
    r = client.get("/api/v1/policy")
    assert r.status_code == 401 and r.json()["code"] == "unauthenticated"
    r = client.get("/api/v1/policy", headers={"Authorization": "Bearer nope"})
    assert r.status_code == 401 and r.json()["code"] == "unauthenticated"


def test_sign_in_errors_do_not_reveal_whether_a_worker_exists(client, workers):
    body = {"password": "wrong password", "device_name": "x"}
    a = client.post("/api/v1/auth/enrol", json={"worker": "alice", **body})
    b = client.post("/api/v1/auth/enrol", json={"worker": "nobody-at-all", **body})
    assert a.status_code == b.status_code == 401
    assert a.json() == b.json()


def test_repeated_failures_are_refused_with_429(client, workers):
    body = {"worker": "alice", "password": "wrong password", "device_name": "x"}
    codes = [client.post("/api/v1/auth/enrol", json=body).status_code for _ in range(6)]
    assert codes[:5] == [401] * 5 and codes[5] == 429
    r = client.post("/api/v1/auth/enrol", json=dict(body, password=PASSWORD))
    assert r.status_code == 429  # even the right password, for a while
    assert int(r.headers["Retry-After"]) > 0 and "Try again" in r.json()["message"]


def test_failures_from_one_address_slow_it_but_never_lock_other_names(client, workers):
    # An address is only slowed (names lock): see test_sign_in for a colleague.
    body = {"password": "wrong password", "device_name": "x"}
    codes = [
        client.post("/api/v1/auth/enrol", json={"worker": f"guess{i}", **body}).status_code
        for i in range(6)
    ]
    assert codes == [401] * 6


def test_schema_errors_name_the_field(client, workers):
    alice = Device(client, "alice")
    child = new_child()
    alice.push(child)
    bad = visit(child["id"], visit_type="picnic")
    result = alice.push(bad)
    assert result["status"] == "rejected" and result["reason"].startswith("visit_type")
    assert "picnic" not in result["reason"]


def test_final_visit_cannot_change_and_record_cannot_move(client, workers):
    alice = Device(client, "alice")
    c1, c2 = new_child(), new_child("Wren")
    alice.push(c1)
    alice.push(c2)
    note = visit(
        c1["id"],
        child_seen=True,
        status="final",
        finalised_at="2026-05-01T12:00:00+00:00",
        finalised_by="alice",
    )
    assert alice.push(note)["status"] == "applied"
    changed = dict(note, data=dict(note["data"], observations="later"))
    result = alice.push(changed, base_rev=1)
    assert result["status"] == "rejected" and "final" in result["reason"]
    moved = dict(note, child_id=c2["id"])
    result = alice.push(moved, base_rev=1)
    assert result["status"] == "rejected" and "another child" in result["reason"]


def test_history_keeps_every_revision(client, workers):
    alice = Device(client, "alice")
    child = new_child()
    alice.push(child)
    plan = new_record(child["id"], "plan", {"plan_type": "cse", "risks": "one"})
    alice.push(plan)
    alice.push(dict(plan, data={"plan_type": "cse", "risks": "two"}), base_rev=1)
    r = client.get(f"/api/v1/records/{plan['id']}/history", headers=alice.headers)
    assert [(h["rev"], h["data"]["risks"]) for h in r.json()] == [(1, "one"), (2, "two")]


def test_policy_and_audit(client, workers, engine):
    alice = Device(client, "alice")
    admin.set_policy(engine, idle_lock_minutes=9)
    assert client.get("/api/v1/policy", headers=alice.headers).json()["idle_lock_minutes"] == 9
    event = {"id": str(uuid.uuid4()), "at": "2026-05-01T10:00:00+00:00", "action": "view"}
    for _ in range(2):  # idempotent by event id
        r = client.post("/api/v1/audit", json={"events": [event]}, headers=alice.headers)
        assert r.status_code == 204
    import sqlalchemy as sa

    from sync.server.schema import audit_events

    with engine.connect() as conn:
        rows = conn.execute(sa.select(audit_events.c.source, audit_events.c.action)).all()
    assert rows.count(("client", "view")) == 1
    assert ("server", "enrol") in rows


def test_access_log_has_route_template_not_ids_or_names(client, workers, caplog):
    alice = Device(client, "alice")
    child = new_child("Zanzibar")
    alice.push(child)
    with caplog.at_level(logging.INFO, logger="central_record.access"):
        client.get(f"/api/v1/records/{child['id']}/history", headers=alice.headers)
        alice.pull()
    text = caplog.text
    assert "route=/api/v1/records/{record_id}/history" in text and "status=200" in text
    assert child["id"] not in text and "Zanzibar" not in text and "alice" not in text
    assert alice.headers["Authorization"].split()[1] not in text


def test_old_failures_are_forgotten(client, workers, engine):
    import sqlalchemy as sa

    from sync.server.schema import login_failures

    body = {"worker": "alice", "password": "wrong password", "device_name": "x"}
    for _ in range(4):
        assert client.post("/api/v1/auth/enrol", json=body).status_code == 401
    with engine.begin() as conn:
        conn.execute(
            sa.update(login_failures).values(last_at=datetime.now(UTC) - timedelta(hours=2))
        )
    # Two more failures would have locked a recent count of four; not an old one.
    for _ in range(2):
        assert client.post("/api/v1/auth/enrol", json=body).status_code == 401
    assert client.post("/api/v1/auth/enrol", json=dict(body, password=PASSWORD)).status_code == 200
