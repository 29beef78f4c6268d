"""How the app writes dates, times and yes/no for a worker: the one
formatter module every screen and PDF imports, always in England time.

The day and time words themselves are `desktop.england`'s, so the command
line (which never imports `ui`) writes them the same way.
"""

from __future__ import annotations

from desktop.england import as_moment, day_text, moment_text, short_moment_text

NOT_RECORDED = "Not recorded"

__all__ = [
    "NOT_RECORDED",
    "as_moment",
    "day_text",
    "moment_text",
    "short_moment_text",
    "when_text",
    "yes_no_text",
]


def when_text(stamp: str) -> str:
    """A stored date or UTC time as the rest of the app shows it
    ("Wed 11 Nov 2026", with the time in England for a time); anything
    unreadable as it is."""
    try:
        return day_text(stamp) if len(stamp) <= 10 else moment_text(stamp)
    except ValueError:
        return stamp


# Keyed by object: a stored value is looked up as it is, whatever it holds.
_YES_NO: dict[object, str] = {True: "Yes", False: "No"}


def yes_no_text(value: bool | None) -> str:
    return _YES_NO.get(value, NOT_RECORDED)
