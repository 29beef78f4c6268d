"""The missing episodes tab through the real store: recording and ending
episodes, the episode rules shown at the form, the return home interview."""

from __future__ import annotations

from PySide6.QtCore import QDate, QDateTime, Qt, QTime

from tests.helpers import db
from tests.ui import screens
from tests.ui.screens import refused, save, unnamed
from ui.child_tabs.missing import RHI, MissingTab

INTERVIEW = 4  # the return home interview column


def open_tab(qtbot, ctx, child_id) -> MissingTab:
    return screens.open_tab(qtbot, ctx, child_id, MissingTab)


def type_moment(field, day: tuple[int, int, int], hour: int) -> None:
    """Tick the field (if optional) and type a time, as the worker would."""
    if field.check is not None:
        field.check.setChecked(True)
    field.edit.setDateTime(QDateTime(QDate(*day), QTime(hour, 0)))


def episodes(ctx, child_id):
    return db(ctx, lambda r: r.records_for_child(child_id, "missing_episode"))


def test_a_second_open_episode_is_refused_at_the_form_and_nothing_stored(qtbot, ctx, child_id):
    tab = open_tab(qtbot, ctx, child_id)
    type_moment(tab.fields["start"], (2026, 5, 30), 21)
    tab.fields["reported_to_police"].setCurrentIndex(1)  # Yes
    tab.fields["police_reference"].setText("NX/2026/1188")
    first = save(qtbot, tab)
    stored = db(ctx, lambda r: r.get(first)).data
    assert stored["start"] == "2026-05-30T21:00:00+01:00"  # England wall time, stored with offset
    assert stored["reported_to_police"] is True and stored["end"] is None
    row = [tab.episodes.index(0, c).data() for c in range(tab.episodes.columnCount())]
    assert row[:4] == ["Sat 30 May 2026 21:00", "Missing now", "Missing", "Yes"]
    colour = tab.episodes.index(0, 1).data(Qt.ItemDataRole.ForegroundRole)
    assert colour is not None  # and in words: "Missing now"

    tab.new_button.click()
    assert tab.heading.text() == "New episode"
    assert tab.still_missing.text().startswith("The child has been missing since Sat 30 May")
    assert tab.open_button.isVisibleTo(tab)  # the way out: the open episode
    type_moment(tab.fields["start"], (2026, 5, 31), 8)
    text = refused(qtbot, tab)
    assert text.startswith("Not saved yet: Came back — ")
    assert text.endswith("Your typing is kept on this laptop.")
    assert "already has an open missing episode" in text
    assert [str(e.id) for e in episodes(ctx, child_id)] == [first]


def test_an_overlapping_episode_names_the_start(qtbot, ctx, child_id):
    db(ctx, lambda r: r.create("missing_episode", {
        "start": "2026-05-10T10:00:00+01:00", "end": "2026-05-12T10:00:00+01:00"},
        child_id=child_id))  # fmt: skip
    tab = open_tab(qtbot, ctx, child_id)
    tab.new_button.click()
    type_moment(tab.fields["start"], (2026, 5, 11), 9)
    type_moment(tab.fields["end"], (2026, 5, 11), 18)
    assert refused(qtbot, tab).startswith(
        "Not saved yet: Went missing — overlaps another missing episode"
    )
    assert len(episodes(ctx, child_id)) == 1


def test_ending_an_episode_makes_the_interview_due_then_done(qtbot, ctx, child_id):
    open_id = str(db(ctx, lambda r: r.create("missing_episode", {
        "start": "2026-05-30T21:00:00+01:00"}, child_id=child_id)).id)  # fmt: skip
    late = db(ctx, lambda r: r.create("missing_episode", {
        "start": "2026-05-18T20:00:00+01:00", "end": "2026-05-19T07:00:00+01:00"},
        child_id=child_id))  # fmt: skip
    tab = open_tab(qtbot, ctx, child_id)
    assert tab.current is not None and str(tab.current.id) == open_id  # newest first
    assert (
        tab.episodes.index(1, INTERVIEW).data()
        == "Interview late (was due by Fri 22 May 2026 07:00)"
    )
    assert tab.episodes.index(0, INTERVIEW).data() == "Due once the child is back"

    type_moment(tab.fields["end"], (2026, 5, 31), 10)
    tab.fields["found_location"].setText("Bus station")
    assert save(qtbot, tab) == open_id
    # 72 hours after the child came back (10:00 BST on Sun 31 May).
    assert tab.episodes.index(0, INTERVIEW).data() == "Interview due by Wed 03 Jun 2026 10:00"
    assert tab.episodes.index(0, 1).data(Qt.ItemDataRole.ForegroundRole) is None

    f = tab.fields
    f[f"{RHI}.offered"].setCurrentIndex(f[f"{RHI}.offered"].findData("y"))
    f[f"{RHI}.accepted"].setCurrentIndex(f[f"{RHI}.accepted"].findData(True))
    type_moment(f[f"{RHI}.completed_at"], (2026, 6, 1), 9)
    f[f"{RHI}.completed_by"].setText("Independent RHI worker")
    f[f"{RHI}.push_factors"].setPlainText("Arguments at home about curfew")
    f[f"{RHI}.pull_factors"].setPlainText("Older friends with a flat")
    kind = f[f"{RHI}.exploitation_concern"]
    kind.setCurrentIndex(kind.findData("cce"))
    save(qtbot, tab)

    stored = db(ctx, lambda r: r.get(open_id)).data
    assert stored["end"] == "2026-05-31T10:00:00+01:00"
    assert stored["found_location"] == "Bus station"
    rhi = stored[RHI]
    assert rhi["completed_at"] == "2026-06-01T09:00:00+01:00"
    assert rhi["accepted"] is True and rhi["offered"] == "y"
    assert rhi["push_factors"] == "Arguments at home about curfew"
    assert rhi["exploitation_concern"] == "cce"
    assert tab.episodes.index(0, INTERVIEW).data() == "Done Mon 01 Jun 2026 09:00"
    assert db(ctx, lambda r: r.get(late.id)).data == late.data  # the other one untouched


def test_every_control_of_the_missing_tab_is_named(qtbot, ctx, child_id):
    db(ctx, lambda r: r.create("missing_episode", {"start": "2026-05-30T21:00:00+01:00"},
                               child_id=child_id))  # fmt: skip
    tab = open_tab(qtbot, ctx, child_id)
    assert unnamed(tab) == []
