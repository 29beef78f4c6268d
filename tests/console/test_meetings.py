"""The coordinator's exploitation (MACE) meetings in the console, at the HTTP
level: prepare, record, a bad field shown at the field with nothing stored,
finalise onto each child's record (what the allocated worker's feed holds),
the agenda and minutes as PDF read back with pdftotext, and a form without
its token refused. SQLite and PostgreSQL."""

from __future__ import annotations

import html
import re
import subprocess

import sqlalchemy as sa

from sync.server import admin
from sync.server.roles import Role
from sync.server.schema import audit_events, mace_meetings
from sync.wire import Record
from tests.server.devices import new_child, new_record


def _child_with_plan(engine, worker: str) -> str:
    child = new_child("Juniper")
    plan = new_record(child["id"], "plan", {"plan_type": "cce", "status": "active"})
    admin.insert_records(engine, [Record.model_validate(r) for r in (child, plan)], by="admin")
    admin.set_assignment(engine, worker, child["id"], True)
    return child["id"]


def _pdf_text(body: bytes, tmp_path, name: str) -> str:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(body)
    # A PNG of the first page beside it, to look at (tests/console screenshots).
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", path, tmp_path / name], check=True
    )
    return subprocess.run(
        ["pdftotext", "-layout", path, "-"], check=True, capture_output=True, text=True
    ).stdout


def _state(engine) -> list:
    with engine.connect() as conn:
        return conn.execute(sa.select(mace_meetings.c.minutes, mace_meetings.c.state)).all()


def test_a_coordinator_prepares_holds_prints_and_finalises_a_meeting(
    console, accounts, engine, tmp_path
):
    worker = accounts[Role.social_worker]
    child_id = _child_with_plan(engine, worker)
    assert console.sign_in(accounts[Role.coordinator]).status_code == 200
    assert console.get("/console/meetings").status_code == 200

    bad = console.post("/console/meetings", {"date": "tomorrow", "chair": "Synthetic Chair"})
    assert bad.status_code == 400 and "Date: enter the meeting" in bad.text
    assert 'value="Synthetic Chair"' in bad.text  # what was typed is kept
    assert _state(engine) == []

    r = console.post("/console/meetings", {"date": "2026-11-20", "chair": "Synthetic Chair"})
    assert r.status_code == 200 and re.match(r"/console/meetings/[0-9a-f-]{36}$", r.url.path)
    base = r.url.path
    console.get(base)
    for part, data in (
        ("child", {"child_id": child_id}),
        ("attendee", {"name": "Ann Attendee", "role": "DS", "agency": "police"}),
        ("attendee", {"name": "Ben Absent", "agency": "health", "apologies": "yes"}),
        ("place", {"name": "Synthetic Park", "postcode": "ab1 2cd"}),
        ("person", {"name": "Synthetic Adult", "aliases": "Sy, Ad", "approx_age": "30"}),
        (
            "discussion",
            {
                "child": "0",
                "discussion": "Synthetic talk",
                "decisions": "Synthetic plan",
                "risk_level_agreed": "high",
            },
        ),
    ):
        r = console.post(f"{base}/{part}", data)
        assert r.status_code == 200 and r.url.query == f"saved={part}".encode(), (
            part,
            r.text[-500:],
        )

    before = _state(engine)
    r = console.post(
        f"{base}/action",
        {
            "child": "0",
            "description": "Synthetic disruption",
            "owner_agency": "police",
            "due_date": "soon",
        },
    )
    assert r.status_code == 400
    assert 'id="action-0-due_date-error"' in r.text and "Due date:" in r.text
    assert 'value="Synthetic disruption"' in r.text  # kept, not dropped
    r = console.post(f"{base}/place", {"name": "Elsewhere", "postcode": "not a postcode"})
    assert r.status_code == 400 and "Postcode:" in html.unescape(r.text)
    assert _state(engine) == before  # nothing stored on a bad input

    r = console.post(
        f"{base}/action",
        {
            "child": "0",
            "description": "Synthetic disruption",
            "owner_agency": "police",
            "due_date": "2026-11-27",
        },
    )
    assert r.status_code == 200

    agenda = console.get(f"{base}/agenda.pdf")
    assert agenda.headers["content-type"] == "application/pdf"
    text = _pdf_text(agenda.content, tmp_path, "agenda")
    assert "MACE meeting: agenda" in text and "Juniper Quillfeather" in text
    assert "Synthetic Park" in text and "AB1 2CD" in text and "Synthetic Adult" in text

    r = console.post(f"{base}/finalise", {})
    assert r.status_code == 200 and "Finalised by the.coordinator" in r.text
    assert "<textarea" not in r.text  # closed to edits
    held = admin.current_records(engine, worker=worker)
    (meeting,) = [x for x in held if x.kind == "meeting"]
    (action,) = [x for x in held if x.kind == "plan_action"]
    assert meeting.data["meeting_type"] == "mace" and "Synthetic plan" in meeting.data["decisions"]
    assert action.data["meeting_id"] == str(meeting.id) and action.data["owner_agency"] == "police"

    minutes = console.get(f"{base}/minutes.pdf")
    text = _pdf_text(minutes.content, tmp_path, "minutes")
    for words in (
        "MACE meeting: minutes",
        "Finalised by the.coordinator",
        "Apologies",
        "Ben Absent",
        "Synthetic talk",
        "Synthetic disruption",
        "Police",
        "27 Nov 2026",
        "Risk level agreed: High",
    ):
        assert words in text, words
    with engine.connect() as conn:
        prints = (
            conn.execute(
                sa.select(audit_events.c.detail).where(
                    audit_events.c.action == "print", audit_events.c.child_id == child_id
                )
            )
            .scalars()
            .all()
        )
    assert sorted(prints) == ["MACE agenda", "MACE minutes"]


def test_a_meeting_form_without_its_token_changes_nothing(console, accounts, engine):
    console.sign_in(accounts[Role.coordinator])
    r = console.post("/console/meetings", {"date": "2026-11-20"}, token="")
    assert r.status_code == 403 and _state(engine) == []


def test_a_social_worker_and_a_partner_cannot_open_meetings(new_console, accounts):
    for role in (Role.team_manager, Role.partner):
        c = new_console()
        c.sign_in(accounts[role])
        assert c.get("/console/meetings").status_code == 403
