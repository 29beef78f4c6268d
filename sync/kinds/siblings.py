"""Rules that span a child's records, in one function both ends call: the
laptop before it saves an edit, the central record before it accepts one.

- Missing episodes: at most one open, none overlapping, none starting
  before the child's date of birth (`check_missing_episode`), and a return
  home interview neither offered nor completed before its episode started.
- Missing-education episodes: at most one open (`check_cme_episode`).
- A sign-off points at a finalised visit note of the same child.
- An addendum points at a visit note of the same child; a plan action made
  at a meeting points at a meeting of the same child.
- A visit is not dated more than `FUTURE_TOLERANCE` ahead: a note dated a
  year ahead would count as the child's latest visit and hide an overdue
  statutory one.

A record marked entered in error is exempt: it no longer counts (for its
siblings either), and marking a duplicate so is how a worker clears two
episodes that broke a rule before it was enforced.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, NamedTuple

from sync.errors import RecordInvalid
from sync.kinds.episodes import check_cme_episode, check_missing_episode

# A day: enough for a laptop clock that is a few hours out, or a time zone
# slip, and for a note started on the morning of an afternoon visit; not
# enough for a visit in the future to stand in for the one that is due now.
FUTURE_TOLERANCE = dt.timedelta(days=1)

_NEEDS: dict[str, frozenset[str]] = {
    "missing_episode": frozenset({"missing_episode"}),
    "cme_episode": frozenset({"cme_episode"}),
    "addendum": frozenset({"visit"}),
    "plan_action": frozenset({"meeting"}),
    "sign_off": frozenset({"visit"}),
}


class Sibling(NamedTuple):
    """Another record of the same child, as the rules see it (validated data)."""

    id: str
    kind: str
    data: dict[str, Any]


def sibling_kinds(kind: str) -> frozenset[str]:
    """The kinds of the child's other records the rules for `kind` read, so
    callers fetch only those (a visit's autosave needs none)."""
    return _NEEDS.get(kind, frozenset())


def check_with_siblings(
    kind: str,
    new: dict[str, Any],
    *,
    record_id: str,
    child: dict[str, Any] | None,
    others: Iterable[Sibling],
    now: dt.datetime,
) -> None:
    """Refuse `new` (validated data of record `record_id`) if it breaks a rule
    across the child's records, raising RecordInvalid that names the field.

    `child` is the child's own record data (None if not known); `others` are
    the child's other records that are not deleted, of at least the kinds
    `sibling_kinds(kind)` names (others, and `record_id` itself, are skipped);
    `now` is the caller's clock. Callers must check the data they are about
    to store — after any merge — not what was sent.
    """
    if new.get("entered_in_error"):
        return
    if kind == "visit":
        _check_visit_date(new, now)
        return
    needed = sibling_kinds(kind)
    if not needed:
        return
    siblings = [s for s in others if s.kind in needed and s.id != record_id]
    if kind == "missing_episode":
        dob = (child or {}).get("date_of_birth")
        episodes = [s.data for s in siblings if not s.data.get("entered_in_error")]
        check_missing_episode(new, episodes, dt.date.fromisoformat(dob) if dob else None)
        _check_interview(new)
    elif kind == "cme_episode":
        check_cme_episode(new, [s.data for s in siblings])
    elif kind == "plan_action":
        meeting_id = new.get("meeting_id")
        if meeting_id and not any(s.id == str(meeting_id) for s in siblings):
            raise RecordInvalid(
                "meeting_id", "meeting_id: no meeting with this id on this child's record"
            )
    elif kind == "sign_off":
        visit = next((s for s in siblings if s.id == str(new["visit_id"])), None)
        if visit is None:
            raise RecordInvalid(
                "visit_id", "visit_id: no visit note with this id on this child's record"
            )
        if visit.data.get("status") != "final":
            raise RecordInvalid(
                "visit_id", "visit_id: only a finalised visit note can be signed off"
            )
    elif kind == "addendum":
        visit_id = str(new["visit_id"])
        if not any(s.id == visit_id for s in siblings):
            raise RecordInvalid(
                "visit_id", "visit_id: no visit note with this id on this child's record"
            )


def _check_interview(episode: dict[str, Any]) -> None:
    start = _moment(episode["start"])
    interview = episode.get("return_home_interview") or {}
    for field in ("offered_at", "completed_at"):
        if interview.get(field) and _moment(interview[field]) < start:
            path = f"return_home_interview.{field}"
            raise RecordInvalid(path, f"{path}: must not be before the episode started")


def _check_visit_date(visit: dict[str, Any], now: dt.datetime) -> None:
    latest = _moment(now) + FUTURE_TOLERANCE
    for field in ("start", "end"):
        if visit.get(field) and _moment(visit[field]) > latest:
            raise RecordInvalid(
                field, f"{field}: a visit cannot be dated in the future; record it once it happens"
            )


def _moment(value: str | dt.datetime) -> dt.datetime:
    parsed = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)
    # Naive means UTC, as in the episode rules.
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
