"""Every console page at 200% zoom in a real browser (Debian's chromium,
tests/console/zoom.py says how 200% is made and measured), on SQLite and
PostgreSQL, with a council's worth of synthetic content so each page has
its tables and forms filled: no sideways scrolling of the page (a wide
table scrolls inside its own labelled, focusable region), nothing cut
off, every nav link and form control reached by Tab in document order,
each with a visible focus style. The pages are every GET route the
console mounts (but its CSV and PDF downloads): a new page fails here
until it has an entry in PAGES."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from sync.server import admin, meetings, partner_reports
from sync.server.auth import create_device
from sync.server.console import ROUTERS
from sync.server.console.mount import _pages
from sync.server.partner_reports import Account
from sync.server.roles import Role
from sync.server.schema import workers
from sync.wire import Record
from tests.console.browser import assert_accessible, screenshot, sign_in, wait_for
from tests.console.test_trends import _council
from tests.console.zoom import reflow_problems, tab_walk, zoom_200
from tests.server.devices import new_record


@dataclass
class Seeded:
    children: dict[str, str]  # first name → child id
    meeting_id: str
    device_id: str
    report_id: str


def _account(engine: sa.Engine, name: str) -> Account:
    with engine.connect() as conn:
        row = conn.execute(sa.select(workers).where(workers.c.name == name)).one()
    return Account(row.id, row.name, row.role, row.agency)


def _seed(svc) -> Seeded:
    """Six children with concerns at shared places, missing episodes and a
    child missing education; allocations; a meeting with a child on its
    agenda; a laptop; a partner's report and one about an unknown child."""
    engine, accounts = svc.engine, svc.accounts
    ids = _council(engine)
    now = datetime.now(UTC).isoformat()
    extra = [
        new_record(ids["Acorn"], "missing_episode", {"start": now}),
        new_record(ids["Burdock"], "cme_episode", {"notified_at": "2026-11-01", "status": "open"}),
    ]
    admin.insert_records(engine, [Record.model_validate(r) for r in extra], by="admin")
    for name in ("Acorn", "Burdock", "Cobnut"):
        admin.set_assignment(engine, accounts[Role.social_worker], ids[name], True)
    with engine.begin() as conn:
        meeting_id = meetings.create(conn, date=date(2026, 11, 20), chair="Synthetic Chair", by="x")
        minutes = meetings.load(conn, meeting_id).minutes.model_dump(mode="json")
        minutes["children"] = [
            {
                "child_id": ids["Acorn"],
                "decisions": "Synthetic decision",
                "actions": [
                    {
                        "description": "Synthetic patrol of the park",
                        "owner_agency": "police",
                        "due_date": "2026-11-27",
                    }
                ],
            }
        ]
        minutes["attendees"] = [{"name": "Ann Attendee", "agency": "police", "attended": True}]
        minutes["places"] = [{"name": "Gnarly Park", "postcode": "ZZ1 1ZZ"}]
        meetings.save(conn, meeting_id, meetings.validate_minutes(minutes))
        worker_id = conn.execute(
            sa.select(workers.c.id).where(workers.c.name == accounts[Role.social_worker])
        ).scalar_one()
        device_id, _ = create_device(conn, worker_id, "North 3")
    police = _account(engine, accounts[Role.partner])
    known = {"first_name": "Acorn", "last_name": "Quillfeather", "date_of_birth": "2011-04-04"}
    report = {"reliability": "confirmed", "missing_since": "2026-11-30T18:00"}
    report_id = partner_reports.submit(engine, police, "missing", known | report)
    unknown = {"first_name": "Yarrow", "last_name": "Nobody", "date_of_birth": "2012-02-02"}
    partner_reports.submit(engine, police, "missing", unknown | report)
    return Seeded(ids, meeting_id, str(device_id), report_id)


# Each page: the role that opens it, and its address with the seeded data.
PAGES: dict[str, tuple[Role | None, Callable[[Seeded, dict[Role, str]], str]]] = {
    "/console/sign-in": (None, lambda s, a: "/console/sign-in"),
    "/console/": (Role.analyst, lambda s, a: "/console/"),
    "/console/daily": (Role.coordinator, lambda s, a: "/console/daily"),
    "/console/meetings": (Role.coordinator, lambda s, a: "/console/meetings"),
    "/console/meetings/{meeting_id}": (
        Role.coordinator,
        lambda s, a: f"/console/meetings/{s.meeting_id}?name=Quillfeather",
    ),
    "/console/admin/accounts": (Role.administrator, lambda s, a: "/console/admin/accounts"),
    "/console/admin/devices": (Role.administrator, lambda s, a: "/console/admin/devices"),
    "/console/admin/account": (
        Role.administrator,
        lambda s, a: f"/console/admin/account?name={a[Role.social_worker]}",
    ),
    "/console/admin/teams": (Role.administrator, lambda s, a: "/console/admin/teams"),
    "/console/admin/policy": (Role.administrator, lambda s, a: "/console/admin/policy"),
    "/console/admin/rules": (Role.administrator, lambda s, a: "/console/admin/rules"),
    "/console/admin/devices/{device_id}/revoke": (
        Role.administrator,
        lambda s, a: f"/console/admin/devices/{s.device_id}/revoke",
    ),
    "/console/audit": (
        Role.coordinator,
        lambda s, a: f"/console/audit?child={s.children['Acorn']}",
    ),
    "/console/assign": (Role.coordinator, lambda s, a: "/console/assign?q=Quillfeather"),
    "/console/assign/confirm": (
        Role.coordinator,
        lambda s, a: (
            f"/console/assign/confirm?child={s.children['Dandelion']}"
            f"&worker={a[Role.social_worker]}"
        ),
    ),
    "/console/reports": (Role.partner, lambda s, a: "/console/reports"),
    "/console/reports/new/{report_type}": (
        Role.partner,
        lambda s, a: "/console/reports/new/concern",
    ),
    "/console/reports/{report_id}": (Role.partner, lambda s, a: f"/console/reports/{s.report_id}"),
    "/console/reports/queue": (Role.coordinator, lambda s, a: "/console/reports/queue"),
    "/console/trends": (Role.coordinator, lambda s, a: "/console/trends?months=6"),
    "/console/hotspots": (Role.coordinator, lambda s, a: "/console/hotspots?months=6"),
    "/console/hotspots/children": (
        Role.coordinator,
        lambda s, a: "/console/hotspots/children?what=place&key=name%3Agnarly+park&months=6",
    ),
}

# Kept as screenshots (make console-screenshots): a few pages at 200%.
SHOTS = {"/console/daily", "/console/meetings/{meeting_id}", "/console/reports/new/{report_type}"}


# The way to the council's identity provider and back: a redirect, and an
# answer that is the sign-in page (in PAGES) or a page that moves straight on;
# tests/console/test_provider_sign_in.py runs them with axe in the browser.
PROVIDER_ROUTES = {"/console/sign-in/provider", "/console/sign-in/provider/done"}


def _page_routes() -> set[str]:
    return {
        p.path
        for p in _pages(ROUTERS)
        if p.method == "GET" and not p.path.endswith((".csv", ".pdf", ".json"))
    } - PROVIDER_ROUTES


def test_every_console_page_is_in_the_zoom_list() -> None:
    assert _page_routes() == set(PAGES), "every console page needs an entry in PAGES"


def _page_problems(driver, template: str) -> list[str]:
    """What is wrong with the page at 200% (reflow, Tab, focus, axe-core)."""
    wait_for(driver, "h1")
    assert driver.execute_script("return [innerWidth, devicePixelRatio]") == [640, 2]
    problems = reflow_problems(driver)
    count, stops = tab_walk(driver)
    # Every focusable element reached, once each, in document order (no
    # positive tabindex, no trap), and each with its focus style showing.
    if [s.index for s in stops] != list(range(count)):
        problems.append(f"Tab reached {[s.what for s in stops]} of {count}")
    problems += [f"no visible focus: {s.what}" for s in stops if not s.visible_focus]
    # Reading order: Tab never goes back up the page past what it left.
    problems += [
        f"Tab goes up from {a.what} to {b.what}"
        for a, b in zip(stops, stops[1:], strict=False)
        if b.bottom < a.top - 1
    ]
    nav = driver.execute_script("return document.querySelectorAll('nav.site-nav a').length")
    if template != "/console/sign-in" and not nav:
        problems.append("no nav")
    assert_accessible(driver)
    return [f"{template}: {p}" for p in problems]


def test_every_console_page_reflows_at_200_percent_zoom(driver, live_console) -> None:
    seeded = _seed(live_console)
    base, accounts = live_console.url, live_console.accounts
    zoom_200(driver)
    by_role: dict[Role | None, list[str]] = {}
    for template, (role, _) in PAGES.items():
        by_role.setdefault(role, []).append(template)
    checked, problems = [], []
    for role, templates in by_role.items():
        driver.delete_all_cookies()
        if role is not None:
            sign_in(driver, base, accounts[role])
        for template in templates:
            driver.get(base + PAGES[template][1](seeded, accounts))
            wait_for(driver, "h1")
            if template in SHOTS:
                name = template.removeprefix("/console/").split("/")[0]
                # The meeting's child search, rather than its top (by script:
                # Tab still starts from the top of the page).
                driver.execute_script(
                    "const s = document.getElementById('add-child'); s && s.scrollIntoView()"
                )
                screenshot(driver, f"zoom-200-{name}")
            problems += _page_problems(driver, template)
            checked.append(template)
    assert problems == [], "\n".join(problems)
    assert sorted(checked) == sorted(PAGES)


@pytest.mark.parametrize("page", ["/console/daily", "/console/meetings"])
def test_tab_order_on_the_daily_list_and_a_form(driver, live_console, page) -> None:
    """Tab goes skip link → the council's name → sign out → the nav → the
    page's own controls, in that order, at 200% as at 100%."""
    _seed(live_console)
    zoom_200(driver)
    sign_in(driver, live_console.url, live_console.accounts[Role.coordinator])
    driver.get(live_console.url + page)
    wait_for(driver, "h1")
    _count, stops = tab_walk(driver)
    words = [s.what for s in stops]
    assert words[0].startswith('a "Skip to the main content')
    assert "central record" in words[1]
    assert words[2].startswith('button "Sign out')
    labels = driver.execute_script(
        "return [...document.querySelectorAll('nav.site-nav a')].map(a => a.innerText.trim())"
    )
    assert [w.split('"')[1] for w in words[3 : 3 + len(labels)]] == labels
    first_own = words[3 + len(labels)]
    if page == "/console/daily":
        assert first_own.startswith("input[missing_now]")
    else:
        # The meetings table's scroll region, its meeting, then the new-meeting form.
        assert first_own.startswith('div "Meetings, the newest first')
        assert words[4 + len(labels)] == 'a "20 November 2026"'
        assert any(w.startswith("input#new-date[date]") for w in words)


BROKEN = """<!doctype html><html lang="en"><head><title>x</title><style>
a:focus-visible { outline: none; }
.clip { width: 5em; overflow: hidden; white-space: nowrap; }
.wide { width: 900px; }
.scroller { overflow-x: auto; } .scroller p { width: 900px; }
</style></head><body><h1>Broken</h1>
<a href="#x">a link without a focus style</a>
<p class="clip">words cut off by their box's hidden overflow</p>
<div class="scroller"><p>a region scrolling sideways with no label</p></div>
<div class="wide">wider than the page</div>
</body></html>"""


def test_the_checks_see_what_breaks_reflow(driver, tmp_path) -> None:
    page = tmp_path / "broken.html"
    page.write_text(BROKEN)
    zoom_200(driver)
    driver.get(page.as_uri())
    found = reflow_problems(driver)
    assert any(p.startswith("the page scrolls sideways: 908 > 640") for p in found), found
    assert any(p.startswith('cuts off its content: p.clip "words') for p in found), found
    assert any("without being a labelled, focusable region: div.scroller" in p for p in found)
    assert any(p.startswith("outside the viewport (8..908 of 640): div.wide") for p in found)
    count, stops = tab_walk(driver)
    # (chromium also lets the keyboard into the scroller: a stop outside the list.)
    assert count == 1 and stops[0].what.startswith('a "a link') and not stops[0].visible_focus
    assert [s.index for s in stops] != list(range(count))
