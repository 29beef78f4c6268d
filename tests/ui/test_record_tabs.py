"""Plan, missing-episode and concern tabs through the real store."""

from __future__ import annotations

from tests.ui.conftest import db
from ui.child_tabs.concerns import ConcernsTab
from ui.child_tabs.missing import MissingTab
from ui.child_tabs.plan import PlanTab


def _tab(qtbot, cls, ctx, child_id):
    tab = cls(ctx)
    qtbot.addWidget(tab)
    with qtbot.waitSignal(tab.sig_loaded, timeout=5000):
        tab.load(child_id)
    return tab


def _save(qtbot, tab) -> str:
    with qtbot.waitSignal(tab.sig_saved, timeout=5000) as saved:
        tab.save_button.click()
    return saved.args[0]


def test_plan_saves_text_and_shows_overdue_actions_in_words(qtbot, ctx, child_id):
    tab = _tab(qtbot, PlanTab, ctx, child_id)
    tab.form.widgets["protective_factors"].setPlainText("Grandmother nearby; youth club")
    tab.form.widgets["review_date"].setText("2026-05-01")
    plan_id = _save(qtbot, tab)
    stored = db(ctx, lambda r: r.get(plan_id))
    assert stored.data["protective_factors"] == "Grandmother nearby; youth club"
    with qtbot.waitSignal(tab.sig_loaded, timeout=5000):
        tab.load(child_id)
    assert "review overdue" in tab.review.text()

    tab.action_text.setText("Refer to the exploitation hub")
    tab.action_due.setText("2026-05-20")  # before NOW (2026-06-01)
    with qtbot.waitSignal(tab.sig_saved, timeout=5000):
        tab.add_action.click()
    with qtbot.waitSignal(tab.sig_loaded, timeout=5000):
        tab.load(child_id)
    assert tab.actions.rowCount() == 1
    assert "Overdue" in tab.actions.index(0, 4).data()
    tab.table.setCurrentIndex(tab.actions.index(0, 0))
    with qtbot.waitSignal(tab.sig_saved, timeout=5000):
        tab.complete.click()
    with qtbot.waitSignal(tab.sig_loaded, timeout=5000):
        tab.load(child_id)
    assert tab.actions.index(0, 4).data() == "Completed"


def test_missing_episode_rules_show_at_the_form_and_store_nothing(qtbot, ctx, child_id):
    tab = _tab(qtbot, MissingTab, ctx, child_id)
    tab.form.widgets["start"].setText("2026-05-30 21:00")
    first = _save(qtbot, tab)
    tab.new_record()
    tab.form.widgets["start"].setText("2026-05-31 08:00")
    tab.save_button.click()
    qtbot.waitUntil(lambda: not tab.error.isHidden(), timeout=5000)
    assert "open missing episode" in tab.error.text()
    episodes = db(ctx, lambda r: r.records_for_child(child_id, "missing_episode"))
    assert [str(e.id) for e in episodes] == [first]

    with qtbot.waitSignal(tab.sig_loaded, timeout=5000):
        tab.load(child_id)
    tab.form.widgets["end"].setText("2026-05-31 10:00")
    tab.form.widgets["return_home_interview.completed_at"].setText("2026-06-01 09:00")
    tab.form.widgets["return_home_interview.push_factors"].setPlainText("Arguments at home")
    _save(qtbot, tab)
    stored = db(ctx, lambda r: r.get(first)).data
    assert stored["end"]
    assert stored["return_home_interview"]["push_factors"] == "Arguments at home"
    assert stored["return_home_interview"]["completed_at"]


def test_a_concern_is_logged_with_places_persons_and_vehicles(qtbot, ctx, child_id):
    tab = _tab(qtbot, ConcernsTab, ctx, child_id)
    tab.form.widgets["source"].setText("School DSL")
    tab.form.widgets["narrative"].setPlainText("Seen getting into a car after school")
    tab.part_edits["places"].setPlainText("Canal towpath, ZZ1 1AA")
    tab.part_edits["persons"].setPlainText("'Jay', 19, tall, red jacket")
    tab.part_edits["vehicles"].setPlainText("zz12 abc, Ford, Fiesta, blue")
    concern_id = _save(qtbot, tab)
    d = db(ctx, lambda r: r.get(concern_id)).data
    assert d["places"][0]["name"] == "Canal towpath"
    assert d["persons"][0]["approx_age"] == 19
    assert (
        d["vehicles"][0]["registration"] == "ZZ12ABC"
        or d["vehicles"][0]["registration"] == "ZZ12 ABC"
    )
    assert d["narrative"] == "Seen getting into a car after school"
