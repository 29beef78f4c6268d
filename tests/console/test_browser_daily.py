"""The daily list in a real browser (Debian's chromium) against the real
service on loopback: the list, then a filter chosen in its form."""

from __future__ import annotations

from datetime import UTC, datetime

from selenium.webdriver.common.by import By

from sync.server import admin
from sync.server.roles import Role
from sync.wire import Record
from tests.console.browser import (
    assert_accessible,
    click_to_next_page,
    screenshot,
    sign_in,
    wait_for,
    wait_for_path,
)
from tests.server.devices import new_child, new_record


def test_the_daily_list_and_a_filter(driver, live_console) -> None:
    hazel, ivy, juno = new_child("Hazel"), new_child("Ivy"), new_child("Juno")
    police_only = {"start": datetime.now(UTC).isoformat(), "restricted_to": ["police"]}
    rows = [
        hazel,
        ivy,
        juno,
        new_record(juno["id"], "missing_episode", police_only),
        new_record(hazel["id"], "missing_episode", {"start": datetime.now(UTC).isoformat()}),
        new_record(ivy["id"], "cme_episode", {"notified_at": "2026-11-01", "status": "open"}),
    ]
    admin.insert_records(live_console.engine, [Record.model_validate(r) for r in rows], by="admin")
    base = live_console.url
    sign_in(driver, base, live_console.accounts[Role.coordinator])
    wait_for_path(driver, "/console/daily")
    table = wait_for(driver, "table").text
    assert "Hazel" in table and "Ivy" in table
    # Listed for a record only the police see: whom to ask, nothing more.
    juno_row = driver.find_element(By.XPATH, "//tr[th[contains(., 'Juno')]]").text
    assert "A restricted police record — ask the police contact" in juno_row
    assert "Missing now" not in juno_row
    assert_accessible(driver)
    screenshot(driver, "daily-list")

    driver.find_element(By.CSS_SELECTOR, "input[name=missing_education]").click()
    click_to_next_page(
        driver, driver.find_element(By.CSS_SELECTOR, "form.form button[type=submit]")
    )
    wait_for(driver, "caption")
    assert "missing_education=1" in driver.current_url
    table = wait_for(driver, "table").text
    assert "Ivy" in table and "Hazel" not in table
    assert_accessible(driver)
    screenshot(driver, "daily-list-missing-education")
