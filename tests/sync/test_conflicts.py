"""Conflicts keep every word: typing goes on during a conflict, a conflict
outlives the child's removal from the caseload, and a note finalised on the
other side keeps the worker's text as an addendum."""

from __future__ import annotations

from datetime import datetime

import pytest

from desktop import outbox
from desktop.conflicts import conflict_fields, keep_mine_as_addendum, list_conflicts, resolve
from desktop.replica import StoreReplica
from tests.helpers import child_data
from tests.sync.history import history_texts, record_history


def _shared(laptops, service, kind: str, data: dict):
    sw, nurse = laptops("social.worker"), laptops("health.worker")
    child = sw.repo.create("child", child_data())
    record = sw.repo.create(kind, data, child_id=child.id)
    sw.sync()
    service.assign("health.worker", child.id)
    nurse.sync()
    return sw, nurse, child, record


def _plan_in_conflict(laptops, service):
    sw, nurse, child, plan = _shared(
        laptops, service, "plan", {"plan_type": "cse", "risks": "base", "contingency": "base"}
    )
    sw.repo.update(plan.id, {"contingency": "call the police"})
    nurse.repo.update(plan.id, {"contingency": "call the missing team"})
    typed_at = outbox.pending(nurse.vault.store.conn)[0].mutation.made_at
    sw.sync()
    assert nurse.sync().conflicts == 1
    return sw, nurse, child, plan, typed_at


def test_typing_during_a_conflict_is_in_the_resolution_and_the_next_sync_settles_it(
    laptops, service
):
    sw, nurse, child, plan, _ = _plan_in_conflict(laptops, service)
    # The autosave goes on while the conflict is open.
    nurse.repo.update(plan.id, {"contingency": "call the missing team, then the school"})
    nurse.repo.update(plan.id, {"worries": "typed after the conflict arose"})
    fields = {f.field: f for f in conflict_fields(nurse.repo, str(plan.id))}
    assert fields["contingency"].mine == "call the missing team, then the school"
    assert "worries" not in fields  # changed on one side only: it simply goes along

    resolve(nurse.repo, str(plan.id), {"contingency": "mine"})
    theirs_rev = {str(r.id): r.rev for r in service.current_records()}[str(plan.id)]
    queued = outbox.pending(nurse.vault.store.conn)
    assert [(str(e.mutation.record.id), e.mutation.base_rev) for e in queued] == [
        (str(plan.id), theirs_rev)
    ], "one mutation, on the central record's revision"

    report = nurse.sync()
    assert (report.conflicts, report.pushed, report.rejected) == (0, 1, 0)
    assert list_conflicts(nurse.repo) == []
    assert outbox.pending_count(nurse.vault.store.conn) == 0
    server = {str(r.id): r for r in service.current_records()}[str(plan.id)]
    assert server.data["contingency"] == "call the missing team, then the school"
    assert server.data["worries"] == "typed after the conflict arose"
    assert nurse.sync().conflicts == 0
    sw.sync()
    assert sw.held()[str(plan.id)] == nurse.held()[str(plan.id)] == (server.rev, server.data)


def test_a_resolution_says_when_the_conflicting_text_was_first_typed(laptops, service):
    _, nurse, _, plan, typed_at = _plan_in_conflict(laptops, service)
    nurse.repo.update(plan.id, {"contingency": "typed later still"})
    resolve(nurse.repo, str(plan.id), {"contingency": "mine"})
    batch = StoreReplica(nurse.vault.store).take_batch(10)
    assert [m.made_at for m in batch] == [typed_at]
    assert typed_at is not None and typed_at < datetime.now(typed_at.tzinfo)


def test_every_mutation_says_when_its_text_was_first_typed(laptops, service):
    sw = laptops("sw")
    child = sw.repo.create("child", child_data())
    first = sw.vault.store.conn.execute("SELECT created_at FROM outbox").fetchone()[0]
    sw.repo.update(child.id, {"address_area": "North Quay"})  # folded into the same mutation
    batch = StoreReplica(sw.vault.store).take_batch(10)
    assert [m.made_at for m in batch] == [datetime.fromisoformat(first)]


def test_an_open_conflict_keeps_the_child_and_its_text_after_unassignment(laptops, service):
    sw, nurse, child, plan, _ = _plan_in_conflict(laptops, service)
    service.unassign("health.worker", child.id)
    report = nurse.sync()
    assert report.purged == []
    assert str(child.id) in nurse.held() and str(plan.id) in nurse.held()
    assert [c.record_id for c in list_conflicts(nurse.repo)] == [str(plan.id)]
    fields = {f.field: f for f in conflict_fields(nurse.repo, str(plan.id))}
    assert fields["contingency"].mine == "call the missing team"
    assert nurse.sync().purged == [], "still kept at the next sync"
    # Settled by choosing theirs, nothing of the child's is open: purged.
    resolve(nurse.repo, str(plan.id), {"contingency": "theirs"})
    assert nurse.sync().purged == [str(child.id)]
    assert nurse.held() == {}


def test_a_conflict_resolved_after_unassignment_reaches_the_central_record(laptops, service):
    sw, nurse, child, plan, _ = _plan_in_conflict(laptops, service)
    service.unassign("health.worker", child.id)
    nurse.sync()
    resolve(nurse.repo, str(plan.id), {"contingency": "mine"})
    report = nurse.sync()
    assert (report.pushed, report.rejected) == (1, 0)
    assert "call the missing team" in history_texts(service, plan.id)
    assert report.purged == [str(child.id)] or nurse.sync().purged == [str(child.id)]


def _visit_finalised_elsewhere(laptops, service):
    sw, nurse, child, visit = _shared(
        laptops,
        service,
        "visit",
        {"visit_type": "cin", "start": "2026-05-01T10:00:00+00:00", "observations": "base"},
    )
    sw.repo.update(visit.id, {"observations": "seen at home", "child_seen": True})
    sw.repo.finalise_visit(visit.id)
    sw.sync()
    nurse.repo.update(visit.id, {"observations": "seen at school, quiet", "actions": "call GP"})
    assert nurse.sync().conflicts == 1
    return sw, nurse, child, visit


def test_a_conflict_with_a_note_finalised_elsewhere_keeps_mine_as_an_addendum(laptops, service):
    sw, nurse, child, visit = _visit_finalised_elsewhere(laptops, service)
    (conflict,) = list_conflicts(nurse.repo)
    assert conflict.final_note
    # Choosing "yours" would edit a final note: refused, nothing stored.
    with pytest.raises(Exception, match="final"):
        resolve(nurse.repo, str(visit.id), {"observations": "mine"})
    assert len(list_conflicts(nurse.repo)) == 1

    (addendum,) = keep_mine_as_addendum(nurse.repo, str(visit.id))
    assert list_conflicts(nurse.repo) == []
    report = nurse.sync()
    assert (report.pushed, report.conflicts, report.rejected) == (1, 0, 0)
    server = {str(r.id): r for r in service.current_records()}
    note = server[str(visit.id)]
    assert note.data["status"] == "final" and note.data["observations"] == "seen at home"
    kept = server[str(addendum.id)]
    assert kept.kind == "addendum" and kept.data["visit_id"] == str(visit.id)
    assert "seen at school, quiet" in kept.data["text"] and "call GP" in kept.data["text"]
    assert nurse.held()[str(visit.id)] == (note.rev, note.data)
    assert outbox.pending_count(nurse.vault.store.conn) == 0
    assert [r["rev"] for r in record_history(service, visit.id)] == [1, 2]


def _audited_edits(laptop, record_id) -> list[tuple[str, str | None]]:
    return laptop.vault.store.conn.execute(
        "SELECT action, detail FROM audit_events WHERE record_id = ? AND action = 'edit'"
        " ORDER BY at",
        (str(record_id),),
    ).fetchall()


@pytest.mark.parametrize("choice", ["mine", "theirs", ("edited", "call both teams")])
def test_every_resolution_is_audited_like_any_other_write(laptops, service, choice):
    _, nurse, child, plan, _ = _plan_in_conflict(laptops, service)
    before = _audited_edits(nurse, plan.id)
    resolve(nurse.repo, str(plan.id), {"contingency": choice})
    after = _audited_edits(nurse, plan.id)
    assert len(after) == len(before) + 1, "the resolution is an edit of the record"
    assert after[-1][1] == "resolved a conflict"
    events = nurse.vault.store.conn.execute(
        "SELECT child_id FROM audit_events WHERE record_id = ? ORDER BY at DESC LIMIT 1",
        (str(plan.id),),
    ).fetchone()
    assert events == (str(child.id),)


def test_keeping_mine_as_an_addendum_audits_the_settled_note(laptops, service):
    _, nurse, _, visit = _visit_finalised_elsewhere(laptops, service)
    before = _audited_edits(nurse, visit.id)
    (addendum,) = keep_mine_as_addendum(nurse.repo, str(visit.id))
    assert _audited_edits(nurse, visit.id) == [*before, ("edit", "resolved a conflict")]
    assert _audited_edits(nurse, addendum.id) == [("edit", None)]
