"""England's clock: the one zone the app counts days and shows times in.

Records store UTC (or offset) ISO text; a worker, a due-date rule and a
court document all mean the day and time in England. Everything that turns
stored text into a day or a wall time comes through here, and so do the
words a time is written in: `ui.text` shows them on screens and in PDFs,
and the command line (which never imports `ui`) uses them directly.

One rule for text without an offset: it is UTC, as the store orders it
(`desktop.records`) and the central record compares it
(`sync.kinds.episodes`). A bare date is a day in England.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

try:
    ENGLAND: tzinfo = ZoneInfo("Europe/London")
except ZoneInfoNotFoundError:  # no tz database on this machine: UTC is close enough
    ENGLAND = UTC

# How a worker reads a day and a time, everywhere.
DAY_FORMAT = "%a %d %b %Y"  # Tue 14 Jul 2026
MOMENT_FORMAT = "%a %d %b %Y %H:%M"  # Tue 14 Jul 2026 23:30
SHORT_MOMENT_FORMAT = "%a %d %b %H:%M"  # Tue 14 Jul 23:30, where a column is narrow
SHORT_DAY_FORMAT = "%a %d %b"  # Tue 14 Jul, a day of this year in a list


def as_moment(value: str | date | None) -> datetime | None:
    """Stored text as an aware time: a bare date is its midnight in England;
    a time written without an offset is UTC."""
    if not value:
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date) or len(str(value)) <= 10:
        day = value if isinstance(value, date) else date.fromisoformat(str(value))
        return datetime(day.year, day.month, day.day, tzinfo=ENGLAND)
    else:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


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


def today_in_england(now: datetime) -> date:
    """The day it is in England at `now` (aware; a naive `now` is UTC)."""
    return in_england(now).date()


def utc_text(value: str | datetime) -> str:
    """A stored time as UTC ISO text, the spelling the store orders by."""
    return in_england(value).astimezone(UTC).isoformat()


def england_iso(value: str | datetime) -> str:
    """The same instant as ISO text in England's offset
    ('2026-07-15T00:30:00+01:00'): a time a worker can read and type back."""
    return in_england(value).isoformat()


def day_text(value: str | date | None, *, this_year: int | None = None) -> str:
    """'Tue 14 Jul 2026' ('' for nothing); a time is the day it is in England.

    Given `this_year` (in England), a day in it leaves its year out ('Tue 14
    Jul'), as a list read at a glance wants; a day in another year keeps it."""
    if not value:
        return ""
    day = england_day(value)
    return day.strftime(SHORT_DAY_FORMAT if day.year == this_year else DAY_FORMAT)


def moment_text(value: str | datetime | None, *, this_year: int | None = None) -> str:
    """'Tue 14 Jul 2026 23:30' in England ('' for nothing); given `this_year`,
    a time in it leaves its year out ('Tue 14 Jul 23:30'), as `day_text`."""
    if not value:
        return ""
    moment = in_england(value)
    return moment.strftime(SHORT_MOMENT_FORMAT if moment.year == this_year else MOMENT_FORMAT)


def short_moment_text(value: str | datetime | None) -> str:
    """'Tue 14 Jul 23:30' in England, for narrow columns ('' for nothing)."""
    return in_england(value).strftime(SHORT_MOMENT_FORMAT) if value else ""
