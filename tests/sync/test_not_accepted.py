"""Refused edits have a home: the central record's version is shown as the
record, the worker's text beside it in the "Not accepted" list, the child
stays until the worker settles them, and pulls bring every record."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from desktop import outbox
from desktop.conflicts import list_conflicts
from desktop.errors import LeaseExpired
from desktop.refused import (
    DISCARDED,
    add_as_addendum,
    discard,
    list_refused,
    plain_reason,
    resend,
    text_of,
)
from sync.errors import RecordInvalid
from sync.server.schema import audit_events
from tests.helpers import child_data
from tests.sync.history import history_texts

VISIT = {"visit_type": "cin", "start": "2026-05-01T10:00:00+00:00", "observations": "base"}


def _server(service, worker: str | None = None) -> dict:
    return {str(r.id): (r.rev, r.data) for r in service.current_records(worker)}


def _refused_after_removal(laptops, service):
    """sw edits the child and a plan; the child leaves sw's caseload before
    sw syncs, with no grace period: both edits are refused."""
    service.set_policy(edit_grace_days=0)
    sw, tl = laptops("sw"), laptops("tl")
    child = sw.repo.create("child", child_data())
    plan = sw.repo.create("plan", {"plan_type": "cse", "risks": "base"}, child_id=child.id)
    sw.sync()
    service.assign("tl", child.id)
    tl.sync()
    sw.repo.update(child.id, {"address_area": "North Quay"})
    sw.repo.update(plan.id, {"risks": "typed before the removal"})
    service.unassign("sw", child.id)
    report = sw.sync()
    assert report.rejected == 2
    return sw, tl, child, plan


def test_a_refused_edit_keeps_its_child_shows_the_servers_version_and_lists_the_text(
    laptops, service
):
    sw, tl, child, plan = _refused_after_removal(laptops, service)
    assert str(child.id) in sw.held(), "not purged while a refused edit is open"
    # The record shows the central record's version…
    server = _server(service)
    assert sw.held()[str(plan.id)] == server[str(plan.id)]
    assert sw.held()[str(child.id)] == server[str(child.id)]
    # …and the worker's text waits beside it, with the reason in plain words.
    listed = {r.record_id: r for r in list_refused(sw.repo)}
    assert sorted(listed) == sorted([str(child.id), str(plan.id)])
    refused = listed[str(plan.id)]
    assert [(f.field, f.mine, f.theirs) for f in refused.fields] == [
        ("risks", "typed before the removal", "base")
    ]
    assert "no longer on your caseload" in refused.reason
    assert "child_id" not in refused.reason
    assert refused.child_name == "Juniper Mossgrove"
    assert text_of(sw.repo, refused.mutation_id) == "Risks:\ntyped before the removal"


def test_after_unassign_and_reassign_the_child_arrives_whole_beside_the_refused_text(
    laptops, service
):
    sw, tl, child, plan = _refused_after_removal(laptops, service)
    tl.repo.update(plan.id, {"risks": "changed centrally meanwhile"})
    tl.repo.update(child.id, {"risk_level": "high"})
    tl.sync()
    service.assign("sw", child.id)
    sw.sync()
    assert sw.held() == _server(service, "sw"), "every record of a held child, newest revision"
    assert len(list_refused(sw.repo)) == 2

    # Settled, the reassigned child stays: it is held again.
    for refused in list_refused(sw.repo):
        discard(sw.repo, refused.mutation_id)
    report = sw.sync()
    assert report.purged == []
    assert sw.held() == _server(service, "sw")


def test_edit_and_resend_reaches_the_central_record(laptops, service):
    sw, tl, child, plan = _refused_after_removal(laptops, service)
    service.assign("sw", child.id)
    sw.sync()
    refused = {r.record_id: r for r in list_refused(sw.repo)}[str(plan.id)]
    made_at = refused.made_at
    resend(sw.repo, refused.mutation_id, {"risks": "typed before the removal, resent"})
    (queued,) = outbox.pending(sw.vault.store.conn)
    assert queued.mutation.made_at.isoformat() == made_at
    report = sw.sync()
    assert (report.pushed, report.rejected) == (1, 0)
    assert "typed before the removal, resent" in history_texts(service, plan.id)
    assert [r.record_id for r in list_refused(sw.repo)] == [str(child.id)]


def test_a_resend_that_breaks_a_rule_stores_nothing(laptops, service):
    sw, tl, child, plan = _refused_after_removal(laptops, service)
    refused = {r.record_id: r for r in list_refused(sw.repo)}[str(plan.id)]
    with pytest.raises(RecordInvalid) as raised:
        resend(sw.repo, refused.mutation_id, {"risks": "x" * 100_001})
    assert raised.value.field == "risks"
    assert len(list_refused(sw.repo)) == 2
    assert outbox.pending_count(sw.vault.store.conn) == 0


def test_an_edit_refused_for_a_note_finalised_elsewhere_becomes_an_addendum(laptops, service):
    sw, nurse = laptops("social.worker"), laptops("health.worker")
    child = sw.repo.create("child", child_data())
    visit = sw.repo.create("visit", VISIT, child_id=child.id)
    sw.sync()
    service.assign("health.worker", child.id)
    nurse.sync()
    sw.repo.update(visit.id, {"child_seen": True})
    sw.repo.finalise_visit(visit.id)
    sw.sync()
    # No field collides, but the merged note would be a changed final note.
    nurse.repo.update(visit.id, {"actions": "ask the school about Tuesdays"})
    assert nurse.sync().rejected == 1
    server = _server(service)
    assert nurse.held()[str(visit.id)] == server[str(visit.id)]
    (refused,) = list_refused(nurse.repo)
    assert refused.can_add_addendum and "finalised" in refused.reason
    (addendum,) = add_as_addendum(nurse.repo, refused.mutation_id)
    assert list_refused(nurse.repo) == []
    assert nurse.sync().pushed == 1
    kept = {str(r.id): r for r in service.current_records()}[str(addendum.id)]
    assert "ask the school about Tuesdays" in kept.data["text"]
    assert kept.data["visit_id"] == str(visit.id)
    assert list_conflicts(nurse.repo) == []


def test_discarding_a_refused_edit_is_audited(laptops, service):
    sw, tl, child, plan = _refused_after_removal(laptops, service)
    for refused in list_refused(sw.repo):
        discard(sw.repo, refused.mutation_id)
    assert list_refused(sw.repo) == [] and outbox.rejected(sw.vault.store.conn) == []
    report = sw.sync()
    assert report.purged == [str(child.id)], "nothing open any more: purged"
    assert sw.held() == {}
    with service.engine.connect() as conn:
        discarded = conn.execute(
            sa.select(audit_events.c.record_id, audit_events.c.action).where(
                audit_events.c.detail == DISCARDED
            )
        ).all()
    assert sorted(discarded) == sorted([(str(child.id), "edit"), (str(plan.id), "edit")])


def test_the_lists_are_hidden_once_the_lease_has_expired(laptops, service):
    sw, tl, child, plan = _refused_after_removal(laptops, service)
    sw.clock_now = datetime.now(UTC) + timedelta(days=15)
    with pytest.raises(LeaseExpired):
        list_refused(sw.repo)
    with pytest.raises(LeaseExpired):
        list_conflicts(sw.repo)
    with pytest.raises(LeaseExpired):
        text_of(sw.repo, outbox.rejected(sw.vault.store.conn)[0].mutation.mutation_id)


def test_reasons_read_in_plain_words():
    assert plain_reason("end: must not be before start") == "End — must not be before start"
    assert plain_reason("the merged record is not valid: found_postcode: not a UK postcode") == (
        "Combined with changes made elsewhere, the record breaks a rule. "
        "Found postcode — not a UK postcode"
    )
    assert "no longer on your caseload" in plain_reason(
        "child_id: this child left your caseload more than 14 days ago"
    )
    assert plain_reason(None) == "The central record refused this change."
