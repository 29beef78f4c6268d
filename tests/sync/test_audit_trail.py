"""A child's audit trail read back (issue 17, item 6): a real laptop over
real HTTP, on SQLite and PostgreSQL. A view made offline and uploaded at
the next sync is shown at the time it happened, marked as uploaded later;
the service's own events (what each laptop sent and received) are among
them; only coordinators and the child's manager may read it, and the
reading is not in the service's log."""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime, timedelta

import requests
import sqlalchemy as sa

from desktop import device
from sync.server import accounts, admin, audit_trail, cli
from sync.server.audit import record_audit
from sync.server.schema import audit_events, devices
from sync.wire import CLIENT_VERSION, CLIENT_VERSION_HEADER, AuditTrail
from tests.helpers import PASSWORD, child_data

TWO_HOURS = timedelta(hours=2)


def _headers(laptop) -> dict[str, str]:
    token = device.get_meta(laptop.vault.store.conn, "device_token")
    return {"Authorization": f"Bearer {token}", CLIENT_VERSION_HEADER: CLIENT_VERSION}


def _read(service, laptop, child_id: str, **params) -> requests.Response:
    return requests.get(
        f"{service.url}/api/v1/children/{child_id}/audit",
        headers=_headers(laptop),
        params=params,
        timeout=10,
    )


def _north(service, laptops):
    """A social worker in North locality, managed by a team manager, with
    one child the central team added, on a laptop called 'North 3'."""
    service.add_worker("sam.patel", PASSWORD, role="team_manager")
    accounts.add_team(service.engine, "North locality", manager="sam.patel")
    service.add_worker("ali.khan", PASSWORD, team="North locality")
    worker = laptops("ali.khan", new_worker=False)
    child_id = admin.add_child(service.engine, child_data(), assign_to="ali.khan", by="central")
    with service.engine.begin() as conn:
        conn.execute(sa.update(devices).values(name="North 3"))
    manager = laptops("sam.patel", new_worker=False)
    return worker, manager, child_id


def test_an_offline_view_is_read_back_at_its_own_time(laptops, service, caplog):
    caplog.set_level(logging.DEBUG)
    worker, manager, child_id = _north(service, laptops)
    worker.sync()  # the child arrives: a pull of its record
    # Viewed with no signal two hours ago: the laptop kept the event (its
    # own time) until this sync uploaded it.
    worker.repo.view_child(child_id)
    offline_at = datetime.now(UTC).replace(microsecond=0) - TWO_HOURS
    with worker.vault.store.transaction() as conn:
        conn.execute("UPDATE audit_events SET at = ?", (offline_at.isoformat(),))
    worker.repo.create(
        "visit", {"visit_type": "cin", "start": "2026-05-01T10:00:00+00:00"}, child_id=child_id
    )
    worker.sync()

    r = _read(service, manager, child_id)
    assert r.status_code == 200, r.text
    trail = AuditTrail.model_validate_json(r.content)
    times = [e.at for e in trail.entries]
    assert times == sorted(times)
    viewed = [e for e in trail.entries if e.action == "view"]
    assert len(viewed) == 1
    view = viewed[0]
    # At the time it happened, before the pull that brought the child
    # (stored first, but two hours later).
    assert view.at == offline_at
    pulled = next(e for e in trail.entries if e.action == "pull")
    assert trail.entries.index(view) < trail.entries.index(pulled)
    assert view.on == "laptop" and view.uploaded_later and view.received_at is not None
    assert view.received_at - view.at >= TWO_HOURS - timedelta(minutes=1)
    uploaded = audit_trail.england_text(view.received_at)[:-10]  # "Tue 01 Dec"
    assert view.words.startswith("Viewed on laptop 'North 3' (offline, uploaded ")
    assert uploaded.split()[0] in view.words and view.worker == "ali.khan"
    # The service's own: what the laptop received, and what it sent.
    assert pulled.words == "Received by laptop 'North 3': 1 records"
    sent = [e for e in trail.entries if e.action == "push"]
    assert [e.words for e in sent] == ["Sent from laptop 'North 3' to the central record: Visit ×1"]
    # The edit made on the laptop names what was edited, in words.
    assert any(e.words == "Edited visit on laptop 'North 3'" for e in trail.entries)
    # Never a code or an id in the words.
    assert not [e.words for e in trail.entries if child_id in e.words or "_" in e.words]

    # Paged: one at a time gives the same events in the same order.
    paged, after = [], None
    while True:
        r = _read(service, manager, child_id, limit=1, **({"after": after} if after else {}))
        page = AuditTrail.model_validate_json(r.content)
        paged += [e.id for e in page.entries]
        if page.next is None:
            break
        after = page.next
    assert paged[: len(trail.entries)] == [e.id for e in trail.entries]

    # The reading is on the trail; nothing of it is in the service's log.
    again = AuditTrail.model_validate_json(_read(service, manager, child_id).content)
    assert "Read this audit trail" in [e.words for e in again.entries]
    service_log = "\n".join(
        rec.getMessage() for rec in caplog.records if rec.name.startswith("central_record")
    )
    assert "central_record.access" in {rec.name for rec in caplog.records}
    assert child_id not in service_log and "North 3" not in service_log
    assert "Viewed" not in service_log and "/children/{child_id}/audit" in service_log


def test_only_coordinators_and_the_childs_manager_read_it(laptops, service):
    worker, manager, child_id = _north(service, laptops)
    worker.sync()
    # A social worker, even the one holding the child: their role may not.
    r = _read(service, worker, child_id)
    assert (r.status_code, r.json()["code"]) == (403, "role_refused")
    assert r.json()["message"] == "Social worker accounts may not read a child's audit trail."
    # The manager of another team: refused the same way whether or not
    # the child exists, and told why in words.
    service.add_worker("jo.other", PASSWORD, role="team_manager")
    accounts.add_team(service.engine, "South locality", manager="jo.other")
    other = laptops("jo.other", new_worker=False)
    for child in (child_id, str(uuid.uuid4())):
        r = _read(service, other, child)
        assert (r.status_code, r.json()["code"]) == (403, "not_your_team")
        assert "manager of the team" in r.json()["message"] and child not in r.text
    # A coordinator reads any child's; a child that is not there is 404.
    service.add_worker("cora.lee", PASSWORD, role="coordinator")
    coordinator = laptops("cora.lee", new_worker=False)
    assert _read(service, coordinator, child_id).status_code == 200
    assert _read(service, coordinator, str(uuid.uuid4())).status_code == 404
    # When the child moves to another team's worker, its manager is theirs.
    service.add_worker("bea.south", PASSWORD, team="South locality")
    service.unassign("ali.khan", child_id)
    service.assign("bea.south", child_id)
    assert _read(service, manager, child_id).status_code == 403
    assert _read(service, other, child_id).status_code == 200
    # A cursor it did not give is refused, naming the parameter.
    r = _read(service, other, child_id, after="yesterday")
    assert r.status_code == 422 and r.json()["message"].startswith("after:")


def test_an_action_added_later_reads_with_its_detail(service):
    # A break-the-glass grant (another part of the issue) is recorded as an
    # event of its own; the trail shows any action by its name and detail.
    child_id = admin.add_child(service.engine, child_data(), by="central")
    with service.engine.begin() as conn:
        record_audit(
            conn, action="break_glass", child_id=child_id, detail="reason: duty call at night"
        )
        page = audit_trail.trail(conn, child_id)
    assert [e.words for e in page.entries] == [
        "Break glass (central record): reason: duty call at night"
    ]


def test_central_record_audit_prints_the_trail(laptops, service, capsys):
    worker, _manager, child_id = _north(service, laptops)
    worker.sync()
    worker.repo.view_child(child_id)
    worker.sync()
    url = service.engine.url.render_as_string(hide_password=False)
    assert cli.main(["--db", url, "audit", "--child", child_id]) == 0
    out = capsys.readouterr().out.splitlines()
    assert any("ali.khan  Viewed on laptop 'North 3'" in line for line in out), out
    assert any("Received by laptop 'North 3'" in line for line in out)
    # Oldest first, a date each ("Tue 01 Dec 2026 19:20").
    assert all(line[:3] in {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"} for line in out)
    # The host's reading is on the trail too.
    with service.engine.connect() as conn:
        read = conn.execute(
            sa.select(audit_events.c.detail).where(
                audit_events.c.child_id == child_id, audit_events.c.action == "audit_read"
            )
        ).scalars()
        assert list(read) == ["on the service's host"]
    assert cli.main(["--db", url, "audit", "--child", "no-such-child"]) == 1
    assert capsys.readouterr().err.startswith("central-record: --child: there is no child")
