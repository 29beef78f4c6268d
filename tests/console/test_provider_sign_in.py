"""Signing in to the console through the council's identity provider, in
a real browser (Debian's chromium) through a real provider (pytest-iam's
Canaille, its own login and consent forms) against the real service on
loopback, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from selenium.webdriver.common.by import By

from tests.console.browser import assert_accessible, screenshot, wait_for, wait_for_path
from tests.console.provider import COUNCIL, provider_console, provider_sign_in

PASSWORD = "correct horse battery staple"
FLOW_COOKIE = "__Host-console-provider"


@pytest.fixture
def live(iam_server, service_database, tmp_path):
    with provider_console(iam_server, service_database, tmp_path) as console:
        yield console


@pytest.fixture
def person(iam_server):
    """`person(login, group)`: a user at the provider, in `group` (or none)."""
    made = []

    def make(login: str, group: str | None) -> str:
        user = iam_server.random_user(user_name=login, password=PASSWORD)
        made.append(user)
        if group:
            made.append(iam_server.random_group(display_name=group, members=[user]))
        return login

    yield make
    for thing in reversed(made):
        iam_server.backend.delete(thing)


def _sessions(engine: sa.Engine) -> list[tuple]:
    with engine.connect() as conn:
        return list(conn.execute(sa.text("SELECT worker_id, method FROM console_sessions")))


def _signed_out(driver) -> bool:
    return driver.get_cookie("__Host-console") is None


def test_a_coordinator_signs_in_through_the_council_s_provider(driver, live, person):
    login = person("coord-oidc-1", "cw-coordinators")
    driver.get(f"{live.url}/console/sign-in")
    first = wait_for(driver, "main a.button")
    assert first.text == f"Sign in with {COUNCIL}"
    assert driver.find_elements(By.ID, "password"), "password sign-in is on in these settings"
    assert "does not sign you out of your council account" in driver.page_source
    assert_accessible(driver)
    screenshot(driver, "sign-in-provider")

    provider_sign_in(driver, live.url, login, PASSWORD)
    wait_for_path(driver, "/console/daily")  # the coordinator's home page
    header = wait_for(driver, ".signed-in").text
    assert login in header and "Coordinator" in header
    assert driver.get_cookie(FLOW_COOKIE) is None, "the flow's cookie is used once"
    [(worker_id, method)] = _sessions(live.engine)
    assert method == "provider"
    with live.engine.connect() as conn:
        audited = conn.execute(
            sa.text("SELECT detail FROM audit_events WHERE action = 'console_sign_in'")
        ).scalars()
        assert list(audited) == ["provider"]

    # Signing out ends the console's session (the provider's is its own).
    driver.find_element(By.CSS_SELECTOR, ".signed-in button[type=submit]").click()
    wait_for_path(driver, "/console/sign-in")
    driver.get(f"{live.url}/console/daily")
    wait_for_path(driver, "/console/sign-in")


def test_a_state_that_is_not_this_browser_s_is_refused(driver, live, person):
    person("coord-oidc-2", "cw-coordinators")
    driver.get(f"{live.url}/console/sign-in/provider")  # the flow starts; Canaille's page
    wait_for(driver, "input[name=login]")
    driver.get(f"{live.url}/console/static/console.css")  # back on the console's host
    flow = driver.get_cookie(FLOW_COOKIE)
    assert flow is not None and flow["httpOnly"] and flow["secure"]
    assert flow["sameSite"] == "Lax"
    state = flow["value"].split(".")[0]

    driver.get(f"{live.url}/console/sign-in/provider/done?code=stolen&state=not-{state}")
    assert "did not start on this page" in wait_for(driver, ".notice").text
    assert _signed_out(driver) and _sessions(live.engine) == []
    # The flow is used up even by a refusal: its real state no longer works.
    driver.get(f"{live.url}/console/sign-in/provider/done?code=stolen&state={state}")
    assert "did not start on this page" in wait_for(driver, ".notice").text
    assert _signed_out(driver) and _sessions(live.engine) == []


def test_turning_the_provider_down_signs_nobody_in(driver, live, person):
    login = person("coord-oidc-3", "cw-coordinators")
    provider_sign_in(driver, live.url, login, PASSWORD, answer="deny")
    assert "did not finish signing in" in wait_for(driver, ".notice").text
    assert _signed_out(driver) and _sessions(live.engine) == []


def test_a_person_in_no_caseworker_group_is_refused(driver, live, person):
    login = person("someone-oidc-4", None)
    provider_sign_in(driver, live.url, login, PASSWORD)
    notice = wait_for(driver, ".notice").text
    assert "not in a Caseworker group" in notice
    assert _signed_out(driver) and _sessions(live.engine) == []
    assert_accessible(driver)


def test_a_role_without_the_console_is_told_so(driver, live, person):
    login = person("sw-oidc-5", "cw-social-workers")
    provider_sign_in(driver, live.url, login, PASSWORD)
    assert "Social worker accounts may not" in wait_for(driver, ".notice").text
    assert _signed_out(driver) and _sessions(live.engine) == []
    # Nothing half-made: the refusal linked no identity and made no account.
    with live.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM identities")).scalar_one() == 0


def test_without_password_sign_in_the_form_is_gone_and_refused(driver, live, person):
    live.use(password_sign_in=False)
    driver.get(f"{live.url}/console/sign-in")
    assert wait_for(driver, "main a.button").text == f"Sign in with {COUNCIL}"
    assert driver.find_elements(By.ID, "password") == []
    assert_accessible(driver)
    screenshot(driver, "sign-in-provider-only")

    # A password posted anyway (the form token is right) is refused unread.
    with TestClient(live.app, base_url="https://testserver") as client:
        client.get("/console/sign-in")
        token = client.cookies["__Host-console-pre"]
        r = client.post(
            "/console/sign-in",
            data={"worker": "the.coordinator", "password": "anything", "csrf_token": token},
        )
    assert r.status_code == 403
    assert "does not take passwords" in r.text
    assert "__Host-console=" not in r.headers.get("set-cookie", "")
