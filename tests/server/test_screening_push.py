"""The central record keeps a screening's rules as the laptop does (the same
`sync.kinds.rules.check_update`): the practitioner's reasons are required
for a new screening and a changed level, and screenings stored before the
rule can still be marked entered in error."""

from __future__ import annotations

import sqlalchemy as sa

from sync.kinds.rules import RATIONALE_NEEDED
from sync.server import admin
from sync.server.schema import records
from sync.wire import Record
from tests.server.devices import Device, new_child, new_record

SCREENING = {
    "tool_id": "seraf-like",
    "tool_version": "1",
    "date": "2026-05-20",
    "tool_score": 6,
    "tool_category": "Medium",
    "practitioner_level": "high",
}


def _alice_with_a_child(client) -> tuple[Device, dict]:
    alice = Device(client, "alice")
    child = new_child()
    assert alice.push(child)["status"] == "applied"
    return alice, child


def test_a_screening_without_reasons_is_refused_and_nothing_stored(client, workers, engine):
    alice, child = _alice_with_a_child(client)
    for rationale in (None, "   "):
        screening = new_record(child["id"], "assessment", dict(SCREENING, rationale=rationale))
        result = alice.push(screening)
        assert result["status"] == "rejected"
        assert result["reason"] == RATIONALE_NEEDED
        with engine.connect() as conn:
            stored = conn.execute(
                sa.select(records.c.id).where(records.c.id == screening["id"])
            ).first()
        assert stored is None
    with_reasons = new_record(child["id"], "assessment", dict(SCREENING, rationale="Seen twice"))
    assert alice.push(with_reasons)["status"] == "applied"
    # The reasons cannot be taken away afterwards either.
    emptied = dict(with_reasons, data=dict(with_reasons["data"], rationale=""))
    assert alice.push(emptied, base_rev=1)["status"] == "rejected"


def test_a_screening_stored_before_the_rule_can_be_marked_entered_in_error(client, workers, engine):
    alice, child = _alice_with_a_child(client)
    older = new_record(child["id"], "assessment", SCREENING)  # no rationale: before the rule
    admin.insert_records(engine, [Record.model_validate(older)], by="alice")
    marked = dict(older, data=dict(SCREENING, entered_in_error=True))
    assert alice.push(marked, base_rev=1)["status"] == "applied"
    relevelled = dict(older, data=dict(SCREENING, practitioner_level="low"))
    result = alice.push(relevelled, base_rev=2)
    assert result["status"] == "rejected" and result["reason"] == RATIONALE_NEEDED
