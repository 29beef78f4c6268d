"""The conflicts view: yours is the record as typed now, a final note offers
(and defaults to) keeping yours as an addendum, and every control is named
and reachable by keyboard."""

from __future__ import annotations

from desktop import outbox
from tests.helpers import db
from tests.ui.sync_states import accept_all, answer_conflict, unnamed_controls, unreachable_by_tab
from ui.conflicts_view import ConflictsView

VISIT = {"visit_type": "cin", "start": "2026-05-01T10:00:00+00:00", "observations": "base"}
FINAL = {
    "observations": "seen at home",
    "child_seen": True,
    "status": "final",
    "finalised_at": "2026-05-02T09:00:00+00:00",
    "finalised_by": "colleague",
}


def _view(qtbot, ctx) -> ConflictsView:
    view = ConflictsView(ctx)
    qtbot.addWidget(view)
    view.resize(1366, 768)
    view.show()
    return view


def _opened(qtbot, view: ConflictsView) -> None:
    with qtbot.waitSignal(view.sig_opened, timeout=5000):
        view.reload()


def test_typing_after_the_conflict_arose_is_shown_as_yours(qtbot, ctx, child_id):
    plan = db(
        ctx, lambda r: r.create("plan", {"plan_type": "cse", "risks": "base"}, child_id=child_id)
    )
    accept_all(ctx)
    db(ctx, lambda r: r.update(plan.id, {"risks": "mine"}))
    answer_conflict(ctx, {"risks": "theirs"})
    db(ctx, lambda r: r.update(plan.id, {"risks": "mine, and typed on"}))
    view = _view(qtbot, ctx)
    _opened(qtbot, view)
    (choice,) = view.choices
    assert (choice.theirs.toPlainText(), choice.mine.toPlainText()) == (
        "theirs",
        "mine, and typed on",
    )
    assert not view.as_addendum.isVisible()
    choice.pick_mine.setChecked(True)
    with qtbot.waitSignal(view.sig_resolved, timeout=5000):
        view.send.click()
    (queued,) = db(ctx, lambda r: outbox.pending(r.store.conn))
    assert queued.mutation.record.data["risks"] == "mine, and typed on"
    assert queued.mutation.base_rev == 2


def test_a_note_finalised_elsewhere_keeps_yours_as_an_addendum_by_default(qtbot, ctx, child_id):
    visit = db(ctx, lambda r: r.create("visit", VISIT, child_id=child_id))
    accept_all(ctx)
    db(ctx, lambda r: r.update(visit.id, {"observations": "seen at school"}))
    answer_conflict(ctx, FINAL)
    view = _view(qtbot, ctx)
    _opened(qtbot, view)
    assert view.as_addendum.isVisible() and view.as_addendum.isChecked()
    assert all(not c.pick_mine.isEnabled() for c in view.choices)
    assert "addendum" in view.send.text()
    assert "final note" in view.list.item(0).text()
    with qtbot.waitSignal(view.sig_resolved, timeout=5000):
        view.send.click()
    queued = db(ctx, lambda r: outbox.pending(r.store.conn))
    assert [e.mutation.record.kind for e in queued] == ["addendum"]
    assert "seen at school" in queued[0].mutation.record.data["text"]
    local = db(ctx, lambda r: r.get(visit.id))
    assert local.data["status"] == "final" and local.data["observations"] == "seen at home"
    qtbot.waitUntil(lambda: view.list.count() == 0 and view.empty.isVisible(), timeout=5000)


def test_every_control_is_named_and_reachable_by_keyboard(qtbot, ctx, child_id):
    visit = db(ctx, lambda r: r.create("visit", VISIT, child_id=child_id))
    accept_all(ctx)
    db(ctx, lambda r: r.update(visit.id, {"observations": "seen at school"}))
    answer_conflict(ctx, FINAL)
    view = _view(qtbot, ctx)
    _opened(qtbot, view)
    view.as_addendum.setChecked(False)
    view.with_base.setChecked(True)
    assert unnamed_controls(view) == []
    assert unreachable_by_tab(view) == []
