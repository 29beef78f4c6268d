"""England's clock: the one zone the app counts days and shows times in.

Records store UTC (or offset) ISO text; a worker, a due-date rule and a
court document all mean the day and time in England. Everything that turns
stored text into a day or a wall time comes through here.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

try:
    ENGLAND: tzinfo = ZoneInfo("Europe/London")
except ZoneInfoNotFoundError:  # no tz database on this machine: UTC is close enough
    ENGLAND = UTC


def as_moment(value: str | date | None) -> datetime | None:
    """Stored text as an aware time: a bare date is its midnight in England,
    and so is a time written without an offset."""
    if not value:
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=ENGLAND)


def in_england(value: str | datetime) -> datetime:
    """The wall time in England of a stored time."""
    moment = as_moment(value)
    assert moment is not None, "in_england needs a time"
    return moment.astimezone(ENGLAND)


def england_day(value: str | date) -> date:
    """The day in England a stored date or time falls on (a visit at 00:30
    BST is on the next day, not the UTC one)."""
    if isinstance(value, datetime) or (isinstance(value, str) and len(value) > 10):
        return in_england(value).date()
    return value if isinstance(value, date) else date.fromisoformat(value)
