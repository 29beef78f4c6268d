"""The console's trends and hotspots pages at the HTTP level, on SQLite and
PostgreSQL: a coordinator sees counts and the children behind a hotspot
(audited per child); a partner and an analyst see the same pages
de-identified, with no child's name, no person's name and no registration
anywhere in the HTML; the charts are images with no script."""

from __future__ import annotations

import base64
import re
import uuid

import sqlalchemy as sa

from sync.server.roles import Role
from sync.server.schema import audit_events
from tests.server.trend_data import child, concern, episode, load

NAMES = ["Acorn", "Burdock", "Cobnut", "Dandelion", "Elderberry", "Fennel"]


def _council(engine) -> dict[str, str]:
    kids = [child(n, "Quillfeather") for n in NAMES]
    load(engine, [r for _, r in kids])
    ids = {n: cid for n, (cid, _) in zip(NAMES, kids, strict=True)}
    # Six children at the park, with Mister Grue and a car; two at the flats.
    load(
        engine,
        [
            concern(
                cid,
                "2026-10-01T10:00:00Z",
                places=[{"name": "Gnarly Park"}],
                persons=[{"name": "Mister Grue"}],
                vehicles=[{"registration": "ZZ11ABC"}],
            )
            for cid, _ in kids
        ]
        + [concern(ids[n], places=[{"name": "Puddle Lane flats"}]) for n in NAMES[:2]]
        + [episode(cid, "2026-10-03T20:00:00Z", "2026-10-04T06:00:00Z") for cid, _ in kids[:3]],
    )
    return ids


def _svgs(html: str) -> list[bytes]:
    return [
        base64.b64decode(m) for m in re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', html)
    ]


def test_a_coordinator_sees_counts_charts_and_hotspots_with_their_children(
    console, accounts, engine, clock
):
    ids = _council(engine)
    clock.at = clock.at.replace(year=2026, month=11, day=15)
    console.sign_in(accounts[Role.coordinator])
    page = console.get("/console/trends?months=3")
    assert page.status_code == 200
    assert "Missing episodes that began in each month" in page.text
    assert "fewer than 5" not in page.text
    svgs = _svgs(page.text)
    assert len(svgs) == 3 and all(b"<script" not in s for s in svgs)
    spots = console.get("/console/hotspots?months=3")
    assert "Gnarly Park" in spots.text and "Mister Grue" in spots.text and "ZZ11ABC" in spots.text
    link = re.search(
        r'href="(/console/hotspots/children\?[^"]+key=name%3Agnarly[^"]*)"', spots.text
    )
    assert link, "no link to the park's children"
    behind = console.get(link.group(1).replace("&amp;", "&"))
    assert behind.status_code == 200
    assert all(f"{n} Quillfeather" in behind.text for n in NAMES)
    with engine.connect() as conn:
        viewed = set(
            conn.execute(
                sa.select(audit_events.c.child_id).where(
                    audit_events.c.detail == "/console/hotspots/children"
                )
            ).scalars()
        )
    assert viewed >= set(ids.values())


def test_a_partner_and_an_analyst_see_no_name_and_small_counts_hidden(
    new_console, accounts, engine, clock
):
    _council(engine)
    clock.at = clock.at.replace(year=2026, month=11, day=15)
    for role in (Role.partner, Role.analyst):
        c = new_console()
        c.sign_in(accounts[role])
        for path in ("/console/trends?months=3", "/console/hotspots?months=3"):
            page = c.get(path)
            assert page.status_code == 200, (role, path)
            for secret in [*NAMES, "Quillfeather", "Mister Grue", "ZZ11ABC", "Puddle Lane"]:
                assert secret not in page.text, (role, path, secret)
        trends = c.get("/console/trends?months=3").text
        assert "fewer than 5" in trends and "de-identified" in trends
        spots = c.get("/console/hotspots?months=3").text
        assert "Gnarly Park" in spots  # six children: a place may be named
        assert "1 person is named for 5 or more children" in spots
        assert "/console/hotspots/children" not in spots
        refused = c.get("/console/hotspots/children?what=place&key=name%3Agnarly+park")
        assert refused.status_code == 403 and "Acorn" not in refused.text


def test_a_hotspot_nobody_may_see_is_not_found(console, accounts, engine):
    console.sign_in(accounts[Role.coordinator])
    r = console.get(f"/console/hotspots/children?what=person&key={uuid.uuid4()}")
    assert r.status_code == 404 and "Nothing to show" in r.text
