"""The console's browser harness: Debian's chromium, headless at 1366x768,
driven by Selenium through Debian's chromedriver against the real service
on loopback.

- `chromium_driver()`: the driver. Both the browser and the driver are
  named by path, and `SE_OFFLINE` is set, so Selenium Manager never looks
  for (or downloads) either.
- `sign_in(driver, base_url, worker, password)`: through the sign-in form.
- `assert_accessible(driver)`: axe-core (tests/console/assets/axe.min.js,
  vendored from npm, see assets/README.md) injected through the driver,
  not the page, so the page's Content-Security-Policy stays as strict as
  served; fails on any serious or critical violation.
- `screenshot(driver, name)`: docs/screenshots/console/<name>.png, written
  only when CONSOLE_SCREENSHOTS=1 (`make console-screenshots`), so that an
  ordinary test run leaves the repository as it was.
"""

from __future__ import annotations

import os
from pathlib import Path

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from tests.helpers import PASSWORD

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
AXE = Path(__file__).parent / "assets" / "axe.min.js"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "console"
WIDTH, HEIGHT = 1366, 768
WAIT_S = 15


def chromium_driver() -> webdriver.Chrome:
    os.environ["SE_OFFLINE"] = "true"  # Selenium Manager: never the network
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        f"--window-size={WIDTH},{HEIGHT}",
        "--no-sandbox",  # the tests run as root in a container
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--no-first-run",
        "--disable-extensions",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--lang=en-GB",
    ):
        options.add_argument(arg)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(30)
    return driver


def wait_for(driver: webdriver.Chrome, css: str):
    """The element matching `css`, once it is on the page."""
    return WebDriverWait(driver, WAIT_S).until(
        expected_conditions.presence_of_element_located((By.CSS_SELECTOR, css))
    )


def wait_for_path(driver: webdriver.Chrome, path: str) -> None:
    WebDriverWait(driver, WAIT_S).until(lambda d: d.current_url.split("?")[0].endswith(path))


def wait_page_left(driver: webdriver.Chrome, old, timeout: float = WAIT_S) -> None:
    """Wait until `old` (an element of the page before) is gone: the next
    page has replaced it. Mid-navigation chromium may answer "node does not
    belong to the document" rather than "stale": both mean it has gone."""

    def gone(_driver) -> bool:
        try:
            old.is_enabled()
        except WebDriverException:
            return True
        return False

    WebDriverWait(driver, timeout).until(gone)


def click_to_next_page(driver: webdriver.Chrome, element) -> None:
    """Click `element` (a submit button or link) and wait until the page it
    was on is gone. Without this, a wait for an element the old page also
    has (a caption, an h1) returns at once and reads the old page."""
    old = driver.find_element(By.TAG_NAME, "html")
    element.click()
    wait_page_left(driver, old)


def sign_in(driver: webdriver.Chrome, base_url: str, worker: str, password: str = PASSWORD) -> None:
    """Sign in through the form and wait for the next page to load."""
    driver.get(f"{base_url}/console/sign-in")
    wait_for(driver, "#worker").send_keys(worker)
    driver.find_element(By.ID, "password").send_keys(password)
    click_to_next_page(driver, driver.find_element(By.CSS_SELECTOR, "form button[type=submit]"))


def axe_violations(driver: webdriver.Chrome) -> list[dict]:
    """axe-core's violations on the page as it is now (WCAG 2.2 A and AA)."""
    if not driver.execute_script("return typeof window.axe === 'object'"):
        driver.execute_script(AXE.read_text())
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values:"
        " ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']},"
        " resultTypes: ['violations']})"
        ".then(r => done(r.violations)).catch(e => done([{id: 'axe-error',"
        " impact: 'critical', help: String(e), nodes: []}]));"
    )
    return list(result)


def assert_accessible(driver: webdriver.Chrome) -> None:
    """No serious or critical axe-core violation on the current page."""
    bad = [v for v in axe_violations(driver) if v.get("impact") in ("serious", "critical")]
    described = [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(n.get("target")) for n in v.get("nodes", [])[:3])
        for v in bad
    ]
    assert described == [], f"axe-core on {driver.current_url}:\n" + "\n".join(described)


def screenshot(driver: webdriver.Chrome, name: str) -> Path | None:
    """docs/screenshots/console/<name>.png of the window, when asked for."""
    if os.environ.get("CONSOLE_SCREENSHOTS") != "1":
        return None
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    driver.save_screenshot(str(path))
    return path
