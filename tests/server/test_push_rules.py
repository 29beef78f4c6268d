"""The central record's own rules on a push: who may create a child, edits
made while a worker held a child, rules across a child's records, and
mutation ids that belong to the device that sent them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from sync.server import admin
from sync.server.schema import assignment_events, audit_events, revisions
from tests.helpers import PASSWORD
from tests.server.devices import Device, new_child, new_record

NOW = datetime.now(UTC)


def _iso(t: datetime) -> str:
    return t.isoformat()


def visit(child_id: str, start: datetime | None = None, **extra) -> dict:
    data = {"visit_type": "cin", "start": _iso(start or NOW - timedelta(days=3))} | extra
    return new_record(child_id, "visit", data)


def episode(child_id: str, start: datetime, end: datetime | None = None, **extra) -> dict:
    data = {"start": _iso(start)} | ({"end": _iso(end)} if end else {}) | extra
    return new_record(child_id, "missing_episode", data)


def push_many(device: Device, mutations: list[tuple[dict, int]]) -> list[dict]:
    body = {
        "mutations": [
            {"mutation_id": str(uuid.uuid4()), "record": r, "base_rev": b} for r, b in mutations
        ]
    }
    r = device.client.post("/api/v1/changes", json=body, headers=device.headers)
    assert r.status_code == 200, r.text
    return r.json()["results"]


# -- who may create a child (item 9) ------------------------------------------


def test_by_default_a_worker_cannot_create_a_child(client, engine):
    admin.add_worker(engine, "carol", PASSWORD)  # no `workers` fixture: the default policy
    carol = Device(client, "carol")
    child = new_child()
    result = carol.push(child)
    assert result["status"] == "rejected"
    assert result["reason"].startswith("child_id: ") and "central team" in result["reason"]
    assert admin.current_records(engine) == []
    carol.pull()
    assert carol.held == {}


def test_the_policy_lets_workers_create_children_and_the_cli_sets_it(client, engine):
    from sync.server.cli import main

    admin.add_worker(engine, "carol", PASSWORD)
    carol = Device(client, "carol")
    url = engine.url.render_as_string(hide_password=False)
    assert main(["--db", url, "policy", "set", "--workers-may-create-children", "yes"]) == 0
    assert carol.push(new_child())["status"] == "applied"
    assert main(["--db", url, "policy", "set", "--edit-grace-days", "3"]) == 0
    policy = client.get("/api/v1/policy", headers=carol.headers).json()
    assert policy["workers_may_create_children"] is True and policy["edit_grace_days"] == 3
    assert main(["--db", url, "policy", "set", "--workers-may-create-children", "no"]) == 0
    assert carol.push(new_child())["status"] == "rejected"


# -- edits made while the worker held the child (item 2) ----------------------


def test_an_edit_typed_while_held_reaches_the_record_after_the_child_left(client, workers, engine):
    alice = Device(client, "alice")
    child = new_child()
    assert alice.push(child)["status"] == "applied"
    typed = datetime.now(UTC)
    admin.set_assignment(engine, "alice", child["id"], False)
    after = datetime.now(UTC)
    late = alice.push(visit(child["id"]), made_at=_iso(after))
    assert late["status"] == "rejected"
    assert late["reason"].startswith("child_id: this child is no longer on your caseload")
    note = visit(child["id"], observations="typed in the car")
    result = alice.push(note, made_at=_iso(typed))
    assert result["status"] == "applied", result
    stored = {str(r.id): r for r in admin.current_records(engine)}
    assert stored[note["id"]].data["observations"] == "typed in the car"
    assert stored[note["id"]].updated_by == "alice"


def test_grace_period_accepts_edits_made_while_held_and_refuses_the_rest(client, workers, engine):
    alice = Device(client, "alice")
    child = new_child()
    assert alice.push(child)["status"] == "applied"
    admin.set_assignment(engine, "alice", child["id"], False)
    with engine.begin() as conn:
        # Held from 30 days ago until 10 days ago.
        events = conn.execute(
            sa.select(assignment_events.c.seq, assignment_events.c.assigned).where(
                assignment_events.c.child_id == child["id"]
            )
        ).all()
        for seq, assigned in events:
            at = NOW - timedelta(days=30 if assigned else 10)
            conn.execute(
                sa.update(assignment_events).where(assignment_events.c.seq == seq).values(at=at)
            )
    while_held = _iso(NOW - timedelta(days=12))
    note = visit(child["id"], start=NOW - timedelta(days=12), observations="typed while held")
    result = alice.push(note, made_at=while_held)
    assert result["status"] == "applied", result
    edit = dict(child, data=dict(child["data"], first_name="Later"))
    assert alice.push(edit, base_rev=1, made_at=while_held)["status"] == "applied"

    refused = [
        (visit(child["id"]), None),  # says nothing of when it was typed
        (visit(child["id"]), _iso(NOW - timedelta(days=5))),  # typed after the child left
        (visit(child["id"]), _iso(NOW - timedelta(days=40))),  # before the worker held it
        (visit(child["id"]), _iso(NOW + timedelta(days=2))),  # in the future
    ]
    for record, made_at in refused:
        result = alice.push(record, made_at=made_at)
        assert result["status"] == "rejected", (made_at, result)
        assert "no longer on your caseload" in result["reason"]
    admin.set_policy(engine, edit_grace_days=7)  # left 10 days ago: past the grace period
    result = alice.push(visit(child["id"]), made_at=while_held)
    assert result["status"] == "rejected" and "no longer on your caseload" in result["reason"]


def test_a_worker_who_never_held_the_child_is_refused_whatever_made_at_says(
    client, workers, engine
):
    alice, bob = Device(client, "alice"), Device(client, "bob")
    child = new_child()
    alice.push(child)
    result = bob.push(visit(child["id"]), made_at=_iso(NOW - timedelta(minutes=1)))
    assert result["status"] == "rejected" and "not on your caseload" in result["reason"]


# -- rules across a child's records (item 7) ----------------------------------


def _shared_child(client, engine) -> tuple[Device, Device, dict]:
    alice, bob = Device(client, "alice"), Device(client, "bob")
    child = new_child()
    assert alice.push(child)["status"] == "applied"
    admin.set_assignment(engine, "bob", child["id"], True)
    return alice, bob, child


def test_two_laptops_recording_the_child_missing_offline_the_second_is_rejected(
    client, workers, engine
):
    alice, bob, child = _shared_child(client, engine)
    a = episode(child["id"], NOW - timedelta(hours=5))
    b = episode(child["id"], NOW - timedelta(hours=4))
    assert alice.push(a)["status"] == "applied"
    second = bob.push(b)
    assert second["status"] == "rejected"
    assert second["reason"] == "end: the child already has an open missing episode; close it first"
    # The first can still be closed, and then the second recorded after it.
    closed = dict(a, data=dict(a["data"], end=_iso(NOW - timedelta(hours=4, minutes=30))))
    assert alice.push(closed, base_rev=1)["status"] == "applied"
    assert bob.push(b)["status"] == "applied"


def test_within_one_batch_earlier_mutations_count_as_siblings(client, workers, engine):
    alice, _, child = _shared_child(client, engine)
    first = episode(child["id"], NOW - timedelta(days=2))
    second = episode(child["id"], NOW - timedelta(days=1))
    results = push_many(alice, [(first, 0), (second, 0)])
    assert [r["status"] for r in results] == ["applied", "rejected"]
    note = visit(child["id"], status="draft")
    addendum = new_record(child["id"], "addendum", {"visit_id": note["id"], "text": "added later"})
    results = push_many(alice, [(note, 0), (addendum, 0)])
    assert [r["status"] for r in results] == ["applied", "applied"]


def test_missing_episodes_may_not_overlap_or_start_before_birth(client, workers, engine):
    alice, _, child = _shared_child(client, engine)
    base = NOW - timedelta(days=20)
    assert alice.push(episode(child["id"], base, base + timedelta(days=2)))["status"] == "applied"
    overlapping = alice.push(
        episode(child["id"], base + timedelta(days=1), base + timedelta(days=3))
    )
    assert overlapping["status"] == "rejected" and "overlaps" in overlapping["reason"]
    before_birth = alice.push(episode(child["id"], datetime(2010, 1, 1, tzinfo=UTC)))
    assert before_birth["status"] == "rejected"
    assert before_birth["reason"].startswith("start: must not be before the child's date of birth")


def test_a_return_home_interview_cannot_predate_the_episode(client, workers, engine):
    alice, _, child = _shared_child(client, engine)
    start = NOW - timedelta(days=5)
    early = episode(
        child["id"],
        start,
        start + timedelta(hours=6),
        return_home_interview={
            "offered": "y",
            "completed_at": _iso(start - timedelta(days=1)),
        },
    )
    result = alice.push(early)
    assert result["status"] == "rejected"
    assert result["reason"].startswith("return_home_interview.completed_at: ")
    fixed = dict(early, data=dict(early["data"], return_home_interview={"offered": "y"}))
    assert alice.push(fixed)["status"] == "applied"


def test_an_addendum_needs_a_visit_of_the_same_child(client, workers, engine):
    alice, _, child = _shared_child(client, engine)
    other = new_child("Wren")
    assert alice.push(other)["status"] == "applied"
    their_visit = visit(other["id"])
    assert alice.push(their_visit)["status"] == "applied"
    for visit_id in (their_visit["id"], str(uuid.uuid4()), other["id"]):
        addendum = new_record(child["id"], "addendum", {"visit_id": visit_id, "text": "x"})
        result = alice.push(addendum)
        assert result["status"] == "rejected", visit_id
        assert result["reason"].startswith("visit_id: ")


def test_a_visit_dated_in_the_future_is_rejected_beyond_a_day(client, workers, engine):
    alice, _, child = _shared_child(client, engine)
    year_ahead = visit(
        child["id"],
        start=NOW + timedelta(days=365),
        status="final",
        child_seen=True,
        finalised_at=_iso(NOW),
        finalised_by="alice",
    )
    result = alice.push(year_ahead)
    assert result["status"] == "rejected" and result["reason"].startswith("start: ")
    later_today = visit(child["id"], start=NOW + timedelta(hours=3))
    assert alice.push(later_today)["status"] == "applied"


def test_a_duplicate_episode_already_stored_can_be_marked_in_error_and_the_other_closed(
    client, workers, engine
):
    """Two open episodes stored before the service enforced the rule: marking
    one entered in error is allowed, and then the other can be closed."""
    from sync.wire import Record

    alice, _, child = _shared_child(client, engine)
    pair = [episode(child["id"], NOW - timedelta(hours=h)) for h in (5, 4)]
    admin.insert_records(engine, [Record.model_validate(p) for p in pair])
    alice.pull()
    duplicate = dict(
        pair[1],
        data=dict(pair[1]["data"], entered_in_error=True, entered_in_error_reason="recorded twice"),
    )
    assert alice.push(duplicate, base_rev=1)["status"] == "applied"
    closed = dict(pair[0], data=dict(pair[0]["data"], end=_iso(NOW - timedelta(hours=1))))
    assert alice.push(closed, base_rev=1)["status"] == "applied"


def test_audit_events_only_for_children_the_worker_holds_or_held(client, workers, engine):
    alice, bob = Device(client, "alice"), Device(client, "bob")
    mine, theirs, left = new_child(), new_child("Wren"), new_child("Sorrel")
    for c in (mine, left):
        assert alice.push(c)["status"] == "applied"
    assert bob.push(theirs)["status"] == "applied"
    their_note = visit(theirs["id"])
    assert bob.push(their_note)["status"] == "applied"
    admin.set_assignment(engine, "alice", left["id"], False)

    def event(**ids) -> dict:
        return {"id": str(uuid.uuid4()), "at": _iso(NOW), "action": "view"} | ids

    events = {
        "held": event(child_id=mine["id"]),
        "held before": event(child_id=left["id"]),
        "no child": event(),
        "never held": event(child_id=theirs["id"]),
        "their record under my child": event(child_id=mine["id"], record_id=their_note["id"]),
    }
    r = client.post("/api/v1/audit", json={"events": list(events.values())}, headers=alice.headers)
    assert r.status_code == 204
    with engine.connect() as conn:
        stored = set(
            conn.execute(
                sa.select(audit_events.c.id).where(audit_events.c.source == "client")
            ).scalars()
        )
        refused = (
            conn.execute(
                sa.select(audit_events.c.detail).where(audit_events.c.action == "audit_refused")
            )
            .scalars()
            .all()
        )
    assert stored == {events[k]["id"] for k in ("held", "held before", "no child")}
    assert refused == ["2 events name a child or record not on this worker's caseload"]


# -- mutation ids belong to the device that sent them (item 8) ----------------


def test_replaying_another_workers_mutation_id_never_returns_their_record(client, workers):
    alice, bob = Device(client, "alice"), Device(client, "bob")
    secret = new_child("Zanzibar")
    mid = str(uuid.uuid4())
    assert alice.push(secret, mutation_id=mid)["status"] == "applied"

    own = new_child("Bobs")
    replay = bob.push(own, mutation_id=mid)
    assert replay["status"] == "applied" and replay["record"]["id"] == own["id"]
    assert "Zanzibar" not in str(replay)
    same_body = bob.push(secret, mutation_id=mid)
    assert same_body["status"] == "rejected" and "Zanzibar" not in str(same_body)


def test_a_reused_mutation_id_with_different_content_is_rejected(client, workers, engine):
    alice = Device(client, "alice")
    child = new_child()
    alice.push(child)
    plan = new_record(child["id"], "plan", {"plan_type": "cse", "risks": "first"})
    mid = str(uuid.uuid4())
    first = alice.push(plan, mutation_id=mid)
    assert first["status"] == "applied"
    assert alice.push(plan, mutation_id=mid) == first  # a retry: the first answer
    changed = dict(plan, data=dict(plan["data"], risks="something else"))
    result = alice.push(changed, mutation_id=mid)
    assert result["status"] == "rejected" and result["reason"].startswith("mutation_id: ")
    with engine.connect() as conn:
        revs = (
            conn.execute(sa.select(revisions.c.data).where(revisions.c.record_id == plan["id"]))
            .scalars()
            .all()
        )
    assert len(revs) == 1 and "something else" not in revs[0]


def test_the_central_team_adds_a_child_from_the_cli_and_the_worker_gets_it(
    client, engine, tmp_path
):
    import json
    import subprocess
    import sys

    admin.add_worker(engine, "carol", PASSWORD)  # the default policy: workers may not
    url = engine.url.render_as_string(hide_password=False)
    child = new_child("Tansy")["data"]

    def cli(stdin: str, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "sync.server.cli", "--db", url, "child", "add", *args],
            input=stdin,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    bad = cli(json.dumps(dict(child, legal_status="unknown")), "--assign", "carol")
    assert bad.returncode == 1 and "legal_status" in bad.stderr and "Traceback" not in bad.stderr
    nobody = cli(json.dumps(child), "--assign", "nobody")
    assert nobody.returncode == 1 and "no worker called" in nobody.stderr
    assert admin.current_records(engine) == []
    made = cli(json.dumps(child), "--assign", "carol")
    assert made.returncode == 0, made.stderr
    child_id = made.stdout.strip()
    assert "Tansy" not in made.stdout + made.stderr
    carol = Device(client, "carol")
    carol.pull()
    assert list(carol.held) == [child_id]
    assert carol.held[child_id]["data"]["first_name"] == "Tansy"
