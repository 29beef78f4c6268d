"""A leaver's children on the coordinator's daily list: after the identity
provider deactivates their worker over SCIM (real HTTP on loopback), each
shows "Unallocated (worker left)" on the page, in the CSV export and under
the "only children with no worker" filter; in a real browser too, with
axe-core's check. SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io

import requests
import sqlalchemy as sa
from selenium.webdriver.common.by import By

from sync.server import admin, scim_tokens
from sync.server.roles import Role
from sync.server.schema import workers
from sync.wire import Record
from tests.console.browser import (
    assert_accessible,
    click_to_next_page,
    screenshot,
    sign_in,
    wait_for,
    wait_for_path,
)
from tests.server.devices import new_child

LEFT = "Unallocated (worker left)"


def _children(engine, worker: str) -> dict[str, dict]:
    """Hazel held by `worker`; Ivy by nobody; both at high risk (listed)."""
    kids = {name: new_child(name) for name in ("Hazel", "Ivy")}
    for kid in kids.values():
        kid["data"]["risk_level"] = "high"
    admin.insert_records(engine, [Record.model_validate(k) for k in kids.values()], by="admin")
    admin.set_assignment(engine, worker, kids["Hazel"]["id"], True)
    return kids


LEAVER = {
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    "Operations": [{"op": "Replace", "path": "active", "value": "False"}],
}


def _worker_id(engine, worker: str) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.select(workers.c.id).where(workers.c.name == worker)).scalar_one()


def _deactivate(url: str, engine, worker: str) -> None:
    r = requests.patch(
        f"{url}/scim/v2/Users/{_worker_id(engine, worker)}",
        json=LEAVER,
        headers={"Authorization": f"Bearer {scim_tokens.create_token(engine)}"},
        timeout=10,
    )
    assert r.status_code == 200, r.text


def test_the_page_and_the_export_say_the_worker_left(engine, accounts, new_console) -> None:
    worker = accounts[Role.social_worker]
    _children(engine, worker)
    c = new_console()
    c.sign_in(accounts[Role.coordinator])
    before = c.get("/console/daily").text
    assert worker in before and LEFT not in before
    r = c.client.patch(
        f"/scim/v2/Users/{_worker_id(engine, worker)}",
        json=LEAVER,
        headers={"Authorization": f"Bearer {scim_tokens.create_token(engine)}"},
    )
    assert r.status_code == 200, r.text
    page = c.get("/console/daily").text
    assert f"<strong>{LEFT}</strong>" in page and "None allocated" in page
    only = c.get("/console/daily?unallocated=1").text
    assert "Hazel" in only and "Ivy" in only and "<caption>2 children" in only
    rows = list(csv.reader(io.StringIO(c.get("/console/daily.csv").text)))
    allocated = {row[0].split()[0]: row[4] for row in rows[1:]}
    assert allocated == {"Hazel": LEFT, "Ivy": "None allocated"}


def test_a_leavers_child_in_the_browser(driver, live_console) -> None:
    worker = live_console.accounts[Role.social_worker]
    _children(live_console.engine, worker)
    _deactivate(live_console.url, live_console.engine, worker)
    sign_in(driver, live_console.url, live_console.accounts[Role.coordinator])
    wait_for_path(driver, "/console/daily")
    table = wait_for(driver, "table").text
    assert LEFT in table and worker not in table
    assert_accessible(driver)
    driver.execute_script("document.querySelector('table').scrollIntoView()")
    screenshot(driver, "daily-list-worker-left")
    driver.find_element(By.CSS_SELECTOR, "input[name=unallocated]").click()
    click_to_next_page(
        driver, driver.find_element(By.CSS_SELECTOR, "form.form button[type=submit]")
    )
    wait_for(driver, "caption")
    assert "unallocated=1" in driver.current_url
    assert_accessible(driver)
