"""The authorisation matrix of the console: every console route (from
`app.state.console.pages`, i.e. every router in
`sync.server.console.ROUTERS` as mounted), for every role, with a real
session cookie and form token, on SQLite and PostgreSQL. Expected comes
from `roles.GRANTS` and the permission each route declares through
`console_user(...)`.

HOW TO ADD YOUR ROUTES: add one entry to `REQUESTS` per (method, path
template) of your router, a function of (World, role) returning the
`Case`s to send (form fields for a POST, a concrete path for a template
with ids, the status a permitted role gets, and `then` to check the
answer). The test fails while a console route has no entry. A refused
role must get the 403 page (or, without the `console` permission, the
sign-in page) with nothing changed but the audit trail and the session's
last-seen time; every unsafe route is also posted without and with a wrong
form token by every role, expecting 403 and nothing changed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest
import sqlalchemy as sa

from sync.server import meetings
from sync.server.console.headers import CSP
from sync.server.console.sessions import start
from sync.server.console.web import COOKIE, SAFE_METHODS
from sync.server.roles import Permission, Role, may
from sync.server.schema import metadata
from tests.console.console import ConsoleClient

# What a request may change even when refused: the audit of the refusal,
# the session's last-seen time, and the sign-in bookkeeping.
UNWATCHED = {"audit_events", "console_sessions", "login_failures"}


@dataclass
class World:
    engine: sa.Engine
    accounts: dict[Role, str]


@dataclass
class Case:
    path: str
    data: dict | None = None  # form fields of a POST (the form token is added)
    status: int = 200  # what a permitted role gets (after redirects)
    then: Callable[[World, Role, object], None] | None = None


def _lands_on(path: str) -> Callable[[World, Role, object], None]:
    def check(w: World, role: Role, r) -> None:
        assert r.url.path == path, (role, r.url.path)

    return check


def _home(w: World, role: Role, r) -> None:
    # The home page sends each role to its first page, or says there is none.
    first = {
        Role.coordinator: "/console/daily",
        Role.team_manager: "/console/audit",
        Role.administrator: "/console/admin/accounts",
        Role.partner: "/console/reports",
        Role.analyst: "/console/trends",
    }.get(role, "/console/")
    assert r.url.path == first, (role, r.url.path)


REQUESTS: dict[tuple[str, str], Callable[[World, Role], list[Case]]] = {
    ("GET", "/console/sign-in"): lambda w, role: [Case("/console/sign-in")],
    # Signed in already and posting the sign-in form again: a new session.
    ("POST", "/console/sign-in"): lambda w, role: [
        Case("/console/sign-in", {"worker": "", "password": ""}, status=403),
    ],
    # No identity provider in the matrix's service: the sign-in page says so.
    ("GET", "/console/sign-in/provider"): lambda w, role: [
        Case("/console/sign-in/provider", status=404)
    ],
    ("GET", "/console/sign-in/provider/done"): lambda w, role: [
        Case("/console/sign-in/provider/done?code=x&state=y", status=404)
    ],
    ("POST", "/console/sign-out"): lambda w, role: [
        Case("/console/sign-out", {}, then=_lands_on("/console/sign-in")),
    ],
    ("GET", "/console/"): lambda w, role: [Case("/console/", then=_home)],
    ("GET", "/console/daily"): lambda w, role: [Case("/console/daily")],
    ("GET", "/console/daily.csv"): lambda w, role: [Case("/console/daily.csv?at_risk=1")],
    ("GET", "/console/meetings"): lambda w, role: [Case("/console/meetings")],
    ("POST", "/console/meetings"): lambda w, role: [
        Case("/console/meetings", {"date": "2026-11-20"}),
        Case("/console/meetings", {"date": "not a date"}, status=400),
    ],
    ("GET", "/console/meetings/{meeting_id}"): lambda w, role: [
        Case(f"/console/meetings/{_meeting(w)}")
    ],
    ("POST", "/console/meetings/{meeting_id}/finalise"): lambda w, role: [
        # An empty agenda: refused at the field, nothing written.
        Case(f"/console/meetings/{_meeting(w)}/finalise", {}, status=400)
    ],
    ("POST", "/console/meetings/{meeting_id}/{part}"): lambda w, role: [
        Case(f"/console/meetings/{_meeting(w)}/notes", {"notes": "Synthetic notes"}),
        Case(f"/console/meetings/{_meeting(w)}/place", {"postcode": "nowhere"}, status=400),
    ],
    ("GET", "/console/meetings/{meeting_id}/{document}.pdf"): lambda w, role: [
        Case(f"/console/meetings/{_meeting(w)}/agenda.pdf"),
        Case(f"/console/meetings/{_meeting(w)}/minutes.pdf"),
    ],
    ("GET", "/console/admin/accounts"): lambda w, role: [Case("/console/admin/accounts")],
    ("POST", "/console/admin/accounts"): lambda w, role: [
        Case(
            "/console/admin/accounts",
            {"name": f"added.by.{role.value}", "password": "long enough", "role": "social_worker"},
            then=_lands_on("/console/admin/accounts"),
        )
    ],
    ("GET", "/console/admin/devices"): lambda w, role: [Case("/console/admin/devices")],
    ("GET", "/console/admin/devices/{device_id}/revoke"): lambda w, role: [
        Case("/console/admin/devices/no-such-device/revoke", status=404)
    ],
    ("POST", "/console/admin/devices/{device_id}/revoke"): lambda w, role: [
        Case("/console/admin/devices/no-such-device/revoke", {}, status=404)
    ],
    # One account's page (sync.server.console.account): a name nobody has.
    ("GET", "/console/admin/account"): lambda w, role: [
        Case("/console/admin/account?name=no.such.worker", status=404)
    ],
    ("POST", "/console/admin/account"): lambda w, role: [
        Case(
            "/console/admin/account",
            {"name": "no.such.worker", "change": "role", "role": "coordinator"},
            status=404,
        )
    ],
    ("GET", "/console/admin/teams"): lambda w, role: [Case("/console/admin/teams")],
    ("POST", "/console/admin/teams"): lambda w, role: [
        Case(
            "/console/admin/teams",
            {"team_name": f"Team of the {role.value}"},
            then=_lands_on("/console/admin/teams"),
        )
    ],
    ("POST", "/console/admin/teams/manager"): lambda w, role: [
        Case("/console/admin/teams/manager", {"team": "No such team", "manager": "x"}, status=422)
    ],
    ("GET", "/console/admin/policy"): lambda w, role: [Case("/console/admin/policy")],
    # Out of range: shown again at the field, nothing stored.
    ("POST", "/console/admin/policy"): lambda w, role: [
        Case("/console/admin/policy", {"idle_lock_minutes": "0"}, status=422)
    ],
    ("GET", "/console/admin/rules"): lambda w, role: [Case("/console/admin/rules")],
    # No file: refused at the field, nothing stored.
    ("POST", "/console/admin/rules"): lambda w, role: [
        Case("/console/admin/rules", {"kind": "rules"}, status=422)
    ],
    ("GET", "/console/admin/rules/{version}.json"): lambda w, role: [
        Case("/console/admin/rules/99.json", status=404)
    ],
    ("POST", "/console/admin/devices/{device_id}/recovery-code"): lambda w, role: [
        Case("/console/admin/devices/no-such-device/recovery-code", {}, status=404)
    ],
    ("GET", "/console/audit"): lambda w, role: [Case("/console/audit")],
    ("GET", "/console/assign"): lambda w, role: [Case("/console/assign?q=nobody")],
    ("GET", "/console/assign/confirm"): lambda w, role: [
        Case("/console/assign/confirm?child=x&worker=no.such.worker", status=422)
    ],
    ("POST", "/console/assign"): lambda w, role: [
        Case("/console/assign", {"child": "x", "worker": "no.such.worker"}, status=422)
    ],
    # Partner reports (sync.server.console.reports); the matrix's partner is the police.
    ("GET", "/console/reports"): lambda w, role: [Case("/console/reports")],
    ("GET", "/console/reports/new/{report_type}"): lambda w, role: [
        Case("/console/reports/new/missing"),
    ],
    # An empty form: shown again with its errors, nothing stored.
    ("POST", "/console/reports/new/{report_type}"): lambda w, role: [
        Case("/console/reports/new/missing", {}, status=400),
    ],
    # Nobody's report (and so not the caller's): refused, naming nothing.
    ("GET", "/console/reports/{report_id}"): lambda w, role: [
        Case("/console/reports/00000000-0000-0000-0000-000000000000", status=403),
    ],
    ("GET", "/console/reports/queue"): lambda w, role: [Case("/console/reports/queue")],
    ("POST", "/console/reports/queue/{report_id}"): lambda w, role: [
        Case("/console/reports/queue/nothing", {"decision": "decline"}, status=400),
    ],
    ("GET", "/console/trends"): lambda w, role: [Case("/console/trends?months=6")],
    ("GET", "/console/hotspots"): lambda w, role: [Case("/console/hotspots?months=24")],
    # Nothing names the key in an empty record: the page says so, 404.
    ("GET", "/console/hotspots/children"): lambda w, role: [
        Case("/console/hotspots/children?what=place&key=name%3Agnarly+park", status=404)
    ],
}


def _meeting(w: World) -> str:
    """An open meeting with an empty agenda, made before the request."""
    with w.engine.begin() as conn:
        return meetings.create(conn, date=date(2026, 11, 20), chair=None, by="matrix")


def snapshot(engine: sa.Engine) -> dict[str, list[tuple]]:
    with engine.connect() as conn:
        return {
            t.name: sorted(tuple(map(repr, row)) for row in conn.execute(sa.select(t)))
            for t in metadata.sorted_tables
            if t.name not in UNWATCHED
        }


def _signed_in(new_console, engine, role: Role, name: str) -> ConsoleClient:
    """A client with a real session of `role`. A role without `console`
    cannot sign in, so its session is made as sign-in would have made it
    (the account's role changed after it signed in, say)."""
    c = new_console()
    if may(role, Permission.console):
        r = c.sign_in(name)
        assert c.session_cookie, (role, r.text)
        return c
    with engine.begin() as conn:
        worker_id = conn.execute(
            sa.text("SELECT id FROM workers WHERE name = :n"), {"n": name}
        ).scalar_one()
        _id, token = start(conn, worker_id, "password", c.client.app.state.console.clock())
    c.client.cookies.set(COOKIE, token)
    c.token = "a token this role never saw"
    return c


def _pages(console_app) -> set[tuple[str, str]]:
    return {(p.method, p.path) for p in console_app.state.console.pages}


def test_every_console_route_has_requests_in_the_matrix(console_app):
    pages = _pages(console_app)
    assert pages, "no console routes mounted"
    assert pages == set(REQUESTS), "every console route needs its requests in REQUESTS"
    assert {p.permission for p in console_app.state.console.pages} >= {
        Permission.anyone,
        Permission.console,
        Permission.read_central_list,
    }


def test_every_role_on_every_console_route(console_app, new_console, engine, accounts):
    world = World(engine, accounts)
    seen = set()
    for page in console_app.state.console.pages:
        for role, name in accounts.items():
            for case in REQUESTS[(page.method, page.path)](world, role):
                c = _signed_in(new_console, engine, role, name)
                allowed = may(role, page.permission)
                before = None if allowed else snapshot(engine)
                if page.method in SAFE_METHODS:
                    r = c.get(case.path)
                else:
                    r = c.post(case.path, case.data)
                where = f"{role.value}: {page.method} {page.path}"
                seen.add((role, page.method, page.path))
                assert r.headers["content-security-policy"] == CSP, where
                assert r.headers["cache-control"] == "no-store", where
                if not allowed:
                    if may(role, Permission.console):
                        assert r.status_code == 403, (where, r.status_code)
                        assert "You cannot use this page" in r.text, where
                    else:
                        # No console at all: the session ends, back to sign-in.
                        assert r.url.path == "/console/sign-in", where
                        assert "may no longer use the console" in r.text, where
                    assert snapshot(engine) == before, f"{where} changed the database"
                    continue
                assert r.status_code == case.status, (where, r.status_code, r.text[-500:])
                if case.then is not None:
                    case.then(world, role, r)
    assert seen == {(role, m, p) for role in Role for m, p in _pages(console_app)}


@pytest.mark.parametrize("token", ["", "forged"])
def test_an_unsafe_request_without_the_form_token_changes_nothing(
    console_app, new_console, engine, accounts, token
):
    unsafe = [p for p in console_app.state.console.pages if p.method not in SAFE_METHODS]
    assert unsafe, "no unsafe console routes to try"
    world = World(engine, accounts)
    for page in unsafe:
        for role, name in accounts.items():
            if not may(role, Permission.console):
                continue
            for case in REQUESTS[(page.method, page.path)](world, role):
                c = _signed_in(new_console, engine, role, name)
                before = snapshot(engine)
                body = dict(case.data or {})
                if token:
                    body["csrf_token"] = token
                r = c.client.post(case.path, data=body)
                where = f"{role.value}: {page.method} {page.path}"
                assert r.status_code == 403, (where, r.status_code)
                assert "Nothing was changed" in r.text, where
                assert snapshot(engine) == before, f"{where} changed the database"
                # The session is still good: the refusal did not sign out.
                assert c.get("/console/").url.path != "/console/sign-in", where


def test_a_form_from_another_site_is_refused_even_with_the_token(console, accounts, engine):
    console.sign_in(accounts[Role.coordinator])
    for headers in ({"origin": "https://elsewhere.example"}, {"sec-fetch-site": "cross-site"}):
        r = console.post("/console/sign-out", headers=headers)
        assert r.status_code == 403, headers
    # Still signed in: the sign-out was refused.
    assert console.get("/console/daily").url.path == "/console/daily"


def test_every_console_answer_carries_the_security_headers(console, accounts):
    console.sign_in(accounts[Role.coordinator])
    for path in ("/console/sign-in", "/console/static/console.css", "/console/no-such-page"):
        r = console.get(path)
        assert r.headers["content-security-policy"] == CSP, path
        assert r.headers["x-content-type-options"] == "nosniff", path
        assert r.headers["referrer-policy"] == "no-referrer", path
    assert console.get("/console/no-such-page").status_code == 404
    # The API's answers keep theirs.
    assert "content-security-policy" not in console.client.get("/healthz").headers
