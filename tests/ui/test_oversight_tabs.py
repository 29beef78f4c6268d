"""A team manager's oversight through the real store and a real central
record: the manager's laptop holds the team member's child (the team feed),
signs off the member's finalised visit note and records a case supervision;
after a sync both are on the member's laptop, read only there, in the
visit list ("Signed off by … on …"), the tabs and the chronology."""

from __future__ import annotations

from PySide6.QtCore import QDate

from tests.helpers import PASSWORD, child_data, db
from tests.ui import screens
from tests.ui.screens import refused, save, unnamed
from tests.ui.two_laptops import laptop_ctx, sync
from ui.child_tabs.managed import READ_ONLY
from ui.child_tabs.oversight import OversightTab
from ui.child_tabs.sign_off import SignOffTab
from ui.child_tabs.supervision import SupervisionTab
from ui.child_tabs.visits import VisitsTab
from ui.team_view import TeamPage

VISIT = {"visit_type": "cin", "start": "2026-05-28T10:00:00+00:00", "child_seen": True,
         "seen_alone": True, "observations": "Calm; talked about school."}  # fmt: skip


def _team(service, laptops, tasks, shown_errors):
    """A manager ("tm.north") of team North and its member ("sw.north") with
    a child and a finalised visit note, both laptops synced."""
    service.add_worker("tm.north", PASSWORD, role="team_manager")
    from sync.server import accounts

    accounts.add_team(service.engine, "North", manager="tm.north")
    service.add_worker("sw.north", PASSWORD, team="North")
    sw, tm = laptops("sw.north", new_worker=False), laptops("tm.north", new_worker=False)
    ctx_sw, ctx_tm = laptop_ctx(tasks, sw, shown_errors), laptop_ctx(tasks, tm, shown_errors)
    child = db(ctx_sw, lambda r: r.create("child", child_data()))
    visit = db(ctx_sw, lambda r: r.create("visit", VISIT, child_id=child.id))
    db(ctx_sw, lambda r: r.finalise_visit(visit.id))
    sync(ctx_sw, sw)
    sync(ctx_tm, tm)
    return ctx_sw, ctx_tm, str(child.id), str(visit.id), sw, tm


def test_a_sign_off_and_a_supervision_reach_the_members_laptop(
    qtbot, tasks, laptops, service, shown_errors
):
    ctx_sw, ctx_tm, child_id, visit_id, sw, tm = _team(service, laptops, tasks, shown_errors)
    # The team feed brought the member's child and note to the manager.
    assert db(ctx_tm, lambda r: r.get(visit_id)) is not None

    signing = screens.open_tab(qtbot, ctx_tm, child_id, SignOffTab)
    assert signing.may_record and not signing.new_button.isHidden()
    assert signing.waiting.text() == "1 finalised visit note awaits sign-off."
    signing.new_button.click()
    assert signing.visit_choice.currentData() == visit_id
    signing.fields["comment"].setPlainText("Good direct work; keep the school in the loop.")
    sign_off_id = save(qtbot, signing)
    assert signing.waiting.text() == "Every finalised visit note is signed off."
    assert db(ctx_tm, lambda r: r.get(sign_off_id)).data["signed_by"] == "tm.north"

    supervising = screens.open_tab(qtbot, ctx_tm, child_id, SupervisionTab)
    assert supervising.next_due.text().startswith("No case supervision recorded yet")
    supervising.new_button.click()
    supervising.fields["supervisee"].setText("sw.north")
    supervising.fields["discussion"].setPlainText("School attendance and the new friends.")
    supervising.fields["decisions"].setPlainText("Stay at child in need; review in six weeks.")
    supervising.action_rows.add_button.click()
    model = supervising.action_rows.model
    model.setData(model.index(0, 0), "Call the school's DSL")
    model.setData(model.index(0, 1), "sw.north")
    supervision_id = save(qtbot, supervising)
    stored = db(ctx_tm, lambda r: r.get(supervision_id)).data
    assert stored["actions"] == [{"action": "Call the school's DSL", "owner": "sw.north",
                                  "due": None}]  # fmt: skip
    assert supervising.next_due.text() == (
        "Next case supervision due Mon 13 Jul 2026 (every 6 weeks)."
    )
    assert unnamed(supervising) == [] and unnamed(signing) == []

    sync(ctx_tm, tm)
    sync(ctx_sw, sw)

    theirs = screens.open_tab(qtbot, ctx_sw, child_id, SignOffTab)
    assert theirs.new_button.isHidden() and theirs.save_button.isHidden()
    assert theirs.read_only_note.text() == READ_ONLY
    assert theirs.model.rowCount() == 1
    assert theirs.model.index(0, 1).data().startswith("Signed off by tm.north on ")
    assert theirs.fields["comment"].isReadOnly()
    visits = screens.open_tab(qtbot, ctx_sw, child_id, VisitsTab)
    line = visits.model.index(0).data()
    assert "Signed off by tm.north on " in line
    supervision = screens.open_tab(qtbot, ctx_sw, child_id, SupervisionTab)
    assert supervision.model.rowCount() == 1 and supervision.new_button.isHidden()
    titles = [e.title for e in db(ctx_sw, lambda r: r.chronology(child_id))]
    assert "Visit signed off by tm.north" in titles
    assert "Case supervision: with sw.north" in titles
    found = {h.record_id for h in db(ctx_sw, lambda r: r.search("attendance"))}
    assert supervision_id in found


def test_oversight_needs_its_decision_in_the_forms_words(
    qtbot, tasks, laptops, service, shown_errors
):
    _ctx_sw, ctx_tm, child_id, _visit, _sw, _tm = _team(service, laptops, tasks, shown_errors)
    tab = screens.open_tab(qtbot, ctx_tm, child_id, OversightTab)
    tab.new_button.click()
    assert tab.fields["by"].text() == "tm.north"
    said = refused(qtbot, tab)
    assert said == "Not saved yet: Decision — fill it in. Your typing is kept on this laptop."
    assert db(ctx_tm, lambda r: r.records_for_child(child_id, "management_oversight")) == []
    tab.fields["decision"].setPlainText("Step down to child in need.")
    tab.fields["next_review"].check.setChecked(True)
    tab.fields["next_review"].edit.setDate(QDate(2026, 7, 1))
    save(qtbot, tab)
    assert tab.state.text() == "Saved on this laptop · not yet sent"
    assert tab.model.index(0, 3).data() == "Wed 01 Jul 2026"


def test_the_team_view_shows_the_members_child_and_the_note_awaiting_sign_off(
    qtbot, tasks, laptops, service, shown_errors
):
    _ctx_sw, ctx_tm, child_id, _visit, _sw, _tm = _team(service, laptops, tasks, shown_errors)
    view = db(ctx_tm, lambda r: r.team())
    page = TeamPage()
    qtbot.addWidget(page)
    page.show_team(view)
    row = [page.model.index(0, c).data() for c in range(page.model.columnCount())]
    assert row[0] == "sw.north" and row[4] == "1"
    assert page.summary.text().startswith("North: 1 child")
    assert "1 visit note awaits sign-off" in page.summary.text()
    # A social worker's laptop has no team.
    assert db(_ctx_sw, lambda r: r.team()) is None


def test_a_worker_reads_an_empty_management_tab_as_none_recorded(
    qtbot, tasks, laptops, service, shown_errors
):
    ctx_sw, _ctx_tm, child_id, _visit, _sw, _tm = _team(service, laptops, tasks, shown_errors)
    tab = screens.open_tab(qtbot, ctx_sw, child_id, SignOffTab)
    assert tab.heading.text() == "No visit note of this child is signed off yet."
    assert tab.state.isHidden() and tab.visit_choice.count() == 0
    assert not tab.read_only_note.isHidden()
