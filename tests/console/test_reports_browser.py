"""Issue 18's partner report end to end, in one test: a school reports a
child missing education in a real browser (Debian's chromium) against the
real service on loopback; a real enrolled laptop (SQLCipher, keyring)
syncs over HTTP and shows the report as new from the school until the
worker opens it. On the way: axe-core on every page of the reports area,
and their screenshots."""

from __future__ import annotations

from html import unescape

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from sync.server.roles import Role
from tests.console.browser import (
    assert_accessible,
    click_to_next_page,
    screenshot,
    sign_in,
    wait_for,
    wait_for_path,
)
from tests.helpers import PASSWORD, child_data, db
from tests.ui import screens
from tests.ui.conftest import shown_errors, tasks  # noqa: F401 (fixtures)
from tests.ui.two_laptops import laptop_ctx, sync
from ui.child_tabs.education import EducationTab

NEW = "New from School / education"


def _type(driver, name: str, text: str) -> None:
    field = driver.find_element(By.ID, f"field-{name}")
    field.clear()
    field.send_keys(text)


def _set(driver, name: str, value: str) -> None:
    # A date input's typed order follows the browser's locale; its value does not.
    driver.execute_script(
        "arguments[0].value = arguments[1]", driver.find_element(By.ID, f"field-{name}"), value
    )


def test_a_schools_cme_report_in_the_browser_reaches_the_laptop_as_new(
    qtbot,
    driver,
    live_console,
    laptops,
    tasks,  # noqa: F811
    shown_errors,  # noqa: F811
):
    base = live_console.url
    sw = laptops("sw.e2e")
    ctx = laptop_ctx(tasks, sw, shown_errors)
    child = db(ctx, lambda r: r.create("child", child_data("Wren")))
    sync(ctx, sw)
    live_console.add_worker("hillside", PASSWORD, role="partner", agency="school_education")

    sign_in(driver, base, "hillside")
    wait_for_path(driver, "/console/reports")
    assert_accessible(driver)
    screenshot(driver, "reports")
    driver.find_element(By.LINK_TEXT, "Child missing education").click()
    wait_for_path(driver, "/console/reports/new/cme")
    assert_accessible(driver)
    screenshot(driver, "report-cme")

    # Sent without the school: the message at its field, nothing stored.
    _type(driver, "first_name", "Wren")
    _type(driver, "last_name", "Mossgrove")
    _set(driver, "date_of_birth", "2012-06-01")
    Select(driver.find_element(By.ID, "field-reliability")).select_by_value("confirmed")
    driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    assert "Enter school." in wait_for(driver, "#error-school").text
    assert driver.find_element(By.ID, "field-last_name").get_attribute("value") == "Mossgrove"
    assert_accessible(driver)
    screenshot(driver, "report-cme-errors")

    _type(driver, "school", "Hillside Primary")
    driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    wait_for(driver, "dl")
    assert "/console/reports/" in driver.current_url
    assert "On the child's record" in unescape(driver.page_source)
    assert_accessible(driver)
    screenshot(driver, "report-sent")

    # The allocated worker's laptop, at its next sync.
    sync(ctx, sw)
    [row] = [r for r in db(ctx, lambda r: r.caseload()) if r.child_id == str(child.id)]
    assert row.new_from == [NEW]
    tab = screens.open_tab(qtbot, ctx, str(child.id), EducationTab)
    assert NEW in tab.heading.text()
    assert tab.model.records[0].data["school"] == "Hillside Primary"
    qtbot.waitUntil(lambda: db(ctx, lambda r: r.partner_news(str(child.id))) == {}, timeout=5000)
    [row] = [r for r in db(ctx, lambda r: r.caseload()) if r.child_id == str(child.id)]
    assert row.new_from == []

    # The central team's queue (empty: the child was matched), accessible too.
    driver.delete_all_cookies()
    sign_in(driver, base, live_console.accounts[Role.coordinator])
    driver.get(f"{base}/console/reports/queue")
    wait_for(driver, "h1")
    assert "Nothing is waiting" in driver.page_source
    assert_accessible(driver)
    screenshot(driver, "reports-queue")


def test_the_queue_with_a_report_to_match_is_accessible(driver, live_console):
    base = live_console.url
    live_console.add_worker("pc.ash", PASSWORD, role="partner", agency="police")
    sign_in(driver, base, "pc.ash")
    driver.get(f"{base}/console/reports/new/concern")
    _type(driver, "first_name", "Tamsin")
    _type(driver, "last_name", "Marlow")
    _set(driver, "date_of_birth", "2012-01-09")
    _set(driver, "received_at", "2026-05-01T10:30")
    Select(driver.find_element(By.ID, "field-category")).select_by_value("cce")
    _type(driver, "narrative", "Seen getting into cars near the canal.")
    Select(driver.find_element(By.ID, "field-reliability")).select_by_value("single_source")
    _type(driver, "place_name_1", "Canal bridge")
    driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    wait_for(driver, "dl")
    assert "finding the child" in driver.page_source
    assert_accessible(driver)

    driver.delete_all_cookies()
    sign_in(driver, base, live_console.accounts[Role.coordinator])
    driver.get(f"{base}/console/reports/queue")
    assert "about Tamsin Marlow" in wait_for(driver, "h2").text
    assert_accessible(driver)
    screenshot(driver, "reports-queue-waiting")
    click_to_next_page(
        driver, driver.find_element(By.XPATH, "//button[starts-with(., 'Add Tamsin')]")
    )
    wait_for(driver, "h1")
    assert "Nothing is waiting" in driver.page_source
