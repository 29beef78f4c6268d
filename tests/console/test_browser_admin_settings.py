"""The administration pages beyond accounts and devices in a real browser
(Debian's chromium) against the real service on loopback: an account's
role changed from its page; a rules file with problems refused with them
at the file field and nothing stored, then a good one loaded; the teams
and device policy pages. axe-core on every page, and a screenshot of each."""

from __future__ import annotations

import json

from selenium.webdriver.common.by import By

from sync.server import accounts as account_store
from sync.server import admin, council_rules
from sync.server.roles import Role
from tests.console.browser import assert_accessible, screenshot, sign_in, wait_for, wait_for_path


def _submit(driver, form_action: str, change: str | None = None) -> None:
    css = f"form[action$='{form_action}']"
    if change:
        css += f":has(input[name=change][value={change}])"
    driver.find_element(By.CSS_SELECTOR, f"{css} button[type=submit]").click()


def test_an_administrator_changes_a_role_and_a_bad_rules_file_is_refused(
    driver, live_console, tmp_path
):
    base, engine = live_console.url, live_console.engine
    admin.add_worker(engine, "ali", "long enough")
    sign_in(driver, base, live_console.accounts[Role.administrator])
    wait_for_path(driver, "/console/admin/accounts")
    driver.find_element(By.LINK_TEXT, "ali").click()
    wait_for_path(driver, "/console/admin/account")
    assert "their laptops stop syncing at next contact" in wait_for(driver, "main").text
    assert_accessible(driver)
    screenshot(driver, "admin-account")
    driver.find_element(By.CSS_SELECTOR, "#role option[value='health_worker']").click()
    _submit(driver, "/admin/account", "role")
    assert "The role is changed" in wait_for(driver, ".notice").text
    roles = {a.name: a.role for a in account_store.describe_workers(engine)}
    assert roles["ali"] is Role.health_worker

    driver.get(f"{base}/console/admin/rules")
    assert "None loaded yet" in wait_for(driver, "main").text
    assert_accessible(driver)
    bad = tmp_path / "rules.json"
    bad.write_text(json.dumps({"return_home_interview_hours": "soon", "nonsense_rule": 1}))
    driver.find_element(By.ID, "file").send_keys(str(bad))
    _submit(driver, "/admin/rules")
    problems = wait_for(driver, "#file-error").text
    assert "rules.json: return_home_interview_hours" in problems
    assert "nonsense_rule" in problems
    with engine.connect() as conn:
        assert council_rules.versions(conn) == []
    assert_accessible(driver)
    screenshot(driver, "admin-rules-error")
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"return_home_interview_hours": 48}))
    driver.find_element(By.ID, "file").send_keys(str(good))
    _submit(driver, "/admin/rules")
    assert "Loaded as version 1" in wait_for(driver, ".notice").text
    assert "Download version 1" in driver.find_element(By.TAG_NAME, "table").text
    assert_accessible(driver)
    screenshot(driver, "admin-rules")

    driver.get(f"{base}/console/admin/teams")
    assert "Every team, its manager and its members" in wait_for(driver, "table").text
    assert_accessible(driver)
    screenshot(driver, "admin-teams")
    driver.get(f"{base}/console/admin/policy")
    box = wait_for(driver, "#idle_lock_minutes")
    box.clear()
    box.send_keys("0")
    _submit(driver, "/admin/policy")
    assert "from 1 to 240" in wait_for(driver, "#idle_lock_minutes-error").text
    assert_accessible(driver)
    screenshot(driver, "admin-policy-error")
    box = driver.find_element(By.ID, "idle_lock_minutes")
    box.clear()
    box.send_keys("7")
    _submit(driver, "/admin/policy")
    assert "next sync" in wait_for(driver, ".notice").text
    assert_accessible(driver)
    screenshot(driver, "admin-policy")


def test_an_administrator_issues_a_laptops_recovery_code(driver, live_console):
    base, engine = live_console.url, live_console.engine
    admin.add_worker(engine, "ali", "long enough")
    with engine.begin() as conn:
        from sync.server.auth import create_device

        create_device(conn, account_store.worker_id(conn, "ali"), "North 3")
    sign_in(driver, base, live_console.accounts[Role.administrator])
    wait_for_path(driver, "/console/admin/accounts")
    driver.get(f"{base}/console/admin/devices")
    assert "Recovery code for ali's laptop North 3" in wait_for(driver, "table").text
    assert_accessible(driver)
    screenshot(driver, "admin-devices")
    driver.find_element(By.CSS_SELECTOR, "form[action$='/recovery-code'] button").click()
    code = wait_for(driver, ".recovery-code").text
    assert len(code.replace("-", "")) >= 8
    assert "It works once" in driver.find_element(By.TAG_NAME, "main").text
    assert_accessible(driver)
    screenshot(driver, "admin-recovery-code")
