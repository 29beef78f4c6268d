"""Administration in a real browser (Debian's chromium) against the real
service on loopback: an administrator adds an account (a bad one refused
at its field first) and revokes a laptop after its confirmation page; a
coordinator reads a child's audit trail the administrator is refused.
axe-core on every page, and a screenshot of each."""

from __future__ import annotations

from selenium.webdriver.common.by import By

from sync.server import accounts as account_store
from sync.server import admin
from sync.server.roles import Role
from sync.wire import Record
from tests.console.browser import (
    assert_accessible,
    screenshot,
    sign_in,
    wait_for,
    wait_for_path,
    wait_page_left,
)
from tests.server.devices import new_child


def _fill(driver, **fields: str) -> None:
    for name, value in fields.items():
        box = driver.find_element(By.ID, name)
        if box.tag_name == "select":
            box.find_element(By.CSS_SELECTOR, f"option[value='{value}']").click()
        else:
            box.clear()
            box.send_keys(value)


def test_an_administrator_adds_an_account_and_revokes_a_laptop(driver, live_console):
    base, engine = live_console.url, live_console.engine
    admin.add_worker(engine, "ali", "long enough")
    with engine.begin() as conn:
        from sync.server.auth import create_device

        device_id, _ = create_device(conn, account_store.worker_id(conn, "ali"), "North 3")
    sign_in(driver, base, live_console.accounts[Role.administrator])
    wait_for_path(driver, "/console/admin/accounts")
    assert_accessible(driver)
    screenshot(driver, "admin-accounts")

    before = account_store.list_workers(engine)
    _fill(driver, name="new.worker", password="short", role="social_worker")
    driver.find_element(By.CSS_SELECTOR, "form.form button[type=submit]").click()
    assert "at least 8 characters" in wait_for(driver, "#password-error").text
    assert account_store.list_workers(engine) == before
    assert_accessible(driver)
    screenshot(driver, "admin-accounts-error")
    _fill(driver, password="long enough")
    refused = wait_for(driver, "main")
    driver.find_element(By.CSS_SELECTOR, "form.form button[type=submit]").click()
    wait_page_left(driver, refused)  # the same path: the page itself must change
    wait_for_path(driver, "/console/admin/accounts")
    assert "new.worker" in wait_for(driver, "table").text
    assert "new.worker" in account_store.list_workers(engine)

    driver.get(f"{base}/console/admin/devices")
    assert "North 3" in wait_for(driver, "table").text
    assert_accessible(driver)
    screenshot(driver, "admin-devices")
    driver.find_element(By.PARTIAL_LINK_TEXT, "Revoke ali's laptop").click()
    wait_for_path(driver, f"/console/admin/devices/{device_id}/revoke")
    assert "deletes everything it holds" in wait_for(driver, "main").text
    assert not admin.list_devices(engine, "ali")[0]["revoked"]
    assert_accessible(driver)
    screenshot(driver, "admin-revoke")
    driver.find_element(By.CSS_SELECTOR, "form.form button[type=submit]").click()
    wait_for_path(driver, "/console/admin/devices")
    assert admin.list_devices(engine, "ali")[0]["revoked"]


def test_the_audit_trail_refused_to_an_administrator_read_by_a_coordinator(driver, live_console):
    base, engine = live_console.url, live_console.engine
    child = new_child("Juniper")
    admin.insert_records(engine, [Record.model_validate(child)], by="central team")
    sign_in(driver, base, live_console.accounts[Role.administrator])
    wait_for_path(driver, "/console/admin/accounts")
    driver.get(f"{base}/console/audit?child={child['id']}")
    assert "You cannot use this page" in wait_for(driver, "main").text
    assert_accessible(driver)
    driver.find_element(By.CSS_SELECTOR, ".signed-in button[type=submit]").click()
    wait_for_path(driver, "/console/sign-in")

    sign_in(driver, base, live_console.accounts[Role.coordinator])
    wait_for_path(driver, "/console/daily")
    driver.get(f"{base}/console/audit")
    _fill(driver, child=child["id"])
    asked = wait_for(driver, "main")
    driver.find_element(By.CSS_SELECTOR, "form.form button[type=submit]").click()
    # The asking page's main, read as the answer arrives, goes stale: wait
    # for the answer's page first.
    wait_page_left(driver, asked)
    text = wait_for(driver, "main").text
    assert "Nothing is recorded for this child yet." in text or "Read this audit trail" in text
    assert "No temporary access was granted to this child." in text
    assert_accessible(driver)
    screenshot(driver, "audit-trail")


def test_a_coordinator_assigns_and_unassigns_reading_what_the_laptops_do(driver, live_console):
    base, engine = live_console.url, live_console.engine
    admin.add_worker(engine, "ali", "long enough")
    child = new_child("Juniper")
    admin.insert_records(engine, [Record.model_validate(child)], by="central team")
    sign_in(driver, base, live_console.accounts[Role.coordinator])
    wait_for_path(driver, "/console/daily")
    driver.get(f"{base}/console/assign?q=junip")
    assert "Allocated to: nobody" in wait_for(driver, "main").text
    assert_accessible(driver)
    screenshot(driver, "assign-find")
    _fill(driver, **{"worker-1": "ali", "action-1": "assign"})
    driver.find_element(By.CSS_SELECTOR, "section form button[type=submit]").click()
    wait_for_path(driver, "/console/assign/confirm")
    text = wait_for(driver, "main").text
    assert "receive this child's record at its next sync" in text or "no laptop enrolled" in text
    assert allocation_of(engine, child["id"]) == []
    assert_accessible(driver)
    screenshot(driver, "assign-confirm")
    driver.find_element(By.CSS_SELECTOR, "form.form button[type=submit]").click()
    wait_for_path(driver, "/console/assign")
    assert allocation_of(engine, child["id"]) == ["ali"]

    driver.get(f"{base}/console/assign/confirm?child={child['id']}&worker=ali&action=unassign")
    assert "send any unsent work on this child, then remove" in wait_for(driver, "main").text
    assert_accessible(driver)
    driver.find_element(By.CSS_SELECTOR, "form.form button[type=submit]").click()
    wait_for_path(driver, "/console/assign")
    assert allocation_of(engine, child["id"]) == [], driver.find_element(By.TAG_NAME, "main").text


def allocation_of(engine, child_id: str) -> list[str]:
    from sync.server import allocation

    with engine.connect() as conn:
        return allocation.allocated(conn, child_id)
