"""The central record refuses a family member or a child's contact details
with the same schema the laptop uses, naming the field and never the value."""

from __future__ import annotations

from tests.server.devices import Device, new_child, new_record


def test_the_service_takes_a_family_member_and_refuses_a_bad_phone_by_field(client, workers):
    alice = Device(client, "alice")
    child = new_child()
    alice.push(child)
    carer = {"name": "Marigold Fernhollow", "relationship": "foster_carer", "carer": True,
             "phone": "07700 900301"}  # fmt: skip
    result = alice.push(new_record(child["id"], "family_member", carer))
    assert result["status"] == "applied" and result["record"]["data"]["lives_with_child"] is False

    result = alice.push(new_record(child["id"], "family_member", {**carer, "phone": "call 999x"}))
    assert result["status"] == "rejected"
    assert result["reason"] == "phone: is not a phone number (for example 07700 900123)"
    assert "999x" not in result["reason"]

    moved = dict(child, data={**child["data"], "school": {"phone": "school office"}})
    result = alice.push(moved, base_rev=1)
    assert result["status"] == "rejected" and result["reason"].startswith("school.phone:")
    alice.pull()
    kinds = sorted(r["kind"] for r in alice.held.values())
    assert kinds == ["child", "family_member"]
