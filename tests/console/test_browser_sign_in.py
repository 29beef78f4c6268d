"""Signing in to the console in a real browser (Debian's chromium)
against the real service on loopback, on SQLite and PostgreSQL."""

from __future__ import annotations

from selenium.webdriver.common.by import By

from sync.server.console.headers import CSP
from sync.server.roles import Role
from tests.console.browser import (
    assert_accessible,
    screenshot,
    sign_in,
    wait_for,
    wait_for_path,
)


def test_sign_in_page_is_accessible_and_a_coordinator_signs_in_and_out(driver, live_console):
    base = live_console.url
    driver.get(f"{base}/console/")
    wait_for_path(driver, "/console/sign-in")
    assert_accessible(driver)
    screenshot(driver, "sign-in")

    # A wrong password: the refusal on the page, still accessible.
    sign_in(driver, base, live_console.accounts[Role.coordinator], "not the password")
    assert "The worker name or password is not right." in wait_for(driver, ".notice").text
    assert_accessible(driver)

    # Empty fields: named at the field.
    driver.get(f"{base}/console/sign-in")
    wait_for(driver, "form button[type=submit]").click()
    assert "Enter your worker name." in wait_for(driver, "#worker-error").text
    assert_accessible(driver)
    screenshot(driver, "sign-in-errors")

    sign_in(driver, base, live_console.accounts[Role.coordinator])
    wait_for_path(driver, "/console/daily")
    header = wait_for(driver, ".signed-in").text
    assert "the.coordinator" in header and "Coordinator" in header
    # The session cookie reached the browser on http://127.0.0.1 with its
    # __Host- prefix and flags (chromium counts loopback as secure).
    cookie = driver.get_cookie("__Host-console")
    assert cookie is not None
    assert cookie["secure"] and cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert_accessible(driver)
    screenshot(driver, "daily-empty")

    driver.find_element(By.CSS_SELECTOR, ".signed-in button[type=submit]").click()
    wait_for_path(driver, "/console/sign-in")
    assert "You have signed out." in wait_for(driver, ".notice").text
    driver.get(f"{base}/console/daily")
    wait_for_path(driver, "/console/sign-in")


def test_no_inline_script_or_style_runs_under_the_csp(driver, live_console):
    # The page's own CSP as the browser enforces it: no console error about
    # a refused inline script or style on the sign-in page.
    driver.get(f"{live_console.url}/console/sign-in")
    wait_for(driver, "#worker")
    csp = driver.execute_script("return performance.getEntriesByType('navigation').length")
    assert csp == 1
    html = driver.page_source
    assert "<script>" not in html and " style=" not in html
    logs = driver.get_log("browser")
    assert [e for e in logs if "Content Security Policy" in e.get("message", "")] == []
    assert CSP.startswith("default-src 'none'")
