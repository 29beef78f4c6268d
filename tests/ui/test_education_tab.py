"""The children-missing-education tab through the real store and a real
central record: an episode with its ground from the 2024 Regulations and its
enquiries added as they are made, a bad input named in the form's words, the
one-open-episode rule on the laptop (on the service: tests/sync/
test_casework_rules.py), and the episode on a
second laptop that holds the child."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QDate, Qt

from sync.errors import RecordInvalid
from sync.kinds import check_with_siblings
from sync.kinds.siblings import Sibling
from tests.helpers import db
from tests.ui import screens
from tests.ui.screens import refused, save, unnamed
from tests.ui.two_laptops import shared_child, sync
from ui.child_tabs.education import EducationTab


def open_tab(qtbot, ctx, child_id) -> EducationTab:
    return screens.open_tab(qtbot, ctx, child_id, EducationTab)


def type_enquiry(tab, day: str, who: str, what: str, outcome: str = "") -> None:
    """Add an enquiry row and type its cells, as the cell editors would."""
    editor = tab.enquiries
    editor.add_button.click()
    row = editor.model.rowCount() - 1
    for column, value in enumerate((day, who, what, outcome)):
        if value:
            editor.model.setData(editor.model.index(row, column), value)


def pick(box, value) -> None:
    box.setCurrentIndex(box.findData(value))
    box.activated.emit(box.currentIndex())


def episodes(ctx, child_id):
    return db(ctx, lambda r: r.records_for_child(child_id, "cme_episode"))


def test_an_episode_is_recorded_and_reaches_a_second_laptop(
    qtbot, tasks, laptops, service, shown_errors
):
    ctx, ctx_other, child_id, sw, tl = shared_child(laptops, service, tasks, shown_errors)
    tab = open_tab(qtbot, ctx, child_id)
    assert tab.heading.text() == "New missing-education episode"
    f = tab.fields
    f["notified_at"].edit.setDate(QDate(2026, 5, 18))
    f["school"].setText("Puddingstone Academy")
    pick(f["deletion_ground"], "absent_20_days")
    type_enquiry(tab, "2026-05-19", "EWO", "Home visit", "No answer")
    first = save(qtbot, tab)
    type_enquiry(tab, "2026-05-21", "CME officer", "Checked the school census")
    assert save(qtbot, tab) == first  # a row added as it happens, to the same episode
    assert tab.state.text() == "Saved on this laptop · not yet sent"

    d = db(ctx, lambda r: r.get(first)).data
    assert d["deletion_ground"] == "absent_20_days" and d["status"] == "open"
    assert d["enquiries"] == [
        {"date": "2026-05-19", "made_by": "EWO", "action": "Home visit", "result": "No answer"},
        {"date": "2026-05-21", "made_by": "CME officer", "action": "Checked the school census",
         "result": None},
    ]  # fmt: skip
    row = [tab.episodes.index(0, c).data() for c in range(tab.episodes.columnCount())]
    assert row == ["Mon 18 May 2026", "Puddingstone Academy", "Absent 20 school days, not found",
                   "2", "Open", "Not yet sent"]  # fmt: skip
    assert tab.enquiries.model.index(0, 0).data() == "Tue 19 May 2026"  # a day, not ISO text
    assert tab.episodes.index(0, 4).data(Qt.ItemDataRole.ForegroundRole) is not None
    summary = db(ctx, lambda r: r.caseload())
    assert [s.missing_education for s in summary] == [True]  # the caseload's flag

    # Closed: found on another school's roll.
    pick(f["status"], "closed")
    pick(f["outcome_found"], "on_roll_elsewhere")
    f["closed_at"].check.setChecked(True)
    f["closed_at"].edit.setDate(QDate(2026, 5, 26))
    save(qtbot, tab)
    assert tab.episodes.index(0, 4).data() == "Closed Tue 26 May 2026 · Found on roll elsewhere"
    assert [s.missing_education for s in db(ctx, lambda r: r.caseload())] == [False]
    entries = db(ctx, lambda r: r.chronology(child_id))
    assert "Missing education: Closed" in [e.title for e in entries]
    assert [h.record_id for h in db(ctx, lambda r: r.search("census"))] == [first]

    sync(ctx, sw)
    sync(ctx_other, tl)
    other = open_tab(qtbot, ctx_other, child_id)
    assert other.current is not None and str(other.current.id) == first
    assert other.state.text() == "Sent to the central record"
    assert other.fields["outcome_found"].currentText() == "Found on roll elsewhere"
    assert other.enquiries.model.rowCount() == 2


def test_a_bad_input_is_named_in_the_forms_words_and_nothing_stored(qtbot, ctx, child_id):
    tab = open_tab(qtbot, ctx, child_id)
    f = tab.fields
    f["notified_at"].edit.setDate(QDate(2026, 5, 18))
    f["closed_at"].check.setChecked(True)
    f["closed_at"].edit.setDate(QDate(2026, 5, 10))
    pick(f["status"], "closed")
    text = refused(qtbot, tab)
    assert text == ("Not saved yet: Closed on — must not be before the date the council was told."
                    " Your typing is kept on this laptop.")  # fmt: skip
    assert episodes(ctx, child_id) == []

    f["closed_at"].edit.setDate(QDate(2026, 5, 20))
    type_enquiry(tab, "", "EWO", "")  # an enquiry saying who but not what was done
    tab.message.hide()  # so the next refusal is the one read
    text = refused(qtbot, tab)
    assert text.startswith("Not saved yet: Reasonable enquiries — row 1, action: ")
    assert episodes(ctx, child_id) == []


def test_a_second_open_episode_is_refused_on_the_laptop(qtbot, ctx, child_id):
    db(
        ctx,
        lambda r: r.create(
            "cme_episode",
            {
                "notified_at": "2026-04-01",
                "removal_ground": "left without notice",
                "status": "located",
            },
            child_id=child_id,
        ),
    )  # fmt: skip  (free text kept from before)
    tab = open_tab(qtbot, ctx, child_id)
    assert tab.episodes.index(0, 2).data() == "left without notice"
    tab.new_button.click()
    tab.fields["notified_at"].edit.setDate(QDate(2026, 5, 18))
    text = refused(qtbot, tab)
    assert text.startswith("Not saved yet: Status — the child already has an open")
    assert len(episodes(ctx, child_id)) == 1


def test_the_rule_spares_closed_and_in_error_episodes():
    closed = Sibling("a", "cme_episode", {"notified_at": "2026-01-01", "status": "closed"})
    wrong = Sibling("b", "cme_episode", {"notified_at": "2026-01-01", "entered_in_error": True})
    check_with_siblings("cme_episode", {"notified_at": "2026-05-01", "status": "open"},
                        record_id="c", child=None, others=[closed, wrong], now=None)  # fmt: skip
    opened = Sibling("d", "cme_episode", {"notified_at": "2026-02-01", "status": "located"})
    with pytest.raises(RecordInvalid) as refused_:
        check_with_siblings("cme_episode", {"notified_at": "2026-05-01"}, record_id="c",
                            child=None, others=[opened], now=None)  # fmt: skip
    assert refused_.value.field == "status"


def test_every_control_of_the_education_tab_is_named(qtbot, ctx, child_id):
    tab = open_tab(qtbot, ctx, child_id)
    type_enquiry(tab, "2026-05-19", "EWO", "Home visit")
    assert unnamed(tab) == []
