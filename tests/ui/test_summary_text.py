"""Dates in the child summary read as they do everywhere else in the app."""

from __future__ import annotations

from ui.text import when_text as readable


def test_dates_and_times_read_in_words_and_in_english_time():
    assert readable("2026-11-11") == "Wed 11 Nov 2026"
    # A return home interview due at 08:00 UTC in June is 09:00 in England.
    assert readable("2026-06-02T08:00:00+00:00") == "Tue 02 Jun 2026 09:00"
    assert readable("2026-12-02T08:00:00Z") == "Wed 02 Dec 2026 08:00"
    assert readable("") == "" and readable("not a date") == "not a date"
