from __future__ import annotations

import json
import typing
from enum import Enum

import pytest
from pydantic import BaseModel

from sync.errors import RecordInvalid
from sync.kinds import KINDS, check_update, long_text_fields, text_for_search, validate_data
from tests.kinds.samples import SAMPLES


def test_every_kind_has_a_sample():
    assert set(SAMPLES) == set(KINDS)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_round_trip_is_lossless(kind):
    once = validate_data(kind, SAMPLES[kind])
    assert validate_data(kind, once) == once
    assert validate_data(kind, json.loads(json.dumps(once))) == once


def _enum_paths(model: type[BaseModel], prefix: str = "") -> list[tuple[str, type[Enum], bool]]:
    """(dotted field path, enum, is list) for every enum field, nested included."""
    found = []
    for name, field in model.model_fields.items():
        path = f"{prefix}{name}"
        for arg in _flatten(field.annotation):
            if isinstance(arg, type) and issubclass(arg, Enum):
                is_list = _is_list(field.annotation)
                found.append((path, arg, is_list))
            elif isinstance(arg, type) and issubclass(arg, BaseModel):
                found += _enum_paths(arg, f"{path}.")
    return found


def _is_list(annotation) -> bool:
    """A list of values, optional or not (`list[Agency] | None`)."""
    if typing.get_origin(annotation) is list:
        return True
    return any(_is_list(a) for a in typing.get_args(annotation) if a is not type(None))


def _flatten(annotation) -> list:
    args = typing.get_args(annotation)
    if not args:
        return [annotation]
    return [a for arg in args for a in _flatten(arg)]


ENUM_CASES = [
    (kind, path, enum, is_list)
    for kind, m in KINDS.items()
    for path, enum, is_list in _enum_paths(m)
]


def test_enum_cases_cover_the_listed_enums():
    paths = {(k, p) for k, p, _, _ in ENUM_CASES}
    for expected in [
        ("child", "legal_status"),
        ("visit", "visit_type"),
        ("concern", "reliability"),
        ("missing_episode", "return_home_interview.offered"),
        ("plan_action", "status"),
    ]:
        assert expected in paths


def _set_path(data: dict, path: str, value) -> dict:
    data = json.loads(json.dumps(data))
    parts = path.split(".")
    target = data
    for part in parts[:-1]:
        target = target.setdefault(part, {})
        if isinstance(target, list):  # a list of parts: put one in
            target = target[0]
    target[parts[-1]] = value
    return data


@pytest.mark.parametrize(
    ("kind", "path", "enum", "is_list"), ENUM_CASES, ids=[f"{k}.{p}" for k, p, _, _ in ENUM_CASES]
)
def test_enum_rejects_unknown_value_naming_field_and_allowed(kind, path, enum, is_list):
    sample = SAMPLES[kind]
    head = path.split(".")[0]
    if "." in path and isinstance(sample.get(head), list) and not sample[head]:
        pytest.fail(f"sample for {kind} needs an item in {head}")
    bad = _set_path(sample, path, ["no-such-value"] if is_list else "no-such-value")
    with pytest.raises(RecordInvalid) as err:
        validate_data(kind, bad)
    assert err.value.field.split(".")[0] == head
    assert err.value.field.replace(".0", "").endswith(path.split(".")[-1])
    for member in list(enum)[:3]:
        assert repr(member.value) in err.value.message or member.value in err.value.message
    assert "no-such-value" not in err.value.message


def test_unknown_kind_and_unknown_field_are_named():
    with pytest.raises(RecordInvalid) as err:
        validate_data("gossip", {})
    assert err.value.field == "kind"
    with pytest.raises(RecordInvalid) as err:
        validate_data("alert", {"text": "x", "colour": "red"})
    assert err.value.field == "colour"


def test_required_field_is_named():
    with pytest.raises(RecordInvalid) as err:
        validate_data("concern", {"source": "school", "reliability": "confirmed"})
    assert err.value.field == "received_at" and "required" in err.value.message


def test_normalises_postcodes_and_registrations():
    data = validate_data("concern", SAMPLES["concern"])
    assert data["places"][0]["postcode"] == "ZZ1 1AA"
    assert data["vehicles"][0]["registration"] == "ZZ12ABC"
    with pytest.raises(RecordInvalid) as err:
        validate_data("concern", _set_path(SAMPLES["concern"], "places.postcode", "not a code"))
    assert err.value.field == "places.0.postcode"


def test_nhs_number_checksum():
    bad = _set_path(SAMPLES["child"], "identifiers.nhs_number", "9990000027")
    with pytest.raises(RecordInvalid, match="check digit"):
        validate_data("child", bad)


def test_sharing_without_consent_needs_a_reason():
    bad = dict(SAMPLES["sharing"], consent_reason=None)
    with pytest.raises(RecordInvalid) as err:
        validate_data("sharing", bad)
    assert err.value.field == "consent_reason"


def _final_visit() -> dict:
    return validate_data(
        "visit",
        dict(
            SAMPLES["visit"], status="final", finalised_at="2026-05-03T12:00:00Z", finalised_by="w1"
        ),
    )


def test_final_visit_needs_who_and_when():
    with pytest.raises(RecordInvalid) as err:
        validate_data("visit", dict(SAMPLES["visit"], status="final"))
    assert err.value.field == "finalised_at"


def test_final_visit_is_never_changed():
    draft = validate_data("visit", SAMPLES["visit"])
    final = _final_visit()
    check_update("visit", draft, final)  # draft -> final is allowed
    edited = dict(final, observations="changed later")
    with pytest.raises(RecordInvalid, match="addendum"):
        check_update("visit", final, edited)
    check_update(
        "visit", final, dict(final, entered_in_error=True, entered_in_error_reason="wrong child")
    )


def test_addendum_cannot_move():
    a = validate_data("addendum", SAMPLES["addendum"])
    with pytest.raises(RecordInvalid) as err:
        check_update("addendum", a, dict(a, visit_id="00000000-0000-0000-0000-000000000001"))
    assert err.value.field == "visit_id"


def test_long_text_and_search_text():
    assert "childs_words" in long_text_fields("visit")
    assert "risks" in long_text_fields("plan")
    text = text_for_search("concern", validate_data("concern", SAMPLES["concern"]))
    assert "Mister Grue" in text and "ZZ12ABC" in text and "Wobbleton Parade" in text
    assert "Brambs" in text_for_search("child", SAMPLES["child"])


@pytest.mark.parametrize(
    ("kind", "data", "field"),
    [
        ("child", {"first_name": "Bram\x00ble"}, "first_name"),
        ("child", {"aliases": ["ok", "B\x00"]}, "aliases.1"),
        ("plan", {"plan_type": "cse", "risks": "\x00"}, "risks"),
        ("concern", {"persons": [{"aliases": ["\x00"]}]}, "persons.0.aliases.0"),
    ],
)
def test_a_nul_character_is_refused_by_field_in_every_kind(kind, data, field):
    base = {
        "child": {
            "first_name": "Bramble",
            "last_name": "Quillfeather",
            "date_of_birth": "2011-03-04",
            "legal_status": "cin",
        },
        "plan": {"plan_type": "cse"},
        "concern": {
            "received_at": "2026-04-01T10:00:00+00:00",
            "source": "school",
            "reliability": "unverified",
        },
    }[kind]
    with pytest.raises(RecordInvalid) as err:
        validate_data(kind, base | data)
    assert err.value.field == field
    assert err.value.message == f"{field}: must not contain a NUL character"
