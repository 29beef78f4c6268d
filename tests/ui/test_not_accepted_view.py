"""The "Not accepted" view: the central record's reason in plain words, the
worker's text beside the central record's version, and the four ways to
settle it; named controls, reachable by keyboard, hidden past the lease."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox

from desktop import device, outbox
from desktop.refused import DISCARDED
from tests.helpers import NOW, db
from tests.ui.sync_states import accept_all, answer_refused, unnamed_controls, unreachable_by_tab
from ui.not_accepted_view import NotAcceptedView

OFF_CASELOAD = "child_id: this child is not on your caseload"


def _refused_plan(ctx, child_id: str):
    plan = db(
        ctx, lambda r: r.create("plan", {"plan_type": "cse", "risks": "base"}, child_id=child_id)
    )
    accept_all(ctx)
    db(ctx, lambda r: r.update(plan.id, {"risks": "typed on the laptop"}))
    answer_refused(ctx, OFF_CASELOAD)
    return plan


def _view(qtbot, ctx) -> NotAcceptedView:
    view = NotAcceptedView(ctx)
    qtbot.addWidget(view)
    view.resize(1366, 768)
    view.show()
    with qtbot.waitSignal(view.sig_opened, timeout=5000):
        view.reload()
    return view


def test_the_reason_and_both_versions_are_shown_and_an_edit_is_resent(qtbot, ctx, child_id):
    plan = _refused_plan(ctx, child_id)
    view = _view(qtbot, ctx)
    assert view.list.count() == 1 and "Thistle Puddingstone" in view.list.item(0).text()
    assert "no longer on your caseload" in view.reason.text()
    (pair,) = view.pairs
    assert (pair.theirs.toPlainText(), pair.mine.toPlainText()) == ("base", "typed on the laptop")
    assert db(ctx, lambda r: r.get(plan.id)).data["risks"] == "base", "the record shows theirs"
    assert not view.addendum_button.isEnabled()

    pair.mine.setPlainText("typed on the laptop, then corrected")
    with qtbot.waitSignal(view.sig_settled, timeout=5000):
        view.resend_button.click()
    (queued,) = db(ctx, lambda r: outbox.pending(r.store.conn))
    assert queued.mutation.record.data["risks"] == "typed on the laptop, then corrected"
    qtbot.waitUntil(lambda: view.list.count() == 0 and view.empty.isVisible(), timeout=5000)


def test_discard_asks_first_and_is_audited(qtbot, ctx, child_id, monkeypatch):
    _refused_plan(ctx, child_id)
    view = _view(qtbot, ctx)
    answers = [QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Discard]
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: answers.pop(0))
    view.discard_button.click()
    assert len(answers) == 1, "asked"
    assert len(db(ctx, lambda r: outbox.rejected(r.store.conn))) == 1, "cancel keeps it"
    with qtbot.waitSignal(view.sig_settled, timeout=5000):
        view.discard_button.click()
    assert db(ctx, lambda r: outbox.rejected(r.store.conn)) == []
    details = db(
        ctx, lambda r: r.store.conn.execute("SELECT action, detail FROM audit_events").fetchall()
    )
    assert ("edit", DISCARDED) in details


def test_copy_puts_the_workers_text_on_the_clipboard(qtbot, ctx, child_id):
    _refused_plan(ctx, child_id)
    view = _view(qtbot, ctx)
    with qtbot.waitSignal(view.sig_copied, timeout=5000):
        view.copy_button.click()
    assert QGuiApplication.clipboard().text() == "Risks:\ntyped on the laptop"


def test_every_control_is_named_and_reachable_by_keyboard(qtbot, ctx, child_id):
    _refused_plan(ctx, child_id)
    view = _view(qtbot, ctx)
    assert unnamed_controls(view) == []
    assert unreachable_by_tab(view) == []


def test_nothing_is_shown_once_the_lease_has_expired(qtbot, ctx, child_id, shown_errors):
    _refused_plan(ctx, child_id)
    ctx.tasks.db_now(lambda: _set_last_sync(ctx, NOW - timedelta(days=30)))
    view = NotAcceptedView(ctx)
    qtbot.addWidget(view)
    # A read refused by the lease hides the records (the window listens).
    with qtbot.waitSignal(ctx.events.sig_lease_expired, timeout=5000):
        view.reload()
    assert shown_errors == []
    assert view.list.count() == 0 and view.pairs == []


def _set_last_sync(ctx, when) -> None:
    with ctx.session.store.transaction() as conn:
        device.set_meta(conn, "last_sync", when.isoformat())
