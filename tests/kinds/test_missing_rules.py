from __future__ import annotations

from datetime import date

import pytest

from sync.errors import RecordInvalid
from sync.kinds import check_missing_episode, validate_data


def ep(start: str, end: str | None = None) -> dict:
    return validate_data("missing_episode", {"start": start, "end": end})


DOB = date(2011, 3, 4)


def test_end_before_start_names_end():
    with pytest.raises(RecordInvalid) as err:
        ep("2026-05-10T22:00:00Z", "2026-05-10T21:00:00Z")
    assert err.value.field == "end"


def test_start_before_birth_names_start():
    with pytest.raises(RecordInvalid) as err:
        check_missing_episode(ep("2010-01-01T10:00:00Z", "2010-01-02T10:00:00Z"), [], DOB)
    assert err.value.field == "start"


def test_overlap_is_refused():
    first = ep("2026-05-10T22:00:00Z", "2026-05-11T09:00:00Z")
    with pytest.raises(RecordInvalid, match="overlaps") as err:
        check_missing_episode(ep("2026-05-11T08:00:00Z", "2026-05-12T09:00:00Z"), [first], DOB)
    assert err.value.field == "start"
    with pytest.raises(RecordInvalid, match="overlaps") as err:
        check_missing_episode(ep("2026-05-10T20:00:00Z", "2026-05-10T23:00:00Z"), [first], DOB)
    assert err.value.field == "end"


def test_back_to_back_episodes_are_fine():
    first = ep("2026-05-10T22:00:00Z", "2026-05-11T09:00:00Z")
    check_missing_episode(ep("2026-05-11T09:00:00Z", "2026-05-11T20:00:00Z"), [first], DOB)


def test_second_open_episode_is_refused():
    open_one = ep("2026-05-10T22:00:00Z")
    with pytest.raises(RecordInvalid, match="open missing episode") as err:
        check_missing_episode(ep("2026-06-01T10:00:00Z"), [open_one], DOB)
    assert err.value.field == "end"


def test_open_episode_overlapping_later_closed_one():
    closed = ep("2026-06-01T10:00:00Z", "2026-06-02T10:00:00Z")
    with pytest.raises(RecordInvalid, match="overlaps"):
        check_missing_episode(ep("2026-05-01T10:00:00Z"), [closed], DOB)


def test_entered_in_error_episodes_are_ignored():
    wrong = dict(ep("2026-05-10T22:00:00Z"), entered_in_error=True)
    check_missing_episode(ep("2026-05-10T23:00:00Z"), [wrong], DOB)
