"""Signing in to the console and its sessions, at the HTTP level: the
service's own sign-in limits and wording, the session cookie's flags, the
idle and absolute limits, sign-out, and accounts whose role changes."""

from __future__ import annotations

import html

import sqlalchemy as sa

from sync.server import accounts as account_admin
from sync.server import admin
from sync.server.access import SIGN_IN_REFUSED
from sync.server.auth import FREE_FAILURES
from sync.server.console.sessions import LIFETIME
from sync.server.roles import Role
from sync.server.schema import audit_events, console_sessions
from tests.console.console import form_token
from tests.helpers import PASSWORD


def _open_sessions(engine) -> list:
    with engine.connect() as conn:
        return conn.execute(
            sa.select(console_sessions).where(console_sessions.c.ended_at.is_(None))
        ).all()


def _actions(engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.execute(sa.select(audit_events.c.action)).scalars())


def test_a_coordinator_signs_in_and_reaches_their_first_page(console, accounts, engine):
    r = console.sign_in(accounts[Role.coordinator])
    assert r.status_code == 200 and r.url.path == "/console/daily"
    assert "Signed in as <strong>the.coordinator</strong>, Coordinator" in r.text
    (session,) = _open_sessions(engine)
    # Only the token's hash is on the record.
    assert console.session_cookie and console.session_cookie not in repr(session)
    assert session.method == "password"
    assert {"console_sign_in", "console_view"} <= set(_actions(engine))


def test_the_session_cookie_is_secure_httponly_strict_and_host_only(console, accounts):
    r = console.sign_in(accounts[Role.coordinator], follow=False)
    assert r.status_code == 303
    cookie = next(c for c in r.headers.get_list("set-cookie") if c.startswith("__Host-console="))
    flags = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert {"secure", "httponly", "samesite=strict", "path=/"} <= flags
    assert not [f for f in flags if f.startswith(("domain", "expires", "max-age"))]


def test_a_wrong_password_and_an_unknown_name_read_the_same(console, accounts, engine):
    wrong = console.sign_in(accounts[Role.coordinator], "not the password")
    nobody = console.sign_in("no.such.worker", "not the password")
    for r in (wrong, nobody):
        assert r.status_code == 401
        assert SIGN_IN_REFUSED in r.text
    assert _open_sessions(engine) == []
    assert console.session_cookie is None


def test_an_empty_field_is_named_at_the_field(console, accounts):
    r = console.sign_in("", "")
    assert r.status_code == 422
    assert "Enter your worker name." in r.text and "Enter your password." in r.text
    assert 'aria-invalid="true"' in r.text


def test_repeated_failures_lock_the_name_as_for_a_laptop(console, accounts, engine):
    name = accounts[Role.coordinator]
    for _ in range(FREE_FAILURES):
        assert console.sign_in(name, "not the password").status_code == 401
    # Locked: even the right password is refused for now, saying when to retry.
    r = console.sign_in(name)
    assert r.status_code == 429
    assert "Too many failed sign-ins. Try again in" in r.text
    assert int(r.headers["retry-after"]) > 0
    assert _open_sessions(engine) == []


def test_a_social_worker_is_told_after_the_right_password_only(console, accounts, engine):
    name = accounts[Role.social_worker]
    r = console.sign_in(name)
    assert r.status_code == 403
    assert "Social worker accounts may not sign in to the web console." in r.text
    assert _open_sessions(engine) == []
    # A wrong password reads as for anyone: the role is not revealed.
    r = console.sign_in(name, "not the password")
    assert r.status_code == 401 and "may not sign in" not in r.text


def test_sign_out_ends_the_session_on_the_server(console, new_console, accounts, engine):
    console.sign_in(accounts[Role.coordinator])
    stolen = console.session_cookie
    r = console.post("/console/sign-out")
    assert r.status_code == 200 and r.url.path == "/console/sign-in"
    assert "You have signed out." in r.text
    assert _open_sessions(engine) == []
    # The cookie, kept by someone, opens nothing any more.
    other = new_console()
    other.client.cookies.set("__Host-console", stolen)
    r = other.get("/console/daily")
    assert r.url.path == "/console/sign-in"
    assert "console_sign_out" in _actions(engine)


def test_the_session_ends_after_the_policys_idle_minutes(console, accounts, engine, clock):
    admin.set_policy(engine, console_idle_minutes=10)
    console.sign_in(accounts[Role.coordinator])
    clock.advance(minutes=9)
    assert console.get("/console/daily").url.path == "/console/daily"
    clock.advance(minutes=9)  # 9 since the last request: still in
    assert console.get("/console/daily").url.path == "/console/daily"
    clock.advance(minutes=11)
    r = console.get("/console/daily")
    assert r.url.path == "/console/sign-in"
    assert "not used for a while" in r.text
    with engine.connect() as conn:
        assert conn.execute(sa.select(console_sessions.c.ended_why)).scalar_one() == "idle"
    # Ended is ended: going back in time does not revive it.
    clock.advance(minutes=-11)
    assert console.get("/console/daily").url.path == "/console/sign-in"


def test_the_session_ends_after_its_lifetime_however_busy(console, accounts, engine, clock):
    console.sign_in(accounts[Role.coordinator])
    steps = int(LIFETIME.total_seconds() // 600) + 1
    for _ in range(steps):
        clock.advance(minutes=10)
        r = console.get("/console/daily")
    assert r.url.path == "/console/sign-in"
    assert "signed in all day" in r.text


def test_a_role_change_ends_the_session_at_the_next_request(console, accounts, engine):
    name = accounts[Role.coordinator]
    console.sign_in(name)
    account_admin.set_role(engine, name, "social_worker")
    r = console.get("/console/daily")
    assert r.url.path == "/console/sign-in"
    assert "may no longer use the console" in r.text
    assert _open_sessions(engine) == []


def test_a_partner_is_refused_the_daily_list_by_url(console, accounts, engine):
    console.sign_in(accounts[Role.partner])
    before = len(_actions(engine))
    r = console.get("/console/daily")
    assert r.status_code == 403
    said = html.unescape(r.text)
    assert "Partner accounts may not read the council's daily list of children." in said
    # Not in their nav either.
    assert 'href="/console/daily"' not in r.text
    assert _actions(engine)[before:] == ["console_refused"]


def test_signing_in_again_ends_the_previous_session(console, accounts, engine):
    console.sign_in(accounts[Role.coordinator])
    first = console.session_cookie
    console.sign_in(accounts[Role.coordinator])
    assert console.session_cookie != first
    assert len(_open_sessions(engine)) == 1


def test_the_sign_in_form_needs_its_own_token(console, accounts, engine):
    page = console.client.get("/console/sign-in")
    token = form_token(page.text)
    body = {"worker": accounts[Role.coordinator], "password": PASSWORD}
    for sent in ({}, {"csrf_token": "forged"}):
        r = console.client.post("/console/sign-in", data=body | sent)
        assert r.status_code == 403, sent
    # From another site, even with the right token.
    r = console.client.post(
        "/console/sign-in",
        data=body | {"csrf_token": token},
        headers={"origin": "https://elsewhere.example"},
    )
    assert r.status_code == 403
    assert _open_sessions(engine) == []
