"""The risk-management plan tab through the real store: plan text, review
date, the actions table (overdue in words) and the action dialog."""

from __future__ import annotations

from PySide6.QtCore import QDate, Qt

from tests.helpers import db
from tests.ui import screens
from tests.ui.screens import unnamed, written
from ui.child_tabs.plan import PlanTab
from ui.record_table import ALERT_COLOUR


def open_tab(qtbot, ctx, child_id) -> PlanTab:
    return screens.open_tab(qtbot, ctx, child_id, PlanTab)


def test_the_plan_form_is_stored_and_a_past_review_says_overdue(qtbot, ctx, child_id):
    tab = open_tab(qtbot, ctx, child_id)
    assert "No plan yet" in tab.plan_box.currentText()
    tab.texts["protective_factors"].setPlainText("Grandmother nearby; youth club on Tuesdays")
    tab.texts["child_views"].setPlainText("Wants to stay at school")
    tab.status.setCurrentIndex(tab.status.findData("active"))
    tab.review_date.check.setChecked(True)
    tab.review_date.edit.setDate(QDate(2026, 5, 1))  # before NOW (Mon 01 Jun 2026)
    plan_id = written(qtbot, tab, tab.save_button.click)

    stored = db(ctx, lambda r: r.get(plan_id)).data
    assert stored["protective_factors"] == "Grandmother nearby; youth club on Tuesdays"
    assert stored["child_views"] == "Wants to stay at school"
    assert stored["review_date"] == "2026-05-01"
    assert stored["status"] == "active"
    assert "review overdue" in tab.review.text().lower()
    assert "Fri 01 May 2026" in tab.review.text()
    assert tab.plan_box.currentData() == plan_id


def test_an_action_past_its_due_date_shows_overdue_then_completes(qtbot, ctx, child_id):
    tab = open_tab(qtbot, ctx, child_id)
    tab.new_type.setCurrentIndex(tab.new_type.findData("cce"))
    plan_id = written(qtbot, tab, tab.new_button.click)
    assert db(ctx, lambda r: r.get(plan_id)).data["plan_type"] == "cce"

    tab.add_action.click()
    dialog = tab.dialog
    assert dialog is not None and dialog.isVisible()
    assert unnamed(dialog) == []
    dialog.description.setPlainText("Refer to the exploitation hub")
    dialog.agency.setCurrentIndex(dialog.agency.findData("police"))
    dialog.owner.setText("PC Nettlebed")
    dialog.due.check.setChecked(True)
    dialog.due.edit.setDate(QDate(2026, 5, 20))
    action_id = written(qtbot, tab, dialog.save_button.click)
    assert not dialog.isVisible()

    stored = db(ctx, lambda r: r.get(action_id)).data
    assert stored["plan_id"] == plan_id and stored["owner_agency"] == "police"
    model = tab.action_model
    assert model.rowCount() == 1
    row = [model.index(0, c).data() for c in range(model.columnCount())]
    assert row == ["Refer to the exploitation hub", "Police", "PC Nettlebed",
                   "Wed 20 May 2026", "Not started", "Overdue", "", "Not yet sent"]  # fmt: skip
    colour = model.index(0, 5).data(Qt.ItemDataRole.ForegroundRole).color().name()
    assert colour == ALERT_COLOUR

    tab.table.selectRow(0)
    written(qtbot, tab, tab.complete.click)
    assert db(ctx, lambda r: r.get(action_id)).data["status"] == "completed"
    assert model.index(0, 4).data() == "Completed"
    assert model.index(0, 5).data() == ""
    assert model.index(0, 5).data(Qt.ItemDataRole.ForegroundRole) is None


def test_an_action_is_edited_and_a_bad_one_is_refused_at_the_dialog(qtbot, ctx, child_id):
    tab = open_tab(qtbot, ctx, child_id)
    written(qtbot, tab, tab.new_button.click)
    tab.add_action.click()
    tab.dialog.save_button.click()  # no description
    qtbot.waitUntil(lambda: tab.dialog.message.isVisibleTo(tab.dialog), timeout=5000)
    assert tab.dialog.message.text().startswith("Not saved yet: Action — fill it in.")
    assert tab.dialog.isVisible()
    assert db(ctx, lambda r: r.records_for_child(child_id, "plan_action")) == []

    tab.dialog.description.setPlainText("Safety plan with school")
    action_id = written(qtbot, tab, tab.dialog.save_button.click)
    tab.table.selectRow(0)
    tab.edit_button.click()
    assert tab.dialog.description.toPlainText() == "Safety plan with school"
    tab.dialog.owner.setText("Head of year")
    assert written(qtbot, tab, tab.dialog.save_button.click) == action_id
    assert db(ctx, lambda r: r.get(action_id)).data["owner_name"] == "Head of year"
    assert tab.action_model.rowCount() == 1


def test_the_open_plan_is_shown_and_flush_stores_unsaved_typing(qtbot, ctx, child_id):
    closed_data = {"plan_type": "cin", "status": "closed"}
    open_data = {"plan_type": "cse", "status": "active", "worries": "Older friends"}
    closed = db(ctx, lambda r: r.create("plan", closed_data, child_id=child_id))
    open_ = db(ctx, lambda r: r.create("plan", open_data, child_id=child_id))
    db(ctx, lambda r: r.update(closed.id, {"status_note": "stepped down"}))  # newer, still closed
    tab = open_tab(qtbot, ctx, child_id)
    assert tab.plan_box.count() == 2
    assert tab.plan_box.currentData() == str(open_.id)
    assert tab.texts["worries"].toPlainText() == "Older friends"

    tab.texts["worries"].setPlainText("Older friends; a car seen twice")
    assert tab.dirty
    with qtbot.waitSignal(tab.sig_loaded, timeout=5000):
        tab.load(child_id)  # a reload (a sync, say) keeps what is being typed
    assert tab.texts["worries"].toPlainText() == "Older friends; a car seen twice"
    with qtbot.waitSignal(tab.sig_loaded, timeout=5000):
        tab.flush()
    assert not tab.dirty
    assert db(ctx, lambda r: r.get(open_.id)).data["worries"] == "Older friends; a car seen twice"


def test_every_control_of_the_plan_tab_is_named(qtbot, ctx, child_id):
    tab = open_tab(qtbot, ctx, child_id)
    written(qtbot, tab, tab.new_button.click)
    tab.add_action.click()
    assert unnamed(tab) == []
