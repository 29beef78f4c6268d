from __future__ import annotations

import json
import uuid
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta

import pytest

from sync.kinds import KINDS, check_missing_episode, text_for_search, validate_data
from sync.kinds.oversight import MANAGEMENT_KINDS
from sync.server.synthetic import FIRST, LAST, PLACES, generate_caseload


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
    # The synthetic caseloads are workers' own; what only a team manager or a
    # coordinator records (sign-offs, oversight, supervision) is not made yet.
    assert set(kinds) == set(KINDS) - MANAGEMENT_KINDS
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


# -- a caseload a practitioner would believe (issue 15, item 14) -------------

BELIEVABLE_DAY = date(2027, 3, 15)  # any day: the histories end on the one given


@pytest.fixture(scope="module")
def believable():
    return generate_caseload(2026, 60, 40, workers=["w"], today=BELIEVABLE_DAY)


def _children(caseload) -> dict:
    return {r.child_id: r.data for r in caseload.records if r.kind == "child"}


def _episodes(caseload) -> dict:
    found: dict = {}
    for r in caseload.records:
        if r.kind == "missing_episode":
            found.setdefault(r.child_id, []).append(r.data)
    return found


def test_the_demo_caseload_ends_on_the_day_it_is_loaded():
    from sync.server.demo import demo_caseload

    day = date(2031, 6, 2)
    caseload = demo_caseload(seed=1, children=5, per_child=30, today=day)
    newest = max(
        date.fromisoformat(r.data["start"][:10]) for r in caseload.records if r.kind == "visit"
    )
    assert day - timedelta(days=14) <= newest <= day


def test_missing_episodes_spread_over_two_years_most_recent_in_the_last_months(believable):
    starts = [
        date.fromisoformat(e["start"][:10])
        for episodes in _episodes(believable).values()
        for e in episodes
    ]
    assert len(starts) >= 20
    ages = [(BELIEVABLE_DAY - s).days for s in starts]
    assert max(ages) <= 2 * 366 and min(ages) >= 0
    assert max(ages) > 365  # some history in the year before
    newest_per_child = [
        (BELIEVABLE_DAY - date.fromisoformat(max(e["start"] for e in eps)[:10])).days
        for eps in _episodes(believable).values()
    ]
    recent = sum(age <= 120 for age in newest_per_child)
    assert recent * 2 >= len(newest_per_child), newest_per_child


def test_a_child_missing_now_went_missing_days_ago_and_is_not_rated_not_at_risk(believable):
    children = _children(believable)
    open_ones = [
        (child_id, e)
        for child_id, eps in _episodes(believable).items()
        for e in eps
        if not e.get("end")
    ]
    assert len(open_ones) >= 2
    for child_id, episode in open_ones:
        began = date.fromisoformat(episode["start"][:10])
        assert 0 <= (BELIEVABLE_DAY - began).days <= 10, episode["start"]
        assert children[child_id]["risk_level"] in ("medium", "high")
        assert "missing" in children[child_id]["flags"]


def test_plan_types_match_the_childs_legal_status(believable):
    children = _children(believable)
    plans = [(children[r.child_id], r.data) for r in believable.records if r.kind == "plan"]
    assert plans
    for child, plan in plans:
        status, kind = child["legal_status"], plan["plan_type"]
        if status in ("cp", "cin"):
            assert kind == status, (status, kind)
        else:
            assert kind not in ("cp", "cin"), (status, kind)


def test_text_is_in_the_right_fields(believable):
    places = [p[0] for p in PLACES] + ["late", "seen near", "older friend"]
    for r in believable.records:
        if r.kind == "plan":
            protective = r.data["protective_factors"]
            assert not any(worry in protective for worry in places), protective
        if r.kind == "visit":
            # The child's own words are what the child said, in quotation marks.
            for line in r.data["childs_words"].splitlines():
                assert line.startswith(("“", '"')), line
            assert "said:" not in r.data["observations"]


def test_on_the_day_it_is_loaded_most_children_have_nothing_overdue(tmp_path):
    import os

    from desktop.records import put_records, refresh_children
    from desktop.store import Store
    from desktop.summary import caseload_summary

    caseload_data = generate_caseload(2026, 40, 40, workers=["w"], today=BELIEVABLE_DAY)
    store = Store(tmp_path / "case.db", os.urandom(32))
    try:
        with store.transaction() as conn:
            put_records(conn, caseload_data.records, pending=False)
            refresh_children(conn, {str(r.child_id) for r in caseload_data.records})
        now = datetime.combine(BELIEVABLE_DAY, time(12), UTC)
        rows = caseload_summary(store.conn, now)
    finally:
        store.close()
    overdue = [row for row in rows if row.overdue_total]
    assert len(rows) == 40
    assert len(overdue) * 3 <= len(rows), f"{len(overdue)} of {len(rows)} overdue"
    assert overdue  # and a few do have something overdue: it is a real caseload


def test_every_child_has_the_people_around_them_and_all_are_fictional(caseload):
    import re

    phone = re.compile(r"^(07700 900|01632 960)\d{3}$")
    children = {r.child_id: r.data for r in caseload.records if r.kind == "child"}
    people: dict = {}
    for r in caseload.records:
        if r.kind in ("family_member", "involvement"):
            people.setdefault(r.child_id, []).append(r)
            if r.data.get("phone"):
                assert phone.match(r.data["phone"]), r.data["phone"]
            if r.data.get("address"):
                assert r.data["address"]["postcode"].startswith("ZZ")
    for child_id, child in children.items():
        home = child.get("placement_address") if child["legal_status"] == "cla" else None
        home = home or child.get("address")
        assert home["postcode"].startswith("ZZ") and home["town"] == child["address_area"]
        assert phone.match(child["school"]["phone"]) and phone.match(child["gp"]["phone"])
        around = people[child_id]
        relations = {r.data.get("relationship") for r in around if r.kind == "family_member"}
        assert "mother" in relations
        if child["legal_status"] == "cla":
            assert "foster_carer" in relations
        assert any(r.data.get("lives_with_child") for r in around) or child["legal_status"] in (
            "care_leaver",
        )
        assert sum(r.kind == "involvement" for r in around) >= 2  # the lead and one more
