from __future__ import annotations

import json
import uuid
from collections import Counter
from datetime import date

import pytest

from sync.kinds import KINDS, check_missing_episode, text_for_search, validate_data
from sync.server.synthetic import FIRST, LAST, generate_caseload


def test_same_seed_same_caseload_other_seed_other():
    a = generate_caseload(7, 5, 30, workers=["w1", "w2"])
    b = generate_caseload(7, 5, 30, workers=["w1", "w2"])
    c = generate_caseload(8, 5, 30, workers=["w1", "w2"])
    assert [r.model_dump() for r in a.records] == [r.model_dump() for r in b.records]
    assert a.holders == b.holders
    assert [r.id for r in a.records] != [r.id for r in c.records]


def _is_subset(given, normalised) -> bool:
    """`given` spells every value it has exactly as validate_data would."""
    if isinstance(given, dict):
        return all(_is_subset(v, normalised.get(k)) for k, v in given.items())
    if isinstance(given, list):
        return len(given) == len(normalised) and all(map(_is_subset, given, normalised))
    return given == normalised


@pytest.fixture(scope="module")
def caseload():
    return generate_caseload(3, 40, 60, workers=["w1", "w2", "w3"])


def test_every_record_is_valid_normalised_and_episodes_follow_the_rules(caseload):
    assert len(caseload.records) == 40 * 60
    children = {r.child_id: r.data for r in caseload.records if r.kind == "child"}
    assert len(children) == 40
    episodes: dict = {}
    for r in caseload.records:
        data = validate_data(r.kind, r.data)
        assert _is_subset(r.data, data), (r.kind, r.data)
        json.dumps(r.model_dump(mode="json"))  # the envelope serialises too
        if r.kind == "missing_episode":
            dob = date.fromisoformat(children[r.child_id]["date_of_birth"])
            check_missing_episode(data, episodes.get(r.child_id, []), dob)
            episodes.setdefault(r.child_id, []).append(data)
    assert episodes, "some children should have missing episodes"


def test_every_kind_appears_and_counts_are_exact(caseload):
    kinds = Counter(r.kind.value for r in caseload.records)
    assert set(kinds) == set(KINDS)
    assert kinds["child"] == 40 and kinds["visit"] > kinds["concern"] > 0
    per_child = Counter(r.child_id for r in caseload.records)
    assert set(per_child.values()) == {60}
    small = generate_caseload(1, 3, 2)  # below the minimum history: 7 each
    assert len(small.records) == 3 * 7


def test_addenda_point_at_final_visits_of_the_same_child(caseload):
    visits = {r.id: r for r in caseload.records if r.kind == "visit"}
    addenda = [r for r in caseload.records if r.kind == "addendum"]
    assert addenda
    for addendum in addenda:
        visit = visits[uuid.UUID(addendum.data["visit_id"])]
        assert visit.child_id == addendum.child_id and visit.data["status"] == "final"
    drafts = [v for v in visits.values() if v.data["status"] == "draft"]
    assert len(drafts) == 40  # the newest visit of each child awaits recording


def test_everything_is_obviously_fictional(caseload):
    for r in caseload.records:
        if r.kind == "child":
            assert r.data["first_name"] in FIRST and r.data["last_name"] in LAST
            assert r.data["identifiers"]["nhs_number"].startswith("999")
        for place in r.data.get("places", []) + r.data.get("locations", []):
            assert place["postcode"].startswith("ZZ")
        for vehicle in r.data.get("vehicles", []):
            assert vehicle["registration"].startswith("ZZ")


def test_places_recur_and_text_is_searchable(caseload):
    postcodes = Counter(
        p["postcode"] for r in caseload.records if r.kind == "concern" for p in r.data["places"]
    )
    assert postcodes.most_common(1)[0][1] >= 5  # hotspots need repeats
    text = "\n".join(text_for_search(r.kind, r.data) for r in caseload.records)
    for word in ("skateboard", "Tall Tobias", "Gnarly Park", "ZZ11ABC"):
        assert word in text


def test_children_are_dealt_and_some_are_shared():
    caseload = generate_caseload(1, 10, 10, workers=["sw", "health"])
    assert set(caseload.children_of("sw")) | set(caseload.children_of("health")) == set(
        caseload.holders
    )
    shared = [c for c, names in caseload.holders.items() if len(names) == 2]
    assert shared
    assert list(caseload) == caseload.records
