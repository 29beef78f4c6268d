"""How the app writes dates, times and yes/no for a worker: one formatter
for every screen, PDF and CLI, always in England time (desktop.england)."""

from __future__ import annotations

from datetime import date, datetime

from desktop.england import ENGLAND, as_moment, england_day

NOT_RECORDED = "Not recorded"

__all__ = ["NOT_RECORDED", "as_moment", "day_text", "moment_text", "when_text", "yes_no_text"]


def day_text(value: str | date | None) -> str:
    """'Mon 01 Jun 2026' ('' for nothing); a time is the day it is in England."""
    if not value:
        return ""
    return england_day(value).strftime("%a %d %b %Y")


def moment_text(value: str | datetime | None) -> str:
    """'Mon 01 Jun 2026 13:00' in England ('' for nothing)."""
    moment = as_moment(value)
    return moment.astimezone(ENGLAND).strftime("%a %d %b %Y %H:%M") if moment else ""


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
