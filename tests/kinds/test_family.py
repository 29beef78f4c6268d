"""The people around the child: family members and carers as records of
their own, and the child's addresses, school and GP on the child's record."""

from __future__ import annotations

import pytest

from sync.errors import RecordInvalid
from sync.kinds import KINDS, kind_label, text_for_search, validate_data, words_for
from sync.kinds.family import address_text, in_household, is_parent
from sync.wire import Kind
from tests.kinds.samples import SAMPLES

MEMBER = SAMPLES["family_member"]


def test_a_family_member_is_a_kind_on_the_wire_that_says_what_it_is():
    assert "family_member" in KINDS and Kind("family_member") == "family_member"
    assert kind_label("family_member") == "Family member or carer"
    model = KINDS["family_member"]
    assert model.title_of(validate_data("family_member", MEMBER)) == (
        "Family member or carer: Mother"
    )
    assert model.summary_field == "name" and not model.on_chronology
    assert words_for("kinship_carer") == "Family and friends carer"


def test_a_family_member_round_trips_with_its_address_normalised():
    once = validate_data("family_member", MEMBER)
    assert validate_data("family_member", once) == once
    assert once["lives_with_child"] is False and once["carer"] is False
    assert once["phone"] == "07700 900123"
    assert address_text(once["address"]) == "4 Example Road, ZZ1 3AB"
    assert "Tansy Quillfeather" in text_for_search("family_member", once)


def test_the_child_keeps_addresses_school_and_gp_and_an_older_child_record_still_reads():
    child = validate_data("child", SAMPLES["child"])
    assert child["address"]["postcode"] == "ZZ1 3AB"
    assert address_text(child["placement_address"]) == "The Old Rectory, Fern Lane, ZZ2 4CD"
    assert child["school"]["phone"] == "01632 960123" and child["gp"]["contact"] is None
    older = {k: v for k, v in SAMPLES["child"].items()
             if k not in ("address", "placement_address", "school", "gp")}  # fmt: skip
    assert validate_data("child", older)["address"] is None


@pytest.mark.parametrize(
    ("kind", "data", "field"),
    [
        ("family_member", {**MEMBER, "phone": "ring me"}, "phone"),
        ("family_member", {**MEMBER, "phone": "0770"}, "phone"),
        ("family_member", {**MEMBER, "phone": "07700 900123 ext 4"}, "phone"),
        ("child", {**SAMPLES["child"], "school": {"phone": "12"}}, "school.phone"),
        ("child", {**SAMPLES["child"], "gp": {"phone": "1" * 16}}, "gp.phone"),
    ],
)
def test_a_phone_number_that_is_not_one_is_named_and_not_repeated(kind, data, field):
    with pytest.raises(RecordInvalid) as err:
        validate_data(kind, data)
    assert err.value.field == field
    assert err.value.message == f"{field}: is not a phone number (for example 07700 900123)"


def test_a_phone_number_is_kept_as_typed_only_trimmed():
    for typed in ("+44 7700 900123", "(01632) 960123", "01632-960-123", " 07700900123 "):
        kept = validate_data("family_member", {**MEMBER, "phone": typed})["phone"]
        assert kept == typed.strip()


@pytest.mark.parametrize(
    ("data", "field", "rule"),
    [
        ({**MEMBER, "name": ""}, "name", "at least 1 character"),
        ({k: v for k, v in MEMBER.items() if k != "relationship"}, "relationship", "required"),
        ({**MEMBER, "address": {"postcode": "nowhere"}}, "address.postcode", "UK postcode"),
        ({**MEMBER, "address": {"county": "Exampleshire"}}, "address.county", "not a field"),
    ],
)
def test_a_family_member_names_the_field_it_refuses(data, field, rule):
    with pytest.raises(RecordInvalid) as err:
        validate_data("family_member", data)
    assert err.value.field == field and rule in err.value.message


def test_household_carers_and_parents_are_told_apart():
    assert in_household({"relationship": "foster_carer", "carer": True})
    assert in_household({"relationship": "sibling", "lives_with_child": True})
    assert not in_household(MEMBER)
    assert is_parent(MEMBER) and is_parent({"relationship": "special_guardian",
                                            "parental_responsibility": True})  # fmt: skip
    assert not is_parent({"relationship": "grandparent"})
