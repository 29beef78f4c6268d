"""The central record applies the sharing kind's rules itself (issue 16,
item 7): a decision not to share without its reason, or a disclosure
without its lawful basis, is refused naming the field, whatever a laptop
sent; an entry stored before decisions existed is still accepted."""

from __future__ import annotations

from sync.server import admin
from tests.server.devices import Device, new_child, new_record

SHARING = {"what": "Asked for the plan", "agency": "police", "consent": "sought_given",
           "date": "2026-06-01"}  # fmt: skip


def test_the_service_refuses_a_sharing_that_breaks_the_kinds_rules(client, workers, engine):
    alice = Device(client, "alice")
    child = new_child()
    assert alice.push(child)["status"] == "applied"
    cid = child["id"]
    no_reason = alice.push(new_record(cid, "sharing", {**SHARING, "decision": "not_shared"}))
    assert no_reason["status"] == "rejected"
    assert no_reason["reason"] == "decision_reason: give the reason for not sharing"
    no_basis = alice.push(new_record(cid, "sharing", {**SHARING, "decision": "shared"}))
    assert no_basis["status"] == "rejected"
    assert no_basis["reason"] == "basis: choose the lawful basis for sharing"
    assert [r for r in admin.current_records(engine) if r.kind == "sharing"] == []

    decided = {**SHARING, "decision": "not_shared", "decision_reason": "Not needed"}
    assert alice.push(new_record(cid, "sharing", decided))["status"] == "applied"
    older = {**SHARING, "lawful_basis": "Children Act 1989 s47"}
    assert alice.push(new_record(cid, "sharing", older))["status"] == "applied"
