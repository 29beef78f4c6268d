"""The console's partner report pages (sync.server.console.reports), on
SQLite and PostgreSQL through the real app: a school's report with bad
input is shown again with the message at its field and nothing stored; a
good one reaches the child's record; a partner sees only their own
reports and nothing of the record; the central team's queue matches,
adds or declines."""

from __future__ import annotations

from html import unescape

import sqlalchemy as sa

from sync.server import admin
from sync.server.roles import Role
from sync.server.schema import partner_reports, records
from tests.helpers import PASSWORD

CHILD = {"first_name": "Wren", "last_name": "Ashgrove", "date_of_birth": "2013-06-02"}
CME = CHILD | {"school": "Hillside Primary", "reliability": "confirmed"}


def _count(engine, table) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


def _school(engine, new_console, name: str = "hillside"):
    admin.add_worker(engine, name, PASSWORD, role="partner", agency="school_education")
    school = new_console()
    assert school.sign_in(name).status_code == 200
    return school


def test_a_bad_report_is_shown_again_with_the_field_named_and_nothing_stored(
    engine, accounts, new_console
):
    school = _school(engine, new_console)
    page = school.get("/console/reports")
    assert page.status_code == 200 and "Child missing education" in page.text
    form = school.get("/console/reports/new/cme")
    assert 'for="field-school"' in form.text
    r = school.post("/console/reports/new/cme", CHILD | {"reliability": "confirmed"})
    assert r.status_code == 400
    assert 'id="error-school"' in r.text and "Enter school." in r.text
    assert 'value="Ashgrove"' in r.text  # what was typed is kept
    assert _count(engine, partner_reports) == 0


def test_a_good_report_reaches_the_record_and_only_its_partner_sees_it(
    engine, accounts, new_console
):
    child_id = admin.add_child(engine, CHILD | {"legal_status": "cin"}, by="cora")
    school = _school(engine, new_console)
    r = school.post("/console/reports/new/cme", CME, follow_redirects=False)
    assert r.status_code == 303
    where = r.headers["location"]
    page = school.get(where)
    assert page.status_code == 200 and "On the child's record" in unescape(page.text)
    with engine.connect() as conn:
        kinds = conn.execute(sa.select(records.c.kind).where(records.c.child_id == child_id))
        assert sorted(kinds.scalars()) == ["child", "cme_episode"]
    assert "Wren Ashgrove" in school.get("/console/reports").text

    other = new_console()
    other.sign_in(accounts[Role.partner])  # the police
    refused = other.get(where)
    assert refused.status_code == 403 and "not one of yours" in refused.text
    assert "Wren" not in refused.text
    assert "Wren" not in other.get("/console/reports").text
    # Nothing of the record by URL: the daily list and the queue refuse a partner.
    for path in ("/console/daily", "/console/reports/queue"):
        page = other.get(path)
        assert page.status_code == 403 and "Wren" not in page.text


def test_a_report_without_the_form_token_is_refused_and_stores_nothing(
    engine, accounts, new_console
):
    school = _school(engine, new_console)
    r = school.post("/console/reports/new/cme", CME, token="not-the-token")
    assert r.status_code == 403
    assert _count(engine, partner_reports) == 0


def test_the_central_team_adds_an_unknown_child_from_the_queue(engine, accounts, new_console):
    school = _school(engine, new_console)
    school.post("/console/reports/new/cme", CME)
    cora = new_console()
    cora.sign_in(accounts[Role.coordinator])
    queue = cora.get("/console/reports/queue")
    assert queue.status_code == 200 and "about Wren Ashgrove" in queue.text
    with engine.connect() as conn:
        report_id = conn.execute(sa.select(partner_reports.c.id)).scalar_one()
    r = cora.post(f"/console/reports/queue/{report_id}", {"decision": "add"})
    assert r.status_code == 200 and "Nothing is waiting" in r.text
    assert "On the child's record" in unescape(school.get(f"/console/reports/{report_id}").text)
    again = cora.post(f"/console/reports/queue/{report_id}", {"decision": "decline"})
    assert again.status_code == 400 and "already on the child's record" in unescape(again.text)
