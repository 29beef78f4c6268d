"""Two workers sharing a child edit the same plan offline."""

from __future__ import annotations

import json

from desktop import outbox
from desktop.conflicts import conflict_fields, list_conflicts, resolve
from tests.helpers import child_data


def test_disjoint_merge_then_conflict_then_resolution_converges(laptops, service):
    sw, nurse = laptops("social.worker"), laptops("health.worker")
    child = sw.repo.create("child", child_data())
    plan = sw.repo.create(
        "plan",
        {
            "plan_type": "cse",
            "risks": "base risks",
            "worries": "base worries",
            "contingency": "base",
        },
        child_id=child.id,
    )
    sw.sync()
    service.assign("health.worker", child.id)
    nurse.sync()
    assert str(plan.id) in nurse.held()

    # Offline, both edit. Disjoint fields first.
    sw.repo.update(plan.id, {"risks": "sw risks"})
    nurse.repo.update(plan.id, {"worries": "nurse worries"})
    sw.sync()
    report = nurse.sync()
    assert report.conflicts == 0
    sw.sync()
    for laptop in (sw, nurse):
        rev, data = laptop.held()[str(plan.id)]
        assert (data["risks"], data["worries"]) == ("sw risks", "nurse worries")

    # Now both change the same field.
    sw.repo.update(plan.id, {"contingency": "call the police"})
    nurse.repo.update(plan.id, {"contingency": "call the missing team"})
    sw.sync()
    report = nurse.sync()
    assert report.conflicts == 1
    conflicts = list_conflicts(nurse.repo)
    assert [c.record_id for c in conflicts] == [str(plan.id)]
    fields = {f.field: f for f in conflict_fields(nurse.repo, str(plan.id))}
    assert fields["contingency"].theirs == "call the police"
    assert fields["contingency"].mine == "call the missing team"
    assert fields["contingency"].base == "base"
    # Nothing typed is lost: the nurse's text is on her laptop, the worker's on the server.
    history = [
        r.data.get("contingency")
        for r in service.current_records("health.worker")
        if str(r.id) == str(plan.id)
    ]
    assert history == ["call the police"]
    assert outbox.pending_count(nurse.vault.store.conn) == 0

    resolve(
        nurse.repo,
        str(plan.id),
        {"contingency": ("edited", "call the police, then the missing team")},
    )
    assert list_conflicts(nurse.repo) == []
    nurse.sync()
    sw.sync()
    server = {str(r.id): r for r in service.current_records()}[str(plan.id)]
    assert server.data["contingency"] == "call the police, then the missing team"
    assert server.data["worries"] == "nurse worries"
    for laptop in (sw, nurse):
        rev, data = laptop.held()[str(plan.id)]
        assert rev == server.rev and data == server.data
    # Every version typed is in the server's history.
    history = [h for h in _history(service, plan.id)]
    assert "call the police" in history and "call the police, then the missing team" in history


def _history(service, record_id) -> list:
    import sqlalchemy as sa

    from sync.server.schema import revisions

    with service.engine.connect() as conn:
        rows = conn.execute(
            sa.select(revisions.c.data)
            .where(revisions.c.record_id == str(record_id))
            .order_by(revisions.c.rev)
        )
        return [json.loads(r[0]).get("contingency") for r in rows]


def test_every_field_changed_differently_on_both_sides_is_a_conflict(laptops, service):
    sw, nurse = laptops("social.worker"), laptops("health.worker")
    child = sw.repo.create(
        "child", {**child_data(), "address_area": "Mill Lane", "risk_level": "medium"}
    )
    sw.sync()
    service.assign("health.worker", child.id)
    nurse.sync()
    sw.repo.update(child.id, {"address_area": "North Quay", "risk_level": "high"})
    # Same new value on both sides (legal status) is agreement, not a conflict.
    sw.repo.update(child.id, {"legal_status": "cla"})
    nurse.repo.update(
        child.id, {"address_area": "South Row", "risk_level": "low", "legal_status": "cla"}
    )
    sw.sync()
    assert nurse.sync().conflicts == 1
    fields = {f.field: f for f in conflict_fields(nurse.repo, str(child.id))}
    assert sorted(fields) == ["address_area", "risk_level"]
    assert (fields["risk_level"].base, fields["risk_level"].theirs, fields["risk_level"].mine) == (
        "medium",
        "high",
        "low",
    )
