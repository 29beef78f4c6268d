"""Need-to-know records on the central record (sync.kinds.restriction): a
record restricted to some agencies reaches only their workers — in the
feed (ordered stream, a new child's backfill, the quiet poll and the
estimate), in history and in push answers — and a record restricted after
a device received it is withdrawn from that device. SQLite and PostgreSQL.
"""

from __future__ import annotations

import sqlalchemy as sa

from sync.kinds.restriction import NOT_YOURS
from sync.server import accounts, admin
from sync.server.schema import records
from sync.wire import Record
from tests.helpers import PASSWORD
from tests.server.devices import Device, new_child, new_record


def concern(child_id: str, restricted_to: list[str] | None) -> dict:
    data = {
        "received_at": "2026-05-01T10:00:00+00:00",
        "source": "Synthetic source",
        "reliability": "single_source",
        "narrative": "Synthetic intelligence text",
    } | ({"restricted_to": restricted_to} if restricted_to is not None else {})
    return new_record(child_id, "concern", data)


def _three_workers(engine, client) -> tuple[dict, Device, Device, Device]:
    """A child held by a social worker, a police officer and a health worker."""
    for name, agency in (("sw", "csc"), ("pc", "police")):
        accounts.add_worker(engine, name, PASSWORD, agency=agency)
    accounts.add_worker(engine, "nurse", PASSWORD, role="health_worker", agency="health")
    child = new_child("Restricta")
    admin.insert_records(engine, [Record.model_validate(child)], by="admin")
    for name in ("sw", "pc", "nurse"):
        admin.set_assignment(engine, name, child["id"], True)
    return child, Device(client, "sw"), Device(client, "pc"), Device(client, "nurse")


def _estimate(dev: Device) -> int:
    params = {"estimate": "true"} | ({"since": dev.cursor} if dev.cursor else {})
    r = dev.client.get("/api/v1/changes", params=params, headers=dev.headers)
    return r.json()["remaining"]


def test_a_police_restricted_concern_reaches_social_care_and_never_health(engine, client):
    child, sw, pc, nurse = _three_workers(engine, client)
    secret = concern(child["id"], ["police", "csc"])
    open_one = concern(child["id"], None)
    assert pc.push(secret)["status"] == "applied"
    assert sw.push(open_one)["status"] == "applied"

    # A new child's backfill, and its estimate: the restricted one is not counted.
    assert _estimate(nurse) == 2 and _estimate(sw) == 3
    pages = nurse.pull()
    assert set(nurse.held) == {child["id"], open_one["id"]}
    assert all("removed_records" not in p for p in pages)  # never said to exist
    sw.pull()
    assert secret["id"] in sw.held

    # The ordered stream: a later restricted concern, and an edit of it.
    later = concern(child["id"], ["police"])
    assert pc.push(later)["status"] == "applied"
    assert _estimate(nurse) == 0
    pages = nurse.pull()
    assert pages[-1]["records"] == [] and "removed_records" not in pages[-1]
    sw.pull()
    assert later["id"] not in sw.held  # police only: social care does not see it either

    for dev, status in ((nurse, 404), (sw, 200), (pc, 200)):
        r = client.get(f"/api/v1/records/{secret['id']}/history", headers=dev.headers)
        assert r.status_code == status
    r = client.get(f"/api/v1/records/{later['id']}/history", headers=sw.headers)
    assert r.status_code == 404
    assert (
        r.json()
        == client.get(
            "/api/v1/records/00000000-0000-4000-8000-000000000000/history", headers=sw.headers
        ).json()
    )  # as if it did not exist

    with engine.connect() as conn:
        stored = dict(conn.execute(sa.select(records.c.id, records.c.restricted_to)).all())
    assert stored[secret["id"]] == ",csc,police," and stored[open_one["id"]] is None


def test_a_record_restricted_after_a_device_received_it_is_withdrawn(engine, client):
    child, sw, pc, nurse = _three_workers(engine, client)
    first = concern(child["id"], None)
    assert sw.push(first)["status"] == "applied"
    nurse.pull()
    assert first["id"] in nurse.held

    restricted = first | {"data": first["data"] | {"restricted_to": ["csc", "police"]}}
    assert sw.push(restricted, base_rev=1)["status"] == "applied"
    assert _estimate(nurse) == 1
    pages = nurse.pull()
    assert pages[-1]["records"] == [] and pages[-1]["removed_records"] == [first["id"]]
    # Nothing of it is in the page, only the id.
    assert "Synthetic intelligence" not in str(pages)

    # Opened again: it comes back as a record.
    opened = restricted | {"data": first["data"]}
    assert sw.push(opened, base_rev=2)["status"] == "applied"
    pages = nurse.pull()
    assert [r["id"] for r in pages[-1]["records"]] == [first["id"]]
    history = client.get(f"/api/v1/records/{first['id']}/history", headers=nurse.headers).json()
    # Of the three revisions, the health worker reads the two they could see.
    assert [r["rev"] for r in history] == [1, 3]


def test_a_worker_cannot_push_what_they_may_not_see(engine, client):
    child, sw, pc, nurse = _three_workers(engine, client)
    secret = concern(child["id"], ["police"])
    assert pc.push(secret)["status"] == "applied"

    # An edit of a record restricted to others: refused, and nothing of it returned.
    overwrite = secret | {"data": secret["data"] | {"narrative": "Overwritten"}}
    for dev in (nurse, sw):
        result = dev.push(overwrite, base_rev=1)
        assert result["status"] == "rejected" and result.get("record") is None
        assert result["reason"] == NOT_YOURS
        # A stale base (a merge attempt) is refused the same way.
        result = dev.push(overwrite, base_rev=0)
        assert result["status"] == "rejected" and result.get("record") is None

    # A restriction that leaves out their own agency: refused, naming the field.
    result = nurse.push(concern(child["id"], ["police"]))
    assert result["status"] == "rejected"
    assert result["reason"].startswith("restricted_to (Seen only by): must include your own")
    narrowed = secret | {"data": secret["data"] | {"restricted_to": ["csc"]}}
    result = pc.push(narrowed, base_rev=1)
    assert result["status"] == "rejected" and "restricted_to" in result["reason"]

    # A child's own record is never restricted.
    own = child | {"data": child["data"] | {"restricted_to": ["csc"]}}
    result = sw.push(own, base_rev=1)
    assert result["status"] == "rejected"
    assert "a child's own record cannot be restricted" in result["reason"]

    # An empty list is refused too, by the kind's schema.
    result = pc.push(secret | {"data": secret["data"] | {"restricted_to": []}}, base_rev=1)
    assert result["status"] == "rejected" and result["reason"].startswith("restricted_to")
    with engine.connect() as conn:
        revs = conn.execute(sa.select(records.c.rev).where(records.c.id == secret["id"]))
        assert revs.scalar_one() == 1  # nothing was stored


def test_a_quiet_poll_stays_quiet_for_restricted_creates(engine, client):
    # A restricted record created for others is nothing to the device: its
    # poll is the quiet one, and the cursor moves on.
    child, sw, pc, nurse = _three_workers(engine, client)
    nurse.pull()
    before = nurse.cursor
    assert pc.push(concern(child["id"], ["police"]))["status"] == "applied"
    pages = nurse.pull()
    assert pages == [{"records": [], "removed_children": [], "cursor": pages[0]["cursor"],
                      "more": False}]  # fmt: skip
    assert pages[0]["cursor"] != before


def test_a_conflict_never_shows_a_base_the_worker_could_not_see(engine, client):
    # Rev 2 was for the police only; opened again at rev 3. A health worker
    # naming rev 2 as their base learns nothing of it from the conflict.
    child, sw, pc, nurse = _three_workers(engine, client)
    first = concern(child["id"], ["police"])
    assert pc.push(first)["status"] == "applied"
    hidden = first | {"data": first["data"] | {"narrative": "Police only words"}}
    assert pc.push(hidden, base_rev=1)["status"] == "applied"
    opened = {k: v for k, v in first["data"].items() if k != "restricted_to"}
    assert (
        pc.push(first | {"data": opened | {"narrative": "Open words"}}, base_rev=2)["status"]
        == "applied"
    )
    result = nurse.push(first | {"data": opened | {"narrative": "Health words"}}, base_rev=2)
    assert "Police only words" not in str(result)
    assert result["status"] == "conflict"
    assert [(c["field"], c["base"]) for c in result["conflicts"]] == [("narrative", None)]
