"""The agenda's child picker at the HTTP level, on SQLite and PostgreSQL:
the coordinator finds a child by name, date of birth or NHS number and
sees only name, date of birth and area; a child restricted to other
agencies is never offered (nor added by posting its id); a child already
on the agenda is not offered again; an empty search lists no one; results
come a page at a time. `child_search.search` underneath, directly."""

from __future__ import annotations

import re
from datetime import date

import pytest
import sqlalchemy as sa

from sync.server import admin, child_search, meetings
from sync.server.roles import Role
from sync.server.schema import audit_events, mace_meetings
from tests.helpers import child_data

NHS = "9434765919"  # a valid check digit; synthetic


@pytest.fixture
def kids(engine) -> dict[str, str]:
    def add(first: str, **more) -> str:
        data = child_data(first) | more
        return admin.add_child(engine, data, by="central", even_if_similar=True)

    return {
        "juniper": add("Juniper", identifiers={"nhs_number": NHS}, address_area="Northfield"),
        "june": add("June", date_of_birth="2013-02-03", aliases=["Jay"]),
        "hidden": add("Juniper", preferred_name="Hazel", restricted_to=["police"]),
        "rowan": add("Rowan", last_name="Ashgrove"),
    }


def _meeting(engine) -> str:
    with engine.begin() as conn:
        return meetings.create(conn, date=date(2026, 11, 20), chair=None, by="test")


def _offered(text: str) -> list[str]:
    return re.findall(r'name="child_id" value="([^"]+)"', text)


def test_search_by_name_date_of_birth_or_nhs_number(engine, kids) -> None:
    def found(**ask) -> set[str]:
        with engine.connect() as conn:
            page = child_search.search(conn, child_search.Ask(**ask), agency="csc", limit=10)
        return {f.child_id for f in page.children}

    assert found(name="jun moss") == {kids["juniper"], kids["june"]}
    assert found(name="jay") == {kids["june"]}  # an alias
    assert found(date_of_birth=date(2013, 2, 3)) == {kids["june"]}
    assert found(nhs_number="943 476 5919") == {kids["juniper"]}
    assert found(name="juniper", nhs_number="0000000000") == set()  # every criterion holds
    assert found() == set()  # an empty search lists no one
    # Restricted to the police: found by a police worker only.
    with engine.connect() as conn:
        police = child_search.search(conn, child_search.Ask(name="hazel"), agency="police", limit=5)
    assert [f.child_id for f in police.children] == [kids["hidden"]]
    assert found(name="hazel") == set()


def test_paging_and_what_a_result_shows(engine, kids) -> None:
    ask = child_search.Ask(name="moss")
    with engine.connect() as conn:
        first = child_search.search(conn, ask, agency="csc", limit=1)
        second = child_search.search(conn, ask, agency="csc", limit=1, offset=1)
        rest = child_search.search(conn, ask, agency="csc", limit=5, offset=1)
    assert first.more and not rest.more
    assert [f.name for f in first.children + second.children] == [
        "June Mossgrove",
        "Juniper Mossgrove",
    ]
    juniper = second.children[0]
    assert (juniper.date_of_birth, juniper.area) == ("2012-06-01", "Northfield")
    assert set(vars(juniper)) == {"child_id", "name", "date_of_birth", "area"}


def test_the_coordinator_searches_and_adds_a_child(console, accounts, engine, kids) -> None:
    console.sign_in(accounts[Role.coordinator])
    meeting_id = _meeting(engine)
    page = f"/console/meetings/{meeting_id}"

    assert _offered(console.get(page).text) == []  # no search, no list of every child
    r = console.get(f"{page}?name=juniper")
    assert r.status_code == 200
    assert _offered(r.text) == [kids["juniper"]]  # not the restricted Juniper
    assert "Hazel" not in r.text and NHS not in r.text
    assert "Juniper Mossgrove" in r.text and "1 June 2012" in r.text and "Northfield" in r.text
    assert _offered(console.get(f"{page}?nhs_number={NHS}").text) == [kids["juniper"]]
    assert _offered(console.get(f"{page}?date_of_birth=2013-02-03").text) == [kids["june"]]

    added = console.post(f"{page}/child", {"child_id": kids["juniper"]})
    assert added.status_code == 200 and added.url.query == b"saved=child"
    # On the agenda now: not offered again.
    assert _offered(console.get(f"{page}?name=juniper").text) == []
    with engine.connect() as conn:
        action = conn.execute(
            sa.select(audit_events.c.action).where(audit_events.c.action == "console_child_search")
        ).all()
    assert len(action) == 4  # each search audited, never its words


def test_paging_through_the_results(console, accounts, engine, kids) -> None:
    for n in range(11):
        admin.add_child(engine, child_data(f"Moss{n:02d}"), by="central", even_if_similar=True)
    console.sign_in(accounts[Role.coordinator])
    page = f"/console/meetings/{_meeting(engine)}"
    first = console.get(f"{page}?name=moss").text
    assert len(_offered(first)) == 10
    assert "?name=moss&amp;page=2#add-child" in first and "Previous children found" not in first
    second = console.get(f"{page}?name=moss&page=2").text
    assert len(_offered(second)) == 3  # 11 + Juniper + June, less the first 10
    assert not set(_offered(first)) & set(_offered(second))
    assert "Previous children found" in second and "page=3" not in second


def test_a_restricted_childs_id_posted_is_refused_like_an_unknown_one(
    console, accounts, engine, kids
) -> None:
    console.sign_in(accounts[Role.coordinator])
    meeting_id = _meeting(engine)
    console.get(f"/console/meetings/{meeting_id}")
    with engine.connect() as conn:
        before = conn.execute(sa.select(mace_meetings.c.minutes)).scalar_one()
    for child_id in (kids["hidden"], "00000000-0000-4000-8000-000000000000"):
        r = console.post(f"/console/meetings/{meeting_id}/child", {"child_id": child_id})
        assert r.status_code == 400
        assert "Child: no such child on the central record" in r.text
    with engine.connect() as conn:
        assert conn.execute(sa.select(mace_meetings.c.minutes)).scalar_one() == before


def test_a_bad_date_of_birth_is_shown_at_its_field(console, accounts, engine, kids) -> None:
    console.sign_in(accounts[Role.coordinator])
    r = console.get(f"/console/meetings/{_meeting(engine)}?date_of_birth=yesterday")
    assert r.status_code == 200
    assert 'id="find-date_of_birth-error"' in r.text and 'value="yesterday"' in r.text
    assert _offered(r.text) == []
