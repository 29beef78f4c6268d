"""Issue 18's key check for exploitation meetings, in one test: the
coordinator prepares, holds and finalises a MACE meeting in a real browser
(Debian's chromium) against the real service on loopback → a real laptop
profile of the child's allocated worker syncs → the laptop's Meetings tab
shows the meeting with its decisions and its actions. axe-core on every
meetings page; screenshots of them (make console-screenshots)."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from desktop.syncing import engine_for
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
from tests.helpers import child_data, enrol, require_secret_service
from tests.server.devices import new_record
from tests.ui import screens
from ui.child_tabs.meetings import MeetingsTab
from ui.context import AppContext, Events, Session
from ui.tasks import Tasks


def _fill(driver, css: str, text: str) -> None:
    el = wait_for(driver, css)
    el.clear()
    el.send_keys(text)


def _set_date(driver, css: str, iso: str) -> None:
    # A date input's typed order follows the browser's locale; its value is ISO.
    driver.execute_script("arguments[0].value = arguments[1]", wait_for(driver, css), iso)


def _submit(driver, form_action_end: str) -> None:
    old = driver.find_element(By.TAG_NAME, "html")
    form = next(
        f
        for f in driver.find_elements(By.TAG_NAME, "form")
        if (f.get_attribute("action") or "").endswith(form_action_end)
    )
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_page_left(driver, old)


@pytest.fixture
def tasks(qapp):
    errors: list = []
    t = Tasks(on_error=errors.append)
    yield t
    t.shutdown()


def test_a_mace_meeting_finalised_in_the_browser_reaches_the_workers_laptop(
    driver, live_console, vault, qtbot, tasks
):
    require_secret_service()
    base, engine = live_console.url, live_console.engine
    worker = live_console.accounts[Role.social_worker]
    child_id = admin.add_child(engine, child_data(), assign_to=worker, by="central")
    hidden = child_data() | {"preferred_name": "Juniper Hidden", "restricted_to": ["police"]}
    admin.add_child(engine, hidden, by="central", even_if_similar=True)
    admin.add_child(engine, child_data("Rowan"), by="central")
    plan = new_record(child_id, "plan", {"plan_type": "cce", "status": "active"})
    admin.insert_records(engine, [Record.model_validate(plan)], by="central")

    sign_in(driver, base, live_console.accounts[Role.coordinator])
    driver.get(f"{base}/console/meetings")
    wait_for(driver, "h1")
    assert_accessible(driver)
    screenshot(driver, "meetings-list")
    _set_date(driver, "#new-date", "2026-11-20")
    _fill(driver, "#new-chair", "Synthetic Chair")
    _submit(driver, "/console/meetings")
    meeting_path = driver.current_url.split("?")[0]

    # The agenda's child picker: a search, never a list of every child. A
    # twin restricted to the police is not offered to the council's coordinator.
    _fill(driver, "#find-name", "juni moss")
    _submit(driver, "#add-child")
    found = wait_for(driver, "#found").text
    assert "Juniper Mossgrove" in found and "1 June 2012" in found
    assert len(driver.find_elements(By.CSS_SELECTOR, "#found tbody tr")) == 1
    assert "Juniper Hidden" not in driver.page_source
    assert_accessible(driver)
    screenshot(driver, "meeting-child-search")
    _submit(driver, "/child")
    assert wait_for(driver, "#child-0").text == "Juniper Mossgrove"
    _fill(driver, "#attendee-name", "Ann Attendee")
    Select(wait_for(driver, "#attendee-agency")).select_by_value("police")
    _submit(driver, "/attendee")
    _fill(driver, "#discussion-0-decisions", "Synthetic decision: police to visit the park.")
    Select(wait_for(driver, "#discussion-0-risk_level_agreed")).select_by_value("high")
    _submit(driver, "/discussion")

    # A bad due date: at the field, nothing stored, the words kept.
    _fill(driver, "#action-0-description", "Synthetic patrol of the park")
    Select(wait_for(driver, "#action-0-owner_agency")).select_by_value("police")
    _submit(driver, "/action")
    assert "Due date" in wait_for(driver, "#action-0-due_date-error").text
    assert wait_for(driver, "#action-0-description").get_attribute("value") == (
        "Synthetic patrol of the park"
    )
    assert_accessible(driver)
    screenshot(driver, "meeting-error")
    _set_date(driver, "#action-0-due_date", "2026-11-27")
    _submit(driver, "/action")
    assert "Synthetic patrol of the park" in wait_for(driver, ".meeting-child table").text
    assert_accessible(driver)
    screenshot(driver, "meeting-being-held")

    _submit(driver, "/finalise")
    wait_for_path(driver, meeting_path.removeprefix(base))
    assert "Finalised by" in wait_for(driver, ".notice").text
    assert_accessible(driver)
    screenshot(driver, "meeting-finalised")

    # The allocated worker's laptop, a real enrolled profile, syncs.
    enrol(vault, base, worker)
    engine_for(vault).sync()
    session = tasks.db_now(lambda: Session(vault))
    ctx = AppContext(tasks=tasks, session=session, events=Events(), show_error=lambda e: None)
    tab = screens.open_tab(qtbot, ctx, child_id, MeetingsTab)
    qtbot.waitUntil(lambda: tab.meetings.rowCount() == 1, timeout=10000)
    assert tab.current is not None and tab.current.data["meeting_type"] == "mace"
    assert "police to visit the park" in tab.fields["decisions"].toPlainText()
    qtbot.waitUntil(lambda: tab.agreed.model.rowCount() == 1, timeout=10000)
    assert tab.agreed.model.index(0, 0).data() == "Synthetic patrol of the park"
    assert tab.agreed.model.index(0, 1).data() == "Police"
    assert tab.state.text() == "Sent to the central record"
