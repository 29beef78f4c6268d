"""The console's administration pages beyond accounts and devices, over
real HTTP (the ASGI app) on SQLite and PostgreSQL: an account's role,
team, agency and disabling (sessions end; yourself and the last
administrator refused); teams and their managers; the device policy; the
council's rules uploaded, refused with every problem at the field and
nothing stored, versioned and downloaded. Every refusal stores nothing."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from sync.server import accounts as account_store
from sync.server import admin, council_rules
from sync.server.policy import current_policy
from sync.server.roles import Role
from sync.server.schema import audit_events, console_sessions
from sync.wire import Record
from tests.console.console import ConsoleClient
from tests.server.devices import new_child

ACCOUNT = "/console/admin/account"


def _audits(engine, action: str) -> list[str]:
    with engine.connect() as conn:
        return list(
            conn.execute(
                sa.select(audit_events.c.detail).where(audit_events.c.action == action)
            ).scalars()
        )


def _who(engine, name: str) -> account_store.AccountView:
    return {a.name: a for a in account_store.describe_workers(engine)}[name]


def test_an_administrator_changes_an_accounts_role_team_and_agency(console, accounts, engine):
    admin.add_worker(engine, "ali", "long enough")
    account_store.add_team(engine, "North")
    console.sign_in(accounts[Role.administrator])
    page = console.get(f"{ACCOUNT}?name=ali")
    assert page.status_code == 200 and "their laptops stop syncing at next contact" in page.text
    r = console.post(ACCOUNT, {"name": "ali", "change": "role", "role": "health_worker"})
    assert r.status_code == 200 and "The role is changed" in r.text
    assert _who(engine, "ali").role is Role.health_worker
    r = console.post(ACCOUNT, {"name": "ali", "change": "team", "team": "North"})
    assert r.status_code == 200 and _who(engine, "ali").team == "North"
    r = console.post(ACCOUNT, {"name": "ali", "change": "agency", "agency": "health"})
    assert r.status_code == 200 and _who(engine, "ali").agency.value == "health"
    ali = _ids(engine)["ali"]
    assert _audits(engine, "admin_account_role") == [f"worker {ali} role health_worker"]
    assert _audits(engine, "admin_account_agency") == [f"worker {ali} agency health"]
    assert "ali" not in " ".join(d or "" for d in _audits(engine, "admin_account_team"))


def _ids(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {n: i for n, i in conn.execute(sa.text("SELECT name, id FROM workers"))}


def test_account_changes_refused_at_their_field_store_nothing(console, accounts, engine):
    admin.add_worker(engine, "ali", "long enough")
    child = new_child("Juniper")
    admin.insert_records(engine, [Record.model_validate(child)], by="central team")
    admin.set_assignment(engine, "ali", child["id"], True)
    console.sign_in(accounts[Role.administrator])
    before = _who(engine, "ali")
    r = console.post(ACCOUNT, {"name": "ali", "change": "agency", "agency": "police"})
    assert r.status_code == 422 and 'id="agency-error"' in r.text
    assert "Ali holds 1 child" in r.text or "ali holds 1 child" in r.text
    r = console.post(ACCOUNT, {"name": "ali", "change": "role", "role": "partner"})
    assert r.status_code == 422 and 'id="role-error"' in r.text and "Unassign them" in r.text
    r = console.post(ACCOUNT, {"name": "ali", "change": "team", "team": "No such team"})
    assert r.status_code == 422 and 'id="team-error"' in r.text
    r = console.post(ACCOUNT, {"name": "ali", "change": "explode"})
    assert r.status_code == 400
    assert _who(engine, "ali") == before
    assert not [a for a in ("role", "team", "agency") if _audits(engine, f"admin_account_{a}")]


def test_disabling_ends_the_sessions_and_refuses_yourself_and_the_last_administrator(
    new_console, accounts, engine
):
    coordinator = new_console()
    coordinator.sign_in(accounts[Role.coordinator])
    assert coordinator.get("/console/daily").url.path == "/console/daily"
    me = new_console()
    me.sign_in(accounts[Role.administrator])
    name = accounts[Role.coordinator]
    r = me.post(ACCOUNT, {"name": name, "change": "disable"})
    assert r.status_code == 200 and "console sessions have ended" in r.text
    assert _who(engine, name).disabled
    r = coordinator.get("/console/daily")
    assert r.url.path == "/console/sign-in" and "disabled by an administrator" in r.text
    assert _open(engine, name) == 0
    r = me.post(ACCOUNT, {"name": name, "change": "enable"})
    assert r.status_code == 200 and not _who(engine, name).disabled

    mine = accounts[Role.administrator]
    r = me.post(ACCOUNT, {"name": mine, "change": "disable"})
    assert r.status_code == 422 and "cannot disable your own account" in r.text
    r = me.post(ACCOUNT, {"name": mine, "change": "role", "role": "coordinator"})
    assert r.status_code == 422 and "cannot change your own role" in r.text
    assert not _who(engine, mine).disabled and _who(engine, mine).role is Role.administrator

    # Another administrator may disable this one; the last enabled one is
    # kept even by the CLI's function (in the console it is always yourself).
    admin.add_worker(engine, "second.admin", "long enough", role="administrator")
    other = new_console()
    other.sign_in("second.admin", "long enough")
    assert other.post(ACCOUNT, {"name": mine, "change": "disable"}).status_code == 200
    assert me.get("/console/admin/accounts").url.path == "/console/sign-in"
    with pytest.raises(account_store.AdminError, match="last enabled administrator"):
        account_store.set_disabled(engine, "second.admin", True)
    with pytest.raises(account_store.AdminError, match="last enabled administrator"):
        account_store.set_role(engine, "second.admin", "coordinator")
    assert _who(engine, "second.admin").role is Role.administrator


def _open(engine, name: str) -> int:
    with engine.connect() as conn:
        return conn.execute(
            sa.select(sa.func.count())
            .select_from(console_sessions)
            .where(
                console_sessions.c.worker_id == _ids(engine)[name],
                console_sessions.c.ended_at.is_(None),
            )
        ).scalar_one()


def test_teams_are_added_and_given_a_manager_refusals_at_the_field(console, accounts, engine):
    console.sign_in(accounts[Role.administrator])
    assert "Every team, its manager and its members" in console.get("/console/admin/teams").text
    r = console.post("/console/admin/teams", {"team_name": "  "})
    assert r.status_code == 422 and 'id="team_name-error"' in r.text
    r = console.post(
        "/console/admin/teams", {"team_name": "East", "team_manager": accounts[Role.coordinator]}
    )
    assert r.status_code == 422 and 'id="team_manager-error"' in r.text
    assert "East" not in dict(account_store.list_teams(engine))
    r = console.post("/console/admin/teams", {"team_name": "East"})
    assert r.status_code == 200 and "The team is added." in r.text
    manager = accounts[Role.team_manager]
    r = console.post("/console/admin/teams/manager", {"team": "East", "manager": manager})
    assert r.status_code == 200 and dict(account_store.list_teams(engine))["East"] == manager
    r = console.post("/console/admin/teams/manager", {"team": "West", "manager": manager})
    assert r.status_code == 422 and 'id="team-error"' in r.text
    assert len(_audits(engine, "admin_team_add")) == 1
    assert len(_audits(engine, "admin_team_manager")) == 1


def _policy_form(engine) -> dict[str, str]:
    with engine.connect() as conn:
        now = current_policy(conn).model_dump()
    return {k: str(v) for k, v in now.items()} | {
        "workers_may_create_children": "yes" if now["workers_may_create_children"] else "no",
        "temporary_access_hours": "24",
        "console_idle_minutes": "15",
        "council_name": "Anytown Council",
    }


def test_the_policy_page_changes_the_policy_and_refuses_out_of_range_values(
    console, accounts, engine
):
    console.sign_in(accounts[Role.administrator])
    page = console.get("/console/admin/policy")
    assert "Lock a laptop after (minutes, 1 to 240)" in page.text
    assert "next sync" in page.text
    with engine.connect() as conn:
        before = current_policy(conn)
    form = _policy_form(engine)
    for field, bad, words in [
        ("idle_lock_minutes", "0", "from 1 to 240"),
        ("unlock_attempt_limit", "2", "wrong passphrases from 3 to 100"),
        ("max_offline_days", "many", "days from 1 to 365"),
        ("temporary_access_hours", "169", "hours from 0 to 168"),
        ("min_client_version", "latest", "numbers with dots"),
        ("council_name", "", "up to 200 characters"),
    ]:
        r = console.post("/console/admin/policy", form | {field: bad})
        assert r.status_code == 422, field
        assert f'id="{field}-error"' in r.text and words in r.text, field
    with engine.connect() as conn:
        assert current_policy(conn) == before
    assert _audits(engine, "admin_policy") == []
    r = console.post("/console/admin/policy", form | {"idle_lock_minutes": "7"})
    assert r.status_code == 200 and "Laptops take it at their next sync" in r.text
    with engine.connect() as conn:
        assert current_policy(conn).idle_lock_minutes == 7
    assert _audits(engine, "admin_policy") == ["changed council_name,idle_lock_minutes"]


def _upload(console: ConsoleClient, kind: str, name: str, content: bytes):
    return console.client.post(
        "/console/admin/rules",
        data={"csrf_token": console.token, "kind": kind},
        files={"file": (name, content, "application/json")},
    )


def test_rules_uploads_are_checked_whole_versioned_and_downloaded(console, accounts, engine):
    console.sign_in(accounts[Role.administrator])
    assert "None loaded yet" in console.get("/console/admin/rules").text
    bad = json.dumps({"return_home_interview_hours": "soon", "nonsense_rule": 3}).encode()
    for content, words in [
        (b"{not json", "is not JSON"),
        (b"x" * (council_rules.MAX_FILE_BYTES + 10), "larger than 512 KB"),
        (bad, "is not a due-date rule Caseworker knows"),
    ]:
        r = _upload(console, "rules", "mine.json", content)
        assert r.status_code == 422 and 'id="file-error"' in r.text and words in r.text
    r = _upload(console, "rules", "mine.json", bad)
    assert r.text.count("mine.json: ") >= 2  # every problem, not just the first
    r = _upload(console, "tools", "tool.json", b"[]")
    assert r.status_code == 422 and "must be a JSON object" in r.text
    with engine.connect() as conn:
        assert council_rules.versions(conn) == []
    good = json.dumps({"return_home_interview_hours": 48}).encode()
    r = _upload(console, "rules", "rules.json", good)
    assert r.status_code == 200 and "Loaded as version 1" in r.text, r.text[-800:]
    assert "Download version 1" in r.text and accounts[Role.administrator] in r.text
    got = console.get("/console/admin/rules/1.json")
    assert got.status_code == 200 and got.headers["content-type"].startswith("application/json")
    assert got.json()["due_rules"] == {"return_home_interview_hours": 48}
    assert console.get("/console/admin/rules/2.json").status_code == 404
    assert _audits(engine, "admin_rules_load") == ["version 1 due_rules"]


def test_a_recovery_code_is_shown_once_per_press_and_kept_only_hashed(
    console, accounts, engine, console_app
):
    from fastapi.testclient import TestClient

    from sync.server.schema import recovery_codes
    from sync.wire import CLIENT_VERSION, CLIENT_VERSION_HEADER
    from tests.server.devices import Device

    admin.add_worker(engine, "ali", "long enough")
    with TestClient(console_app, headers={CLIENT_VERSION_HEADER: CLIENT_VERSION}) as api:
        dev = Device(api, "ali", "long enough")
    console.sign_in(accounts[Role.administrator])
    assert "Recovery code for ali" in console.get("/console/admin/devices").text
    first = console.post(f"/console/admin/devices/{dev.id}/recovery-code", {})
    assert first.status_code == 200 and "It works once" in first.text
    assert first.headers["cache-control"] == "no-store"
    code = first.text.split('aria-label="Recovery code"><strong>')[1].split("<")[0]
    again = console.post(f"/console/admin/devices/{dev.id}/recovery-code", {})
    assert code and code not in again.text
    with engine.connect() as conn:
        stored = [r for r in conn.execute(sa.select(recovery_codes))]
        details = conn.execute(sa.select(audit_events.c.detail)).scalars().all()
    assert len(stored) == 2 and all(code not in repr(r) for r in stored)
    assert all(code not in (d or "") for d in details)
    assert len(_audits(engine, "recovery_code_issued")) == 2
