"""The Sharing tab (issue 16, items 4 and 7): the child's information-sharing
log over a form that records a disclosure or a decision not to share — its
rules named at the field with nothing stored, in the chronology and search
with a human title, sent to the central record and seen on the laptop of
another worker who holds the child."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from desktop.syncing import engine_for
from tests.helpers import CHILD, NOW, db
from tests.ui.screens import open_tab, refused, save, unnamed
from tests.ui.sync_states import accept_all, answer_conflict, unnamed_controls, unreachable_by_tab
from tests.ui.test_sharing import choose
from ui.child_tabs.sharing_log import SharingTab
from ui.conflicts_view import ConflictsView
from ui.context import AppContext, Events, Session
from ui.share_dialog import ShareDialog


def test_a_disclosure_is_recorded_and_an_older_entry_still_reads(qtbot, ctx, child_id):
    db(ctx, lambda r: r.create("sharing", {
        "what": "School attendance", "agency": "school_education", "consent": "sought_given",
        "lawful_basis": "Education Act 1996 s436A", "date": "2026-05-02",
    }, child_id=child_id))  # fmt: skip
    tab = open_tab(qtbot, ctx, child_id, SharingTab)
    assert tab.heading.text() == "Shared with School / education on Sat 02 May 2026"
    # An entry from before decisions and the basis list: a disclosure, its words kept.
    assert [tab.model.index(0, c).data() for c in range(1, 6)] == [
        "Shared",
        "School / education",
        "Education Act 1996 s436A",
        "School attendance",
        "",
    ]

    tab.new_button.click()
    assert tab.heading.text() == "New sharing" and tab.state.text() == "New sharing: not saved yet"
    choose(tab, agency="police", person="DC Rowan Example", basis="vital_interests",
           purpose="Child missing overnight")  # fmt: skip
    tab.fields["what"].setPlainText("Phone call: where she was last seen")
    tab.edited()
    new_id = save(qtbot, tab)
    d = db(ctx, lambda r: r.get(new_id)).data
    assert (d["decision"], d["agency"], d["basis"], d["person"]) == (
        "shared", "police", "vital_interests", "DC Rowan Example")  # fmt: skip
    assert d["date"] == "2026-06-01" and d["shared_by"] == ctx.session.worker
    assert tab.state.text() == "Saved on this laptop · not yet sent"
    assert tab.model.index(0, 3).data() == "Vital interests"
    assert tab.model.index(0, 5).data() == "DC Rowan Example"
    assert unnamed(tab) == []


def test_a_decision_not_to_share_needs_its_reason_and_is_stored_with_it(qtbot, ctx, child_id):
    tab = open_tab(qtbot, ctx, child_id, SharingTab)
    tab.not_sharing_button.click()
    assert tab.heading.text() == "New decision not to share"
    assert tab.fields["decision"].currentData() == "not_shared"
    assert tab.fields["decision_reason"].hasFocus() or not tab.isActiveWindow()
    choose(tab, agency="parent_carer")
    tab.fields["what"].setPlainText("Father asked for the visit notes")
    tab.edited()
    assert refused(qtbot, tab) == (
        "Not saved yet: Reason for not sharing — give the reason for not sharing."
        " Your typing is kept on this laptop."
    )
    assert db(ctx, lambda r: r.records_for_child(child_id, "sharing")) == []

    tab.fields["decision_reason"].setText("Would tell him where the child is placed")
    new_id = save(qtbot, tab)
    stored = db(ctx, lambda r: r.get(new_id))
    assert stored.data["decision"] == "not_shared" and stored.data["basis"] is None
    assert stored.data["decision_reason"] == "Would tell him where the child is placed"
    assert tab.model.index(0, 1).data() == "Not shared"
    assert tab.heading.text() == "Decided not to share with Parent / carer on Mon 01 Jun 2026"
    [entry] = [e for e in db(ctx, lambda r: r.chronology(child_id)) if e.record_id == new_id]
    assert entry.title == "Decided not to share: Parent / carer"
    assert entry.summary == "Father asked for the visit notes"
    hits = db(ctx, lambda r: r.search("placed"))
    assert [(h.record_id, h.kind) for h in hits] == [(new_id, "sharing")]


def test_the_records_a_sharing_was_drawn_from_are_named_over_its_form(qtbot, ctx, child_id):
    visit = db(ctx, lambda r: r.create("visit", {
        "visit_type": "cin", "start": "2026-05-30T10:00:00+00:00"}, child_id=child_id))  # fmt: skip
    db(ctx, lambda r: r.create("sharing", {
        "what": "Visit note", "agency": "health", "consent": "sought_given", "decision": "shared",
        "basis": "consent", "date": "2026-05-31", "drawn_from": [str(visit.id)],
    }, child_id=child_id))  # fmt: skip
    tab = open_tab(qtbot, ctx, child_id, SharingTab)
    qtbot.waitUntil(lambda: tab.drawn_from.isVisibleTo(tab), timeout=5000)
    assert tab.drawn_from.text() == "Drawn from: Visit: Child in need (Sat 30 May 2026)"


@pytest.fixture
def two_laptops(laptops, service, tasks, shown_errors):
    """A social worker's laptop with a session the tab runs on, and a
    health worker's laptop that holds the same child."""
    sw, nurse = laptops("sw.share"), laptops("nurse.share")
    child = sw.repo.create("child", dict(CHILD))
    sw.sync()
    service.assign("nurse.share", child.id)
    nurse.sync()
    session = tasks.db_now(lambda: Session(sw.vault, clock=lambda: NOW))
    ctx = AppContext(tasks=tasks, session=session, events=Events(), show_error=shown_errors)
    return ctx, sw, nurse, str(child.id)


def test_a_sharing_recorded_here_reaches_the_other_laptop_holding_the_child(qtbot, two_laptops):
    ctx, sw, nurse, child_id = two_laptops
    tab = open_tab(qtbot, ctx, child_id, SharingTab)
    tab.not_sharing_button.click()
    choose(tab, agency="housing", decision_reason="Not needed for the housing assessment")
    tab.fields["what"].setPlainText("Housing officer asked for the chronology")
    tab.edited()
    new_id = save(qtbot, tab)
    assert ctx.tasks.db_now(lambda: engine_for(sw.vault).sync()).pushed == 1
    with qtbot.waitSignal(tab.sig_loaded, timeout=5000):
        ctx.events.sig_records_changed.emit(child_id)
    assert tab.state.text() == "Sent to the central record"

    nurse.clock_now = datetime(2026, 6, 1, 13, 0, tzinfo=UTC)
    nurse.sync()
    there = nurse.repo.get(new_id)
    assert there is not None and there.data["decision"] == "not_shared"
    assert there.data["decision_reason"] == "Not needed for the housing assessment"
    assert there.data["agency"] == "housing"


def test_a_sharing_changed_on_both_ends_is_in_the_conflicts_view_in_words(qtbot, ctx, child_id):
    shared = db(ctx, lambda r: r.create("sharing", {
        "what": "Chronology", "agency": "police", "consent": "sought_given", "decision": "shared",
        "basis": "public_task", "date": "2026-05-31"}, child_id=child_id))  # fmt: skip
    accept_all(ctx)
    db(ctx, lambda r: r.update(shared.id, {"basis": "vital_interests"}))
    answer_conflict(ctx, {"basis": "legal_obligation"})
    view = ConflictsView(ctx)
    qtbot.addWidget(view)
    view.show()
    with qtbot.waitSignal(view.sig_opened, timeout=5000):
        view.reload()
    (choice,) = view.choices
    assert (choice.theirs.toPlainText(), choice.mine.toPlainText()) == (
        "Legal obligation",
        "Vital interests",
    )


def test_the_tab_and_the_share_dialog_are_named_and_reachable_by_keyboard(qtbot, ctx, child_id):
    tab = open_tab(qtbot, ctx, child_id, SharingTab)
    tab.show()
    tab.new_button.click()
    # A date's own line edit (unnamed) is reached through its date edit.
    assert unnamed(tab) == [] and [w for w in unreachable_by_tab(tab) if w] == []
    dialog = ShareDialog(None, document="Visit note", what="Visit note", day=NOW.date(),
                         worker="sw.one", agency="police")  # fmt: skip
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.windowTitle() == "Share the visit note"
    assert unnamed_controls(dialog) == [] and unreachable_by_tab(dialog) == []
