"""The console's administration pages over real HTTP (the ASGI app):
adding an account (errors at the field, nothing stored), revoking a laptop
after a confirmation page, and the audit trail: refused to an
administrator, read by a coordinator and on the trail itself."""

from __future__ import annotations

from sync.server import accounts as account_store
from sync.server import admin, audit_trail
from sync.server.roles import Role
from sync.wire import Record
from tests.server.devices import new_child


def test_an_administrator_adds_an_account_and_a_bad_one_is_refused_at_its_field(
    console, accounts, engine
):
    console.sign_in(accounts[Role.administrator])
    page = console.get("/console/admin/accounts")
    assert page.status_code == 200 and 'label for="name"' in page.text
    before = account_store.list_workers(engine)
    r = console.post(
        "/console/admin/accounts",
        {"name": "new.worker", "password": "short", "role": "social_worker"},
    )
    assert r.status_code == 422
    assert 'id="password-error"' in r.text and "at least 8 characters" in r.text
    assert account_store.list_workers(engine) == before
    r = console.post(
        "/console/admin/accounts",
        {"name": "new.partner", "password": "long enough", "role": "partner"},
    )
    assert r.status_code == 422 and 'id="agency-error"' in r.text
    assert account_store.list_workers(engine) == before
    r = console.post(
        "/console/admin/accounts",
        {
            "name": "new.worker",
            "password": "long enough",
            "role": "health_worker",
            "agency": "health",
        },
    )
    assert r.status_code == 200 and r.url.path == "/console/admin/accounts"
    added = {a.name: a for a in account_store.describe_workers(engine)}["new.worker"]
    assert (added.role, added.agency.value) == (Role.health_worker, "health")


def test_revoking_a_laptop_asks_first_then_revokes(console, accounts, engine, console_app):
    from fastapi.testclient import TestClient

    from sync.wire import CLIENT_VERSION, CLIENT_VERSION_HEADER
    from tests.server.devices import Device

    admin.add_worker(engine, "ali", "long enough")
    with TestClient(console_app, headers={CLIENT_VERSION_HEADER: CLIENT_VERSION}) as api:
        dev = Device(api, "ali", "long enough")
    console.sign_in(accounts[Role.administrator])
    assert "Revoke ali's laptop" in console.get("/console/admin/devices").text
    confirm = console.get(f"/console/admin/devices/{dev.id}/revoke")
    assert "deletes everything it holds" in confirm.text
    assert not admin.list_devices(engine, "ali")[0]["revoked"]
    r = console.post(f"/console/admin/devices/{dev.id}/revoke", {})
    assert r.status_code == 200
    assert admin.list_devices(engine, "ali")[0]["revoked"]


def test_the_audit_trail_is_refused_to_an_administrator_and_read_by_a_coordinator(
    new_console, accounts, engine
):
    child = new_child("Juniper")
    admin.insert_records(engine, [Record.model_validate(child)], by="central team")
    administrator = new_console()
    administrator.sign_in(accounts[Role.administrator])
    r = administrator.get(f"/console/audit?child={child['id']}")
    assert r.status_code == 403 and "Juniper" not in r.text
    coordinator = new_console()
    coordinator.sign_in(accounts[Role.coordinator])
    r = coordinator.get(f"/console/audit?child={child['id']}")
    assert r.status_code == 200
    assert "Read this audit trail (in the console)" not in r.text  # read before it was written
    with engine.connect() as conn:
        page = audit_trail.trail(conn, child["id"])
    assert [e.detail for e in page.entries if e.action == "audit_read"] == ["in the console"]
    r = coordinator.get("/console/audit?child=no-such-child")
    assert r.status_code == 404 and 'id="child-error"' in r.text
