from __future__ import annotations

from datetime import date

from sync.kinds import check_missing_episode, validate_data
from sync.synthetic import generate_caseload


def test_same_seed_same_caseload_other_seed_other():
    a = generate_caseload(7, 5, 30, workers=["w1", "w2"])
    b = generate_caseload(7, 5, 30, workers=["w1", "w2"])
    c = generate_caseload(8, 5, 30, workers=["w1", "w2"])
    assert [r.model_dump() for r in a.records] == [r.model_dump() for r in b.records]
    assert [r.id for r in a.records] != [r.id for r in c.records]


def test_every_record_is_valid_and_episodes_follow_the_rules():
    caseload = generate_caseload(3, 12, 60, workers=["w1", "w2", "w3"])
    assert len(caseload.records) == 12 * 60
    children = {r.child_id: r.data for r in caseload.records if r.kind == "child"}
    assert len(children) == 12
    episodes: dict = {}
    for r in caseload.records:
        data = validate_data(r.kind, r.data)
        if r.kind == "missing_episode":
            dob = date.fromisoformat(children[r.child_id]["date_of_birth"])
            check_missing_episode(data, episodes.get(r.child_id, []), dob)
            episodes.setdefault(r.child_id, []).append(data)
    assert episodes, "some children should have missing episodes"


def test_children_are_dealt_and_some_are_shared():
    caseload = generate_caseload(1, 10, 10, workers=["sw", "health"])
    assert set(caseload.children_of("sw")) | set(caseload.children_of("health")) == set(
        caseload.holders
    )
    shared = [c for c, names in caseload.holders.items() if len(names) == 2]
    assert shared
