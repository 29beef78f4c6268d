"""The information-sharing log's kind: a disclosure names its lawful basis
from the list (the Data (Use and Access) Act 2025's recognised legitimate
interest among them), a decision not to share needs its reason, and the
entries stored before either existed still read. The missing-person profile
keeps health needs, medication, risks and when it was last reviewed."""

from __future__ import annotations

import pytest

from sync.errors import RecordInvalid
from sync.kinds import KINDS, text_for_search, validate_data, words_for
from tests.kinds.samples import SAMPLES

OLD = SAMPLES["sharing"]  # as stored before decisions and the basis list
SHARED = {
    **OLD,
    "decision": "shared",
    "basis": "recognised_legitimate_interest",
    "person": "DC Rowan Example",
    "drawn_from": ["0b7f6c8e-4a5e-4f7a-9a39-3f0e2f6d1c11"],
}


def test_an_entry_stored_before_decisions_and_the_basis_list_still_reads():
    old = validate_data("sharing", {**OLD, "lawful_basis": "Children Act 1989 s47"})
    assert old["decision"] is None and old["basis"] is None and old["drawn_from"] == []
    assert old["lawful_basis"] == "Children Act 1989 s47"
    assert KINDS["sharing"].title_of(old) == "Information shared: Police"


def test_a_disclosure_keeps_its_basis_its_person_and_the_records_it_was_drawn_from():
    data = validate_data("sharing", SHARED)
    assert validate_data("sharing", data) == data
    assert data["basis"] == "recognised_legitimate_interest"
    assert data["drawn_from"] == ["0b7f6c8e-4a5e-4f7a-9a39-3f0e2f6d1c11"]
    assert words_for("recognised_legitimate_interest") == (
        "Recognised legitimate interest (safeguarding)"
    )
    for code, words in (
        ("legal_obligation", "Legal obligation"),
        ("public_task", "Public task"),
        ("vital_interests", "Vital interests"),
        ("consent", "Consent"),
    ):
        assert words_for(code) == words
    assert "DC Rowan Example" in text_for_search("sharing", data)


def test_a_decision_not_to_share_is_titled_so_and_searchable_by_its_reason():
    reason = "Would alert the adult of concern"
    data = validate_data("sharing", {**OLD, "decision": "not_shared", "decision_reason": reason})
    assert KINDS["sharing"].title_of(data) == "Decided not to share: Police"
    assert "Would alert the adult of concern" in text_for_search("sharing", data)


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({**OLD, "decision": "not_shared"}, "decision_reason", "give the reason for not sharing"),
        ({**OLD, "decision": "not_shared", "decision_reason": "  "}, "decision_reason",
         "give the reason for not sharing"),
        ({**SHARED, "basis": None}, "basis", "choose the lawful basis for sharing"),
        ({**SHARED, "basis": "consent"}, "basis",
         "consent is the basis only when it was sought and given"),
        ({**SHARED, "basis": "because"}, "basis", "must be one of"),
        ({**SHARED, "drawn_from": ["not an id"]}, "drawn_from.0", ""),
    ],
)  # fmt: skip
def test_a_sharing_that_breaks_a_rule_is_refused_naming_the_field(data, field, words):
    with pytest.raises(RecordInvalid) as err:
        validate_data("sharing", data)
    assert err.value.field == field
    assert words in str(err.value)


def test_the_missing_person_profile_keeps_health_medication_risks_and_its_review():
    profile = {
        "description": "Slight, dyed red hair",
        "health_needs": "Asthma",
        "medication": "Salbutamol inhaler",
        "risks": "Goes to older males' flats",
        "last_reviewed": "2026-05-01",
    }
    child = validate_data("child", {**SAMPLES["child"], "missing_profile": profile})
    assert child["missing_profile"]["medication"] == "Salbutamol inhaler"
    assert child["missing_profile"]["last_reviewed"] == "2026-05-01"
    assert "Goes to older males' flats" in text_for_search("child", child)
    older = validate_data("child", {**SAMPLES["child"], "missing_profile": {"phones": ["0770"]}})
    assert older["missing_profile"]["last_reviewed"] is None
    with pytest.raises(RecordInvalid) as err:
        validate_data("child", {**SAMPLES["child"], "missing_profile": {"last_reviewed": "May"}})
    assert err.value.field == "missing_profile.last_reviewed"
