"""Derived views (search text, places, names) and the update rules."""

from __future__ import annotations

import pytest

from sync.errors import RecordInvalid
from sync.kinds import (
    check_update,
    display_name,
    places_named,
    text_for_search,
    validate_data,
)
from tests.kinds.samples import SAMPLES


def test_check_update_refuses_finalising_without_who_and_when():
    draft = validate_data("visit", SAMPLES["visit"])
    # Unvalidated input reaching check_update must still be refused.
    half = dict(draft, status="final", finalised_at="2026-05-03T12:00:00Z")
    with pytest.raises(RecordInvalid) as err:
        check_update("visit", draft, half)
    assert err.value.field == "finalised_by"
    check_update("visit", None, draft)  # creating a draft is always fine


def test_final_visit_refuses_even_a_status_change_back_to_draft():
    final = validate_data(
        "visit",
        dict(
            SAMPLES["visit"], status="final", finalised_at="2026-05-03T12:00:00Z", finalised_by="w"
        ),
    )
    reopened = dict(final, status="draft", finalised_at=None, finalised_by=None)
    with pytest.raises(RecordInvalid) as err:
        check_update("visit", final, reopened)
    assert err.value.field == "status"


def test_finalising_needs_a_reason_when_not_seen():
    unseen = dict(
        SAMPLES["visit"],
        child_seen=False,
        status="final",
        finalised_at="2026-05-03T12:00:00Z",
        finalised_by="w",
    )
    with pytest.raises(RecordInvalid) as err:
        validate_data("visit", unseen)
    assert err.value.field == "not_seen_reason"
    validate_data("visit", dict(unseen, not_seen_reason="asleep after night shift"))
    alone = dict(unseen, child_seen=True, seen_alone=False)
    with pytest.raises(RecordInvalid) as err:
        validate_data("visit", alone)
    assert err.value.field == "not_seen_alone_reason"


def test_visit_end_before_start_names_end():
    with pytest.raises(RecordInvalid) as err:
        validate_data("visit", dict(SAMPLES["visit"], end="2026-05-03T09:00:00Z"))
    assert err.value.field == "end"


def test_nested_enum_path_is_dotted_with_list_index():
    indicators = [dict(SAMPLES["assessment"]["indicators"][0]) for _ in range(3)]
    indicators[2]["level"] = "extreme"
    with pytest.raises(RecordInvalid) as err:
        validate_data("assessment", dict(SAMPLES["assessment"], indicators=indicators))
    assert err.value.field == "indicators.2.level"
    assert "'high'" in err.value.message and "extreme" not in err.value.message


@pytest.mark.parametrize(
    ("kind", "field", "secret"),
    [
        ("plan_action", "plan_id", "sabrina-lives-at-no-7"),
        ("concern", "received_at", "sabrina-lives-at-no-7"),
        ("child", "date_of_birth", "sabrina-lives-at-no-7"),
        ("concern", "places.0.postcode", "sabrina-lives-at-no-7"),
    ],
)
def test_messages_never_echo_the_rejected_value(kind, field, secret):
    data = dict(SAMPLES[kind])
    if field.startswith("places"):
        data["places"] = [{"name": "x", "postcode": secret}]
    else:
        data[field] = secret
    with pytest.raises(RecordInvalid) as err:
        validate_data(kind, data)
    assert err.value.field == field
    assert field.split(".")[-1] in err.value.message
    for fragment in ("sabrina", "`s`", "`"):
        assert fragment not in err.value.message
        assert fragment not in str(err.value)


def test_display_name_prefers_the_preferred_name():
    assert display_name(SAMPLES["child"]) == "Bramble Quillfeather"
    assert display_name(dict(SAMPLES["child"], preferred_name="Brams")) == "Brams Quillfeather"


def test_places_named_for_hotspots():
    episode = validate_data(
        "missing_episode",
        dict(
            SAMPLES["missing_episode"], found_location="Hotel Snoozeville", found_postcode="zz55jk"
        ),
    )
    places = places_named("missing_episode", episode)
    assert places == [
        {"name": "Gnarly Park", "type": None, "postcode": "ZZ9 9ZZ"},
        {"name": "Hotel Snoozeville", "type": "found", "postcode": "ZZ5 5JK"},
    ]
    concern = validate_data("concern", SAMPLES["concern"])
    assert places_named("concern", concern) == [
        {"name": "Wobbleton Parade", "type": None, "postcode": "ZZ1 1AA"}
    ]
    assert places_named("visit", validate_data("visit", SAMPLES["visit"])) == []


def test_search_text_reaches_nested_free_text():
    episode = validate_data(
        "missing_episode",
        dict(
            SAMPLES["missing_episode"],
            associates=["Tall Tobias"],
            return_home_interview={"offered": "y", "pull_factors": "free vapes at the underpass"},
        ),
    )
    text = text_for_search("missing_episode", episode)
    assert "Tall Tobias" in text and "vapes" in text and "Gnarly Park" in text
    assert "cse" not in text.split()  # enum values stay out of the index
    child = validate_data("child", SAMPLES["child"])
    child_text = text_for_search("child", child)
    assert "green coat" in child_text and "Tuck" in child_text
    assert "Mister Grue" in text_for_search("concern", validate_data("concern", SAMPLES["concern"]))


def test_final_visit_compares_normalised_forms():
    stored = dict(
        SAMPLES["visit"],
        start="2026-05-03T10:00:00+00:00",
        status="final",
        finalised_at="2026-05-03T12:00:00+00:00",
        finalised_by="w",
    )
    marked = dict(validate_data("visit", stored), entered_in_error=True)
    check_update("visit", stored, marked)  # only the timestamp spelling differs
    with pytest.raises(RecordInvalid):
        check_update("visit", stored, dict(marked, start="2026-05-03T10:05:00Z"))
