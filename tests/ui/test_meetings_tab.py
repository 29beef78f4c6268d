"""The meetings tab through the real store and a real central record: a
meeting with its attendees by agency, its decisions saved as they are typed,
the actions each agency owns (plan actions that point at the meeting and
show on the plan tab), the outcome shared, the minutes printed to PDF, a
MACE meeting's places feeding hotspots, and the meeting on a second laptop."""

from __future__ import annotations

from PySide6.QtCore import QDate, Qt

from desktop.hotspots import hotspots
from tests.helpers import db
from tests.ui import screens
from tests.ui.screens import refused, save, unnamed
from tests.ui.test_printing import exported, pdf_text
from tests.ui.two_laptops import shared_child, sync
from ui.child_tabs.meeting_actions import NO_PLAN
from ui.child_tabs.meetings import MeetingsTab
from ui.child_tabs.plan import PlanTab
from ui.printing import export_meeting_pdf

DECISIONS = "Refer to MACE.\nPolice to check the flat on Canal Street."


def open_tab(qtbot, ctx, child_id) -> MeetingsTab:
    return screens.open_tab(qtbot, ctx, child_id, MeetingsTab)


def type_row(editor, *values) -> None:
    """Add a row and set its cells, as the cell editors would (None: leave it)."""
    editor.add_button.click()
    row = editor.model.rowCount() - 1
    for column, value in enumerate(values):
        if value is not None:
            editor.model.setData(editor.model.index(row, column), value)


def pick(box, value) -> None:
    box.setCurrentIndex(box.findData(value))
    box.activated.emit(box.currentIndex())


def add_action(qtbot, tab, description: str, agency: str, due: QDate) -> str:
    """Add an action from the meeting through its dialog; the stored id."""
    tab.agreed.add_button.click()
    dialog = tab.agreed.dialog
    dialog.description.setPlainText(description)
    dialog.agency.setCurrentIndex(dialog.agency.findData(agency))
    dialog.due.check.setChecked(True)
    dialog.due.edit.setDate(due)
    with (
        qtbot.waitSignal(tab.sig_loaded, timeout=5000),
        qtbot.waitSignal(tab.sig_saved, timeout=5000) as saved,
    ):
        dialog.save_button.click()
    return saved.args[0]


def meetings(ctx, child_id):
    return db(ctx, lambda r: r.records_for_child(child_id, "meeting"))


def test_a_meeting_with_agency_actions_reaches_a_second_laptop_and_prints(
    qtbot, tasks, laptops, service, shown_errors, tmp_path
):
    ctx, ctx_other, child_id, sw, tl = shared_child(laptops, service, tasks, shown_errors)
    plan = db(ctx, lambda r: r.create("plan", {"plan_type": "cse", "status": "active"},
                                      child_id=child_id))  # fmt: skip
    tab = open_tab(qtbot, ctx, child_id)
    assert tab.heading.text() == "New meeting"
    f = tab.fields
    pick(f["meeting_type"], "core_group")
    f["date"].edit.setDate(QDate(2026, 5, 28))
    f["chair"].setText("Team manager")
    pick(f["risk_level_agreed"], "high")
    type_row(tab.parts["attendees"], "Sgt Wren", "Missing coordinator", "police", True)
    type_row(tab.parts["attendees"], "Nurse Hale", None, "health", False)
    type_row(tab.parts["outcome_shared"], "school_education", "DSL", True, "2026-05-29")
    # Decisions are saved as they are typed, without pressing Save.
    with (
        qtbot.waitSignal(tab.sig_loaded, timeout=5000),
        qtbot.waitSignal(tab.sig_saved, timeout=5000) as saved,
    ):
        f["decisions"].setPlainText(DECISIONS)
    meeting_id = saved.args[0]
    qtbot.waitUntil(lambda: tab.meetings.rowCount() == 1 and not tab.dirty, timeout=5000)
    assert len(meetings(ctx, child_id)) == 1  # one meeting, however many pauses
    d = db(ctx, lambda r: r.get(meeting_id)).data
    assert d["meeting_type"] == "core_group" and d["decisions"] == DECISIONS
    assert d["risk_level_agreed"] == "high" and d["chair"] == "Team manager"
    assert d["attendees"] == [
        {"name": "Sgt Wren", "role": "Missing coordinator", "agency": "police", "attended": True},
        {"name": "Nurse Hale", "role": None, "agency": "health", "attended": False},
    ]
    assert d["outcome_shared"] == [{"agency": "school_education", "person": "DSL",
                                    "shared": True, "date": "2026-05-29"}]  # fmt: skip
    row = [tab.meetings.index(0, c).data() for c in range(tab.meetings.columnCount())]
    assert row == ["Thu 28 May 2026", "Core group", "High", "1 attended · 1 apologies",
                   "Not yet sent"]  # fmt: skip
    assert tab.parts["attendees"].model.index(1, 3).data() == "Apologies"  # words, not False

    action_id = add_action(qtbot, tab, "Check the flat on Canal Street", "police",
                           QDate(2026, 6, 5))  # fmt: skip
    action = db(ctx, lambda r: r.get(action_id)).data
    assert action["meeting_id"] == meeting_id and action["plan_id"] == str(plan.id)
    assert action["owner_agency"] == "police" and action["due_date"] == "2026-06-05"
    assert tab.agreed.model.rowCount() == 1
    assert tab.agreed.model.index(0, 1).data() == "Police"

    found = {(h.kind, h.record_id) for h in db(ctx, lambda r: r.search("Wren"))}
    assert ("meeting", meeting_id) in found  # an attendee's name is searchable
    titles = [e.title for e in db(ctx, lambda r: r.chronology(child_id))]
    assert "Meeting: Core group" in titles

    plan_tab = screens.open_tab(qtbot, ctx, child_id, PlanTab)
    actions = plan_tab.action_model
    across = Qt.Orientation.Horizontal
    headers = [actions.headerData(c, across) for c in range(actions.columnCount())]
    agreed = headers.index("Agreed at")
    assert actions.index(0, 0).data() == "Check the flat on Canal Street"
    assert actions.index(0, agreed).data() == "Core group, Thu 28 May 2026"

    path = tmp_path / "minutes.pdf"
    done: list = []
    export_meeting_pdf(None, ctx, tab.current, path, done.append)
    qtbot.waitUntil(lambda: bool(done), timeout=10000)
    text = pdf_text(path)
    assert "OFFICIAL-SENSITIVE" in text and "Meeting minutes" in text
    assert "Refer to MACE." in text and "Police to check the flat on Canal Street." in text
    assert "Police Check the flat on Canal Street" in text  # the action under its agency
    assert "Fri 05 Jun 2026" in text and "Apologies" in text and "Risk level agreed High" in text
    assert (child_id, meeting_id) in exported(ctx, child_id)

    sync(ctx, sw)
    sync(ctx_other, tl)
    other = open_tab(qtbot, ctx_other, child_id)
    assert other.current is not None and str(other.current.id) == meeting_id
    assert other.state.text() == "Sent to the central record"
    assert other.fields["decisions"].toPlainText() == DECISIONS
    assert other.agreed.model.index(0, 0).data() == "Check the flat on Canal Street"


def test_a_bad_input_is_named_in_the_forms_words_and_nothing_stored(qtbot, ctx, child_id):
    tab = open_tab(qtbot, ctx, child_id)
    type_row(tab.parts["attendees"], None, "Social worker", "csc", True)  # no name
    text = refused(qtbot, tab)
    assert text.startswith("Not saved yet: Attendees — row 1, name: ")
    assert text.endswith("Your typing is kept on this laptop.")
    assert meetings(ctx, child_id) == []


def test_an_action_needs_an_open_plan_and_says_so(qtbot, ctx, child_id):
    tab = open_tab(qtbot, ctx, child_id)
    tab.fields["chair"].setText("IRO")
    tab.edited()
    save(qtbot, tab)
    tab.agreed.add_button.click()
    assert tab.agreed.dialog is None
    assert tab.agreed.message.text() == NO_PLAN


def test_a_mace_meetings_places_feed_hotspots(qtbot, ctx, child_id):
    other = db(ctx, lambda r: r.create("child", {"first_name": "Rowan", "last_name": "Ashby",
                                                 "date_of_birth": "2011-01-01",
                                                 "legal_status": "cin"}))  # fmt: skip
    concern = {"received_at": "2026-05-20T10:00:00+01:00", "source": "PCSO",
               "reliability": "unverified",
               "places": [{"name": "Canal Street flat", "postcode": "ZZ1 1AA"}]}  # fmt: skip
    db(ctx, lambda r: r.create("concern", concern, child_id=other.id))
    tab = open_tab(qtbot, ctx, child_id)
    assert not tab.concern_box.isVisibleTo(tab)  # a strategy discussion names none
    pick(tab.fields["meeting_type"], "mace")
    assert tab.concern_box.isVisibleTo(tab)
    type_row(tab.parts["places"], "Canal St flat", "zz1 1aa")
    type_row(tab.parts["vehicles"], "zz12 abc", "Ford")
    save(qtbot, tab)
    places = ctx.tasks.db_now(lambda: hotspots(ctx.session.store.conn, min_children=2))
    assert [(p.postcode, p.children) for p in places] == [("ZZ1 1AA", 2)]


def test_every_control_of_the_meetings_tab_is_named(qtbot, ctx, child_id):
    tab = open_tab(qtbot, ctx, child_id)
    pick(tab.fields["meeting_type"], "mace")
    type_row(tab.parts["attendees"], "Sgt Wren", None, "police", True)
    assert unnamed(tab) == []


def test_saves_racing_each_other_make_one_meeting_and_keep_all_the_typing(qtbot, ctx, child_id):
    tab = open_tab(qtbot, ctx, child_id)
    decisions = tab.fields["decisions"]
    decisions.setPlainText("Strategy: police to lead.")
    # The pause's save and the Save button, both sent before either answer
    # comes back, and typing that goes on meanwhile.
    tab.save()
    tab.save()
    decisions.appendPlainText("Health to offer a sexual health appointment.")

    def stored() -> list:
        return [m.data.get("decisions") or "" for m in meetings(ctx, child_id)]

    qtbot.waitUntil(lambda: not tab.dirty and stored()[-1:] != [""], timeout=5000)
    qtbot.waitUntil(lambda: stored()[0].endswith("appointment."), timeout=5000)
    assert len(stored()) == 1  # one meeting, not one a save
    assert decisions.toPlainText().endswith("appointment.")  # the form kept all of it


def test_a_meeting_action_kept_as_typed_keeps_its_meeting_when_the_plan_saves_it(
    qtbot, ctx, child_id
):
    db(ctx, lambda r: r.create("plan", {"plan_type": "cse", "status": "active"},
                               child_id=child_id))  # fmt: skip
    tab = open_tab(qtbot, ctx, child_id)
    tab.fields["chair"].setText("IRO")
    tab.edited()
    meeting_id = save(qtbot, tab)
    tab.agreed.add_button.click()
    dialog = tab.agreed.dialog
    dialog.owner.setText("PC Nettlebed")  # no description yet
    dialog.changed = True
    tab.flush()  # the window locks: refused, so kept as typed
    assert dialog.kept and dialog.message.text().startswith("Not saved yet: Action — ")
    dialog.hide()  # gone with the window, not cancelled

    plan_tab = screens.open_tab(qtbot, ctx, child_id, PlanTab)
    reopened = plan_tab.dialog  # the kept typing comes back on the plan
    assert reopened is not None and reopened.owner.text() == "PC Nettlebed"
    reopened.description.setPlainText("Visit the flat with the missing coordinator")
    with qtbot.waitSignal(plan_tab.sig_saved, timeout=5000) as saved:
        reopened.save_button.click()
    assert db(ctx, lambda r: r.get(saved.args[0])).data["meeting_id"] == meeting_id


def test_cancelling_a_refused_action_drops_its_kept_typing(qtbot, ctx, child_id):
    db(ctx, lambda r: r.create("plan", {"plan_type": "cse", "status": "active"},
                               child_id=child_id))  # fmt: skip
    tab = open_tab(qtbot, ctx, child_id)
    tab.fields["chair"].setText("IRO")
    tab.edited()
    save(qtbot, tab)
    tab.agreed.add_button.click()
    dialog = tab.agreed.dialog
    dialog.owner.setText("PC Nettlebed")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.message.isVisibleTo(dialog), timeout=5000)
    assert db(ctx, lambda r: r.drafts_for_child(child_id, "plan_action"))
    dialog.changed = False  # Cancel without the question (the typing is discarded)
    dialog.reject()
    qtbot.waitUntil(
        lambda: not db(ctx, lambda r: r.drafts_for_child(child_id, "plan_action")), timeout=5000
    )
    assert tab.agreed.dialog is None
