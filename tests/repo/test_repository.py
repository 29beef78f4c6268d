from __future__ import annotations

import json

import pytest

from desktop import outbox
from desktop.repository import CaseRepository
from desktop.search import search
from sync.errors import RecordInvalid

VISIT = {
    "visit_type": "cp_statutory",
    "start": "2026-05-28T10:00:00+00:00",
    "child_seen": True,
    "seen_alone": True,
    "observations": "Thistle showed me the aquarium with the stripy fish.",
}


def counts(store) -> dict[str, int]:
    conn = store.conn
    return {
        t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        for t in ("records", "outbox", "search_index", "audit_events", "due_items")
    }


def test_write_stores_record_outbox_search_and_audit_together(repo, child, store):
    visit = repo.create("visit", VISIT, child_id=child.id)
    stored = repo.get(visit.id)
    assert stored.data["observations"] == VISIT["observations"]
    rows = outbox.pending(store.conn)
    assert {str(e.mutation.record.id) for e in rows} == {str(child.id), str(visit.id)}
    entry = next(e for e in rows if str(e.mutation.record.id) == str(visit.id))
    assert entry.mutation.base_rev == 0 and entry.mutation.record.data == stored.data
    assert [h.record_id for h in search(store.conn, "aquarium")] == [str(visit.id)]
    actions = store.conn.execute("SELECT action, record_id FROM audit_events").fetchall()
    assert ("edit", str(visit.id)) in actions


def test_failure_inside_the_transaction_leaves_nothing(repo, child, store):
    before = counts(store)
    with pytest.raises(RuntimeError), store.transaction():
        repo.create("visit", VISIT, child_id=child.id)
        raise RuntimeError("laptop died mid-write")
    assert counts(store) == before
    assert search(store.conn, "aquarium") == []


def test_invalid_write_leaves_nothing_and_names_the_field(repo, child, store):
    before = counts(store)
    with pytest.raises(RecordInvalid) as err:
        repo.create("visit", dict(VISIT, visit_type="picnic"), child_id=child.id)
    assert err.value.field == "visit_type"
    assert counts(store) == before


def test_unsent_edits_coalesce_sent_ones_do_not(repo, child, store):
    visit = repo.create("visit", VISIT, child_id=child.id)
    repo.update(visit.id, {"analysis": "first thought"})
    repo.update(visit.id, {"analysis": "second thought"})
    mine = [e for e in outbox.pending(store.conn) if str(e.mutation.record.id) == str(visit.id)]
    assert len(mine) == 1 and mine[0].mutation.record.data["analysis"] == "second thought"

    with store.transaction() as conn:  # a push has started with this mutation
        conn.execute("UPDATE outbox SET sent_at = 'now' WHERE record_id = ?", (str(visit.id),))
    repo.update(visit.id, {"analysis": "third thought"})
    mine = [e for e in outbox.pending(store.conn) if str(e.mutation.record.id) == str(visit.id)]
    assert [e.mutation.record.data["analysis"] for e in mine] == ["second thought", "third thought"]
    assert mine[0].mutation.mutation_id != mine[1].mutation.mutation_id


def test_visit_lifecycle_final_is_immutable_addendum_allowed(repo, child, store):
    visit = repo.create("visit", VISIT, child_id=child.id)
    with pytest.raises(RecordInvalid, match="addenda are for final"):
        repo.add_addendum(visit.id, "too early")
    final = repo.finalise_visit(visit.id)
    assert final.data["status"] == "final" and final.data["finalised_by"] == "worker.one"
    with pytest.raises(RecordInvalid, match="final"):
        repo.update(visit.id, {"observations": "rewritten later"})
    with pytest.raises(RecordInvalid, match="already final"):
        repo.finalise_visit(visit.id)
    addendum = repo.add_addendum(visit.id, "The fish were guppies.")
    assert addendum.data["visit_id"] == str(visit.id)
    records = {str(e.mutation.record.id): e.mutation.record for e in outbox.pending(store.conn)}
    assert records[str(visit.id)].data["status"] == "final"
    assert str(addendum.id) in records
    assert repo.get(visit.id).data["observations"] == VISIT["observations"]


def test_final_visit_can_still_be_marked_entered_in_error(repo, child):
    visit = repo.create("visit", VISIT, child_id=child.id)
    repo.finalise_visit(visit.id)
    marked = repo.mark_entered_in_error(visit.id, "written on the wrong child")
    assert marked.data["entered_in_error"] is True


def test_missing_episode_rules_through_the_repository(repo, child, store):
    repo.create("missing_episode", {"start": "2026-05-01T20:00:00+00:00"}, child_id=child.id)
    with pytest.raises(RecordInvalid) as err:
        repo.create("missing_episode", {"start": "2026-05-20T20:00:00+00:00"}, child_id=child.id)
    assert err.value.field == "end"
    with pytest.raises(RecordInvalid) as err:
        repo.create(
            "missing_episode",
            {"start": "2011-01-01T20:00:00+00:00", "end": "2011-01-02T20:00:00+00:00"},
            child_id=child.id,
        )
    assert err.value.field == "start"
    closed = {"start": "2026-04-01T20:00:00+00:00", "end": "2026-04-03T08:00:00+00:00"}
    repo.create("missing_episode", closed, child_id=child.id)
    overlapping = {"start": "2026-04-02T20:00:00+00:00", "end": "2026-04-04T08:00:00+00:00"}
    with pytest.raises(RecordInvalid) as err:
        repo.create("missing_episode", overlapping, child_id=child.id)
    assert err.value.field in ("start", "end")
    backwards = {"start": "2026-03-05T20:00:00+00:00", "end": "2026-03-04T08:00:00+00:00"}
    with pytest.raises(RecordInvalid) as err:
        repo.create("missing_episode", backwards, child_id=child.id)
    assert err.value.field == "end"
    # editing an episode is checked against the others, not against itself
    episodes = repo.records_for_child(child.id, "missing_episode")
    first = next(e for e in episodes if e.data["start"].startswith("2026-04-01"))
    repo.update(first.id, {"found_location": "Gnarly Park"})
    assert len(outbox.pending(store.conn)) == 3  # child + two episodes


def test_record_for_unknown_child_is_refused(repo):
    with pytest.raises(RecordInvalid) as err:
        repo.create("alert", {"text": "hello"}, child_id="00000000-0000-4000-8000-000000000000")
    assert err.value.field == "child_id"


def test_view_and_print_are_audited(repo, child, store):
    repo.view_child(child.id)
    repo.audit("print", child.id)
    actions = [r[0] for r in store.conn.execute("SELECT action FROM audit_events ORDER BY at")]
    assert "view" in actions and "print" in actions
    detail = store.conn.execute("SELECT group_concat(coalesce(detail, '')) FROM audit_events")
    assert "Thistle" not in detail.fetchone()[0]


def test_outbox_holds_full_wire_records(repo, child, store):
    row = store.conn.execute("SELECT record FROM outbox WHERE record_id = ?", (str(child.id),))
    wire = json.loads(row.fetchone()[0])
    assert wire["kind"] == "child" and wire["child_id"] == str(child.id) == wire["id"]


def test_second_repository_sees_the_same_store(store, child):
    other = CaseRepository(store, "worker.one")
    assert [str(c.id) for c in other.children()] == [str(child.id)]


def test_close_agrees_with_each_kinds_own_status(repo, child, store):
    plan = repo.create(
        "plan",
        {"plan_type": "cse", "status": "active", "review_date": "2026-05-20"},
        child_id=child.id,
    )
    closed = repo.close(plan.id, "risk reduced")
    assert closed.data["status"] == "closed" and closed.data["closure_reason"] == "risk reduced"
    cme = repo.create(
        "cme_episode",
        {"notified_at": "2026-05-01", "school": "Sprocket Academy"},
        child_id=child.id,
    )
    assert repo.close(cme.id).data["status"] == "closed"
    episode = repo.create(
        "missing_episode", {"start": "2026-05-30T10:00:00+00:00"}, child_id=child.id
    )
    with pytest.raises(RecordInvalid) as err:
        repo.close(episode.id, "tidying up")
    assert err.value.field == "end"
    row = store.conn.execute("SELECT missing_now, plan_review_due FROM child_summary").fetchone()
    assert row == (1, None)
