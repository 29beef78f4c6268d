"""`remaining`: how many records a pull has left, so a first sync can show a
percentage. Checked from every cursor of a real pull, on both databases."""

from __future__ import annotations

from sync.server import admin
from tests.server.devices import Device, new_child, new_record


def plan(child_id: str, n: int) -> dict:
    return new_record(child_id, "plan", {"plan_type": "cse", "risks": f"plan {n}"})


def _page(device: Device, cursor: str | None, *, estimate: bool) -> dict:
    params = {"limit": 2} | ({"since": cursor} if cursor else {})
    if estimate:
        params["estimate"] = "true"
    r = device.client.get("/api/v1/changes", params=params, headers=device.headers)
    assert r.status_code == 200, r.text
    return r.json()


def _walk(device: Device, cursor: str | None) -> list[tuple[str | None, int, int]]:
    """(cursor, remaining asked at it, records actually sent from it on)."""
    steps = []
    while True:
        page = _page(device, cursor, estimate=True)
        steps.append((cursor, page["remaining"], len(page["records"])))
        cursor = page["cursor"]
        if not page["more"]:
            break
    sent_from = 0
    out = []
    for cursor, remaining, sent in reversed(steps):
        sent_from += sent
        out.append((cursor, remaining, sent_from))
    return out[::-1]


def test_remaining_is_what_is_left_from_every_cursor(client, workers, engine):
    alice, bob = Device(client, "alice"), Device(client, "bob")
    own = new_child("Pip")
    alice.push(own)
    for n in range(2):
        alice.push(plan(own["id"], n))
    theirs = [new_child(f"Wren {i}") for i in range(3)]
    for child in theirs:
        bob.push(child)
        for n in range(4):
            bob.push(plan(child["id"], n))
    for child in theirs:
        admin.set_assignment(engine, "alice", child["id"], True)
    # After the assignment: part of the ordered stream, not of the backfill.
    bob.push(plan(theirs[0]["id"], 9))
    stranger = new_child("Not Hers")
    bob.push(stranger)

    fresh = Device(client, "alice")
    steps = _walk(fresh, None)
    assert len(steps) > 3  # backfill pages, then the ordered stream
    assert steps[0][1] == 3 + 3 * 5 + 1  # her child, three whole children, one later plan
    for cursor, remaining, sent_from in steps:
        assert remaining == sent_from, f"from cursor {cursor!r}"


def test_an_incremental_pull_counts_only_the_changes(client, workers, engine):
    alice, bob = Device(client, "alice"), Device(client, "bob")
    own = new_child("Pip")
    alice.push(own)
    alice.pull()
    alice.push(plan(own["id"], 1))
    alice.push(plan(own["id"], 2))
    bob.push(new_child("Not Hers"))
    page = _page(alice, alice.cursor, estimate=True)
    assert page["remaining"] == 2 == len(page["records"])


def test_nothing_left_is_zero_and_unasked_is_absent(client, workers, engine):
    alice = Device(client, "alice")
    alice.push(new_child("Pip"))
    assert "remaining" not in _page(alice, None, estimate=False)
    alice.pull()
    page = _page(alice, alice.cursor, estimate=True)
    assert page["remaining"] == 0 and not page["records"]
