"""The trends and hotspots pages in a real browser (Debian's chromium,
headless, through chromium-driver: tests/console/browser.py) against the
service on loopback: a partner's de-identified pages hold no child's or
person's name, a coordinator's hold them, the charts load under the CSP,
axe-core finds nothing serious or critical, and each page is kept as a
screenshot (`make console-screenshots`)."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from sync.server import admin
from sync.server.testing import running_service
from tests.console.browser import assert_accessible, screenshot, sign_in
from tests.console.test_trends import NAMES, _council
from tests.helpers import PASSWORD
from tests.server.trend_data import NOW


@pytest.fixture
def council(tmp_path):
    with running_service(None, tmp_path=tmp_path, clock=lambda: NOW) as svc:
        _council(svc.engine)
        admin.add_worker(svc.engine, "the.coordinator", PASSWORD, role="coordinator")
        admin.add_worker(svc.engine, "the.partner", PASSWORD, role="partner", agency="police")
        yield svc


def test_a_partner_reads_counts_only_and_a_coordinator_the_children(driver, council):
    sign_in(driver, council.url, "the.partner")
    for path, name in (
        ("/console/trends?months=3", "trends-partner"),
        ("/console/hotspots?months=3", "hotspots-partner"),
    ):
        driver.get(f"{council.url}{path}")
        html = driver.page_source
        for secret in [*NAMES, "Quillfeather", "Mister Grue", "ZZ11ABC"]:
            assert secret not in html, (path, secret)
        assert_accessible(driver)
        screenshot(driver, name)
    driver.delete_all_cookies()
    sign_in(driver, council.url, "the.coordinator")
    driver.get(f"{council.url}/console/trends?months=3")
    # The charts are images that loaded (a data: SVG the CSP allows).
    widths = driver.execute_script(
        "return [...document.querySelectorAll('figure.chart img')].map(i => i.naturalWidth)"
    )
    assert widths and all(w > 0 for w in widths)
    assert_accessible(driver)
    screenshot(driver, "trends")
    driver.get(f"{council.url}/console/hotspots?months=3")
    assert "Mister Grue" in driver.page_source
    assert_accessible(driver)
    screenshot(driver, "hotspots")
    driver.find_element(By.PARTIAL_LINK_TEXT, "See the 6 children").click()
    WebDriverWait(driver, 20).until(lambda d: "/hotspots/children" in d.current_url)
    assert all(f"{n} Quillfeather" in driver.page_source for n in NAMES)
    assert_accessible(driver)
    screenshot(driver, "hotspot-children")
