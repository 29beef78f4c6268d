"""Feed invariants, idempotency and merge, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import uuid

import sqlalchemy as sa

from sync.server import admin
from sync.server.schema import revisions
from tests.server.devices import Device, new_child, new_record


def plan(child_id: str, **data) -> dict:
    return new_record(child_id, "plan", {"plan_type": "cse"} | data)


def test_exact_caseload_after_a_full_pull(client, workers, engine):
    alice, bob = Device(client, "alice"), Device(client, "bob")
    a_children = [new_child() for _ in range(3)]
    b_child = new_child("Wren")
    for c in a_children:
        alice.push(c)
        for _ in range(4):
            alice.push(plan(c["id"]))
    bob.push(b_child)
    bob.push(plan(b_child["id"]))
    alice.pull(limit=3)
    current = {str(r.id): r.rev for r in admin.current_records(engine, "alice")}
    assert {k: v["rev"] for k, v in alice.held.items()} == current
    assert not any(v["child_id"] == b_child["id"] for v in alice.held.values())


def test_newly_assigned_child_arrives_whole_and_unassigned_is_announced(client, workers, engine):
    alice, bob = Device(client, "alice"), Device(client, "bob")
    child = new_child()
    bob.push(child)
    old = [bob.push(plan(child["id"], risks=f"old {i}"))["record"] for i in range(5)]
    alice.push(new_child("Pip"))
    alice.pull()  # alice's cursor is now past all of bob's records
    admin.set_assignment(engine, "alice", child["id"], True)
    pages = alice.pull(limit=2)
    got = {k for k, v in alice.held.items() if v["child_id"] == child["id"]}
    assert got == {child["id"], *(r["id"] for r in old)}
    assert sum(len(p["records"]) for p in pages) == 6  # whole child, nothing twice

    admin.set_assignment(engine, "alice", child["id"], False)
    pages = alice.pull()
    assert [child["id"]] == [c for p in pages for c in p["removed_children"]]
    assert not any(v["child_id"] == child["id"] for v in alice.held.values())
    # Edits made while alice does not hold the child never reach her.
    bob.push(plan(child["id"]))
    pages = alice.pull()
    assert all(not p["records"] for p in pages)


def test_resume_never_skips_or_duplicates(client, workers):
    alice = Device(client, "alice")
    child = new_child()
    alice.push(child)
    for i in range(20):
        alice.push(plan(child["id"], risks=str(i)))
    seen: list[tuple[str, int]] = []
    other = Device(client, "alice")
    while True:  # page with limit 3, as if interrupted after every page
        params = {"limit": 3} | ({"since": other.cursor} if other.cursor else {})
        page = client.get("/api/v1/changes", params=params, headers=other.headers).json()
        seen += [(r["id"], r["rev"]) for r in page["records"]]
        other.cursor = page["cursor"]
        if not page["more"]:
            break
    assert len(seen) == len(set(seen)) == 21


def test_bad_cursor_is_a_clear_422(client, workers):
    alice = Device(client, "alice")
    for bad in ("abc", "99999999"):
        r = client.get("/api/v1/changes", params={"since": bad}, headers=alice.headers)
        assert r.status_code == 422 and "since" in r.json()["message"]


def test_same_push_twice_and_concurrently_applies_once(client, workers, engine):
    alice = Device(client, "alice")
    child = new_child()
    alice.push(child)
    note = plan(child["id"], risks="once")
    mid = str(uuid.uuid4())
    first = alice.push(note, mutation_id=mid)
    again = alice.push(note, mutation_id=mid)
    assert first == again and first["status"] == "applied"

    edit = dict(note, data=dict(note["data"], risks="twice?"))
    mid2 = str(uuid.uuid4())
    results = []
    threads = [
        threading.Thread(
            target=lambda: results.append(alice.push(edit, base_rev=1, mutation_id=mid2))
        )
        for _ in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 4 and all(r == results[0] for r in results)
    with engine.connect() as conn:
        revs = conn.execute(
            sa.select(revisions.c.rev).where(revisions.c.record_id == note["id"])
        ).all()
    assert sorted(r[0] for r in revs) == [1, 2]


def test_disjoint_fields_merge(client, workers, engine):
    alice, bob = Device(client, "alice"), Device(client, "bob")
    child = new_child()
    alice.push(child)
    admin.set_assignment(engine, "bob", child["id"], True)
    p = plan(child["id"], risks="r", worries="w")
    alice.push(p)
    alice.push(dict(p, data=dict(p["data"], risks="alice's risks")), base_rev=1)
    result = bob.push(dict(p, data=dict(p["data"], worries="bob's worries")), base_rev=1)
    assert result["status"] == "merged"
    assert result["record"]["data"]["risks"] == "alice's risks"
    assert result["record"]["data"]["worries"] == "bob's worries"
    assert result["record"]["rev"] == 3


def test_clean_text_edits_merge_line_wise(client, workers, engine):
    alice, bob = Device(client, "alice"), Device(client, "bob")
    child = new_child()
    alice.push(child)
    admin.set_assignment(engine, "bob", child["id"], True)
    base = "line one\nline two\nline three\nline four\n"
    p = plan(child["id"], risks=base)
    alice.push(p)
    alice.push(
        dict(p, data=dict(p["data"], risks=base.replace("line one", "LINE ONE"))), base_rev=1
    )
    mine = base.replace("line four", "LINE FOUR")
    result = bob.push(dict(p, data=dict(p["data"], risks=mine)), base_rev=1)
    assert result["status"] == "merged"
    assert result["record"]["data"]["risks"] == "LINE ONE\nline two\nline three\nLINE FOUR\n"


def test_colliding_edits_conflict_with_all_three_values(client, workers, engine):
    alice, bob = Device(client, "alice"), Device(client, "bob")
    child = new_child()
    alice.push(child)
    admin.set_assignment(engine, "bob", child["id"], True)
    p = plan(child["id"], risks="base text", status="draft")
    alice.push(p)
    alice.push(dict(p, data=dict(p["data"], risks="alice text", status="active")), base_rev=1)
    result = bob.push(
        dict(p, data=dict(p["data"], risks="bob text", status="under_review")), base_rev=1
    )
    assert result["status"] == "conflict"
    by_field = {c["field"]: c for c in result["conflicts"]}
    assert by_field["risks"] == {
        "field": "risks",
        "base": "base text",
        "server": "alice text",
        "client": "bob text",
    }
    assert by_field["status"]["client"] == "under_review"
    assert result["record"]["rev"] == 2 and result["record"]["data"]["risks"] == "alice text"
    # Nothing of bob's was stored; resolving is a new mutation on rev 2.
    resolved = bob.push(
        dict(p, data=dict(p["data"], risks="alice text\nbob text", status="active")), base_rev=2
    )
    assert resolved["status"] == "applied" and resolved["record"]["rev"] == 3


def test_children_assigned_after_their_records_arrive_once_across_pages(client, workers, engine):
    """Records older than the assignment, pulled in several small pages."""
    bob = Device(client, "bob")
    children = [new_child(f"C{i}") for i in range(3)]
    for c in children:
        bob.push(c)
        for _ in range(3):
            bob.push(plan(c["id"]))
    for c in children:  # assignments come after every record
        admin.set_assignment(engine, "alice", c["id"], True)
    alice = Device(client, "alice")
    pages = alice.pull(limit=4)
    delivered = [(r["id"], r["rev"]) for p in pages for r in p["records"]]
    assert len(delivered) == len(set(delivered)) == 12
    assert len(alice.held) == 12

    # And the same for a device whose cursor was mid-way when they arrived.
    carol_child = new_child("Late")
    bob.push(carol_child)
    for _ in range(5):
        bob.push(plan(carol_child["id"]))
    alice.pull(limit=2)
    admin.set_assignment(engine, "alice", carol_child["id"], True)
    pages = alice.pull(limit=2)
    delivered = [(r["id"], r["rev"]) for p in pages for r in p["records"]]
    assert len(delivered) == len(set(delivered)) == 6


def test_a_large_new_caseload_arrives_in_bounded_pages(client, workers, engine):
    bob = Device(client, "bob")
    children = [new_child(f"K{i}") for i in range(6)]
    for c in children:
        bob.push(c)
        for _ in range(4):
            bob.push(plan(c["id"]))
    for c in children:
        admin.set_assignment(engine, "alice", c["id"], True)
    alice = Device(client, "alice")
    pages = alice.pull(limit=10)
    sizes = [len(p["records"]) for p in pages]
    assert max(sizes) <= 10 and len(pages) >= 3, sizes  # whole children, a few a page
    delivered = [(r["id"], r["rev"]) for p in pages for r in p["records"]]
    assert len(delivered) == len(set(delivered)) == 30
    # A child never arrives split across pages.
    for p in pages:
        kids = {r["child_id"] for r in p["records"]}
        for kid in kids:
            assert sum(r["child_id"] == kid for r in p["records"]) == 5


def test_edits_made_while_a_child_was_briefly_unassigned_arrive(client, workers, engine):
    """Unassigned and reassigned between two pulls: the device never purged
    the child, so what changed in between must still reach it."""
    alice, bob = Device(client, "alice"), Device(client, "bob")
    child = new_child()
    alice.push(child)
    admin.set_assignment(engine, "bob", child["id"], True)
    p = plan(child["id"], risks="before")
    alice.push(p)
    alice.pull()
    admin.set_assignment(engine, "alice", child["id"], False)
    bob.push(dict(p, data=dict(p["data"], risks="while away")), base_rev=1)
    admin.set_assignment(engine, "alice", child["id"], True)
    pages = alice.pull(limit=1)
    assert alice.held[p["id"]]["data"]["risks"] == "while away"
    current = {str(r.id): r.rev for r in admin.current_records(engine, "alice")}
    assert {k: v["rev"] for k, v in alice.held.items()} == current
    delivered = [(r["id"], r["rev"]) for pg in pages for r in pg["records"]]
    assert delivered == [(p["id"], 2)]
