"""The rules across a child's records, in the one function the laptop and the
central record both call."""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from desktop.repository import CaseRepository
from desktop.store import Store
from sync.errors import RecordInvalid
from sync.kinds import Sibling, check_with_siblings, sibling_kinds, validate_data

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
CHILD = validate_data(
    "child",
    {
        "first_name": "Thistle",
        "last_name": "Puddingstone",
        "date_of_birth": "2012-02-02",
        "legal_status": "cp",
    },
)


def check(kind: str, data: dict, others: list[Sibling] = (), record_id: str | None = None):
    check_with_siblings(
        kind,
        validate_data(kind, data),
        record_id=record_id or str(uuid.uuid4()),
        child=CHILD,
        others=list(others),
        now=NOW,
    )


def sibling(kind: str, data: dict, record_id: str | None = None) -> Sibling:
    return Sibling(record_id or str(uuid.uuid4()), kind, validate_data(kind, data))


def test_the_rules_say_which_siblings_they_need():
    assert sibling_kinds("missing_episode") == {"missing_episode"}
    assert sibling_kinds("addendum") == {"visit"}
    assert sibling_kinds("visit") == frozenset()
    assert sibling_kinds("plan") == frozenset()


def test_one_open_missing_episode_and_the_record_itself_is_not_its_own_sibling():
    rid = str(uuid.uuid4())
    open_one = sibling("missing_episode", {"start": "2026-05-10T22:00:00Z"}, rid)
    check("missing_episode", {"start": "2026-05-10T22:00:00Z"}, [open_one], record_id=rid)
    with pytest.raises(RecordInvalid, match="open missing episode") as err:
        check("missing_episode", {"start": "2026-05-20T22:00:00Z"}, [open_one])
    assert err.value.field == "end"


def test_an_episode_marked_entered_in_error_is_exempt_from_the_rules():
    open_one = sibling("missing_episode", {"start": "2026-05-10T22:00:00Z"})
    duplicate = {
        "start": "2026-05-10T22:30:00Z",
        "entered_in_error": True,
        "entered_in_error_reason": "recorded twice",
    }
    check("missing_episode", duplicate, [open_one])


def test_before_birth_is_refused():
    with pytest.raises(RecordInvalid) as err:
        check("missing_episode", {"start": "2011-01-01T10:00:00Z", "end": "2011-01-02T10:00:00Z"})
    assert err.value.field == "start"


@pytest.mark.parametrize("field", ["offered_at", "completed_at"])
def test_a_return_home_interview_cannot_predate_its_episode(field):
    data = {
        "start": "2026-05-10T22:00:00Z",
        "end": "2026-05-11T08:00:00Z",
        "return_home_interview": {field: "2026-05-09T10:00:00Z"},
    }
    with pytest.raises(RecordInvalid) as err:
        check("missing_episode", data)
    assert err.value.field == f"return_home_interview.{field}"
    assert err.value.message.startswith(f"return_home_interview.{field}: ")
    data["return_home_interview"] = {field: "2026-05-12T10:00:00Z"}
    check("missing_episode", data)


def test_an_addendum_needs_its_visit_among_the_childs_records():
    note = sibling("visit", {"visit_type": "cin", "start": "2026-05-01T10:00:00Z"})
    check("addendum", {"visit_id": note.id, "text": "later"}, [note])
    plan = sibling("plan", {"plan_type": "cse"})
    for others, visit_id in (([note], str(uuid.uuid4())), ([plan], plan.id)):
        with pytest.raises(RecordInvalid) as err:
            check("addendum", {"visit_id": visit_id, "text": "later"}, others)
        assert err.value.field == "visit_id"


def test_a_visit_may_be_dated_up_to_a_day_ahead_and_no_further():
    ahead = NOW + timedelta(hours=23)
    check("visit", {"visit_type": "cin", "start": ahead.isoformat()})
    for field, data in (
        ("start", {"start": (NOW + timedelta(days=365)).isoformat()}),
        ("end", {"start": NOW.isoformat(), "end": (NOW + timedelta(days=2)).isoformat()}),
    ):
        with pytest.raises(RecordInvalid) as err:
            check("visit", {"visit_type": "cin"} | data)
        assert err.value.field == field and "future" in err.value.message


# -- the laptop calls the same function -----------------------------------------


@pytest.fixture
def repo(tmp_path):
    store = Store(tmp_path / "case.db", os.urandom(32))
    yield CaseRepository(store, "worker.one", clock=lambda: NOW)
    store.close()


def test_the_laptop_refuses_what_the_central_record_refuses(repo):
    child = repo.create("child", dict(CHILD))
    with pytest.raises(RecordInvalid) as err:
        repo.create(
            "visit",
            {"visit_type": "cin", "start": (NOW + timedelta(days=30)).isoformat()},
            child_id=child.id,
        )
    assert err.value.field == "start"
    episode = repo.create(
        "missing_episode",
        {"start": "2026-05-10T22:00:00Z", "end": "2026-05-11T08:00:00Z"},
        child_id=child.id,
    )
    with pytest.raises(RecordInvalid) as err:
        repo.update(episode.id, {"return_home_interview": {"completed_at": "2026-05-01T10:00:00Z"}})
    assert err.value.field == "return_home_interview.completed_at"
    with pytest.raises(RecordInvalid) as err:
        repo.create("addendum", {"visit_id": episode.id, "text": "x"}, child_id=child.id)
    assert err.value.field == "visit_id"
    # An open episode, then a duplicate of it marked in error: allowed.
    repo.create("missing_episode", {"start": "2026-05-20T22:00:00Z"}, child_id=child.id)
    with pytest.raises(RecordInvalid, match="open missing episode"):
        repo.create("missing_episode", {"start": "2026-05-21T22:00:00Z"}, child_id=child.id)
