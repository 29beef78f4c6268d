"""Plain words everywhere (issue 15, item 4): the main window walked screen
by screen on a synthetic caseload — the caseload and a search, every tab of
several children with their records opened, conflicts, changes not
accepted, insights, the status bar and the lock screen — shows no stored
code and no developer's message anywhere a worker can read."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QAbstractItemView, QWidget

from desktop import outbox
from desktop.syncing import engine_for
from sync.errors import RecordInvalid
from sync.server.synthetic import generate_caseload
from tests.helpers import db, enrol, settle
from tests.ui.screens import unlock
from tests.ui.sync_states import accept_all, answer_conflict, answer_refused
from tests.ui.visible_text import problems, raw_words
from ui.app import open_window
from ui.caseload_model import ChildIdRole
from ui.child_tabs.list_form import ListFormTab
from ui.child_tabs.plan import PlanTab
from ui.child_tabs.visits import VisitsTab
from ui.conflicts_view import ConflictsView
from ui.widgets import field_message, message_label

CHILDREN = 6
# A reason as the central record words a schema's refusal: pydantic's own.
TOO_LONG = "observations: String should have at most 100000 characters"


@pytest.fixture
def laptop(vault, service, ui_worker):
    """A laptop holding a synthetic caseload, synced, then locked."""
    batch = generate_caseload(15, CHILDREN, 40, workers=[ui_worker])
    service.insert_records(batch.records)
    for child in batch.holders:
        service.assign(ui_worker, child)
    enrol(vault, service.url, ui_worker)
    engine_for(vault).sync()
    vault.lock()
    return [str(c) for c in batch.holders]


@pytest.fixture
def window(qtbot, tasks, vault, laptop):
    w = open_window(tasks, vault, auto_sync=False)
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    yield w
    w.close()


def test_the_checker_catches_what_the_issue_saw():
    for seen in ("Not_at_risk", "Visit: cin", "Concern: cse", "child_seen: say whether",
                 "String should have at least 1 character", "cp_statutory", "high",
                 "Observations: String should have at most 100000 characters"):  # fmt: skip
        assert problems(seen), seen
    for fine in ("Not at risk", "Visit: Child in need", "High", "Seen at home, high spirits",
                 "Concern: Child sexual exploitation", "Found at: the park"):  # fmt: skip
        assert not problems(fine), fine


def _conflict_and_refusals(ctx, child_id: str) -> None:
    """A conflict on the child's risk level and legal status; a visit and a
    concern the central record refused."""

    def edits(repo) -> None:
        repo.update(child_id, {"risk_level": "not_at_risk", "legal_status": "cin"})

    db(ctx, edits)
    answer_conflict(ctx, {"risk_level": "high", "legal_status": "cp"})
    visit = {"visit_type": "cp_statutory", "start": "2026-05-01T10:00:00+00:00",
             "observations": "Seen in the kitchen."}  # fmt: skip
    db(ctx, lambda r: r.create("visit", visit, child_id=child_id))
    answer_refused(ctx, TOO_LONG)
    concern = {"category": "cse", "received_at": "2026-05-02T09:00:00+00:00",
               "source": "School", "reliability": "single_source"}  # fmt: skip
    db(ctx, lambda r: r.create("concern", concern, child_id=child_id))
    answer_refused(ctx, "category: Input should be 'cse', 'cce' or 'other'")


def _rows_of(tab: QWidget) -> QAbstractItemView | None:
    if isinstance(tab, ListFormTab):
        return tab.table
    if isinstance(tab, VisitsTab):
        return tab.list
    return None


def _walk_child(qtbot, window, child_id: str, found: list[str], shown_words: set[str]) -> None:
    ws = window.workspace
    view = ws.child_view
    ws.open_child(child_id)
    settle(qtbot, window.tasks)
    for index in range(view.count()):
        view.setCurrentIndex(index)
        settle(qtbot, window.tasks)
        name = view.tabText(index).replace("&", "")
        found += raw_words(window, name)
        tab = view.currentWidget()
        if isinstance(tab, PlanTab) and tab.action_model.rowCount() > 0:
            tab.table.setCurrentIndex(tab.action_model.index(0, 0))
            tab.edit_action()  # the action dialog, on the plan's first action
            assert tab.dialog is not None and tab.dialog.isVisible()
            found += raw_words(tab.dialog, "Action dialog")
            shown_words.add("action")
            tab.dialog.reject()
        rows = _rows_of(tab)
        if rows is None:
            continue
        for row in range(min(rows.model().rowCount(), 8)):  # each row opens its form
            rows.setCurrentIndex(rows.model().index(row, 0))
            if isinstance(view.currentWidget(), VisitsTab):
                view.currentWidget()._open(rows.currentIndex())
            settle(qtbot, window.tasks)
            found += raw_words(window, f"{name} row {row + 1}")
            if isinstance(tab, VisitsTab) and tab.editor.final and not tab.editor.addenda.is_open:
                tab.editor.ask_addendum()  # the addendum dialog of a final note
                settle(qtbot, window.tasks)
                found += raw_words(window, f"{name} row {row + 1} addendum")
                shown_words.add("addendum")
                tab.editor.addenda.dialog.reject()


def test_no_screen_shows_a_code_or_a_developers_message(qtbot, window, laptop):
    found = raw_words(window, "lock screen")
    unlock(qtbot, window)
    ws = window.workspace
    panel = ws.caseload
    qtbot.waitUntil(lambda: panel.model.rowCount() == CHILDREN, timeout=10000)
    _conflict_and_refusals(window.ctx, laptop[0])
    ws.refresh()
    settle(qtbot, window.tasks)
    found += raw_words(window, "caseload")
    for quick in panel.quick_buttons.values():
        quick.setChecked(True)
        found += raw_words(window, f"caseload {quick.text()}")
        quick.setChecked(False)
    with qtbot.waitSignal(panel.sig_searched, timeout=10000):
        panel.search.setText("Academy")
        panel._run_search()
    settle(qtbot, window.tasks)
    found += raw_words(window, "search")
    panel.search.setText("")

    shown = [panel.proxy.index(r, 0).data(ChildIdRole) for r in range(panel.proxy.rowCount())]
    dialogs: set[str] = set()
    for child_id in shown[:4]:
        _walk_child(qtbot, window, child_id, found, dialogs)
    assert dialogs == {"action", "addendum"}  # both dialogs were read

    with qtbot.waitSignal(ws.conflicts.sig_opened, timeout=5000):
        ws.show_conflicts()
    settle(qtbot, window.tasks)
    for choice in ws.conflicts.choices:
        choice.pick_edit.setChecked(True)
    found += raw_words(window, "conflicts")
    with qtbot.waitSignal(ws.not_accepted.sig_opened, timeout=5000):
        ws.show_not_accepted()
    settle(qtbot, window.tasks)
    for row in range(ws.not_accepted.list.count()):
        ws.not_accepted.list.setCurrentRow(row)
        settle(qtbot, window.tasks)
        found += raw_words(window, f"not accepted row {row + 1}")
    ws.show_insights()
    settle(qtbot, window.tasks)
    found += raw_words(window, "insights")
    accept_all(window.ctx)
    assert found == [], "\n".join(found)


def test_a_code_in_conflict_is_edited_as_its_words(qtbot, ctx, child_id):
    accept_all(ctx)
    db(ctx, lambda r: r.update(child_id, {"risk_level": "low"}))
    answer_conflict(ctx, {"risk_level": "not_at_risk"})
    view = ConflictsView(ctx)
    qtbot.addWidget(view)
    view.show()
    with qtbot.waitSignal(view.sig_opened, timeout=5000):
        view.reload()
    (choice,) = view.choices
    assert (choice.theirs.toPlainText(), choice.mine.toPlainText()) == ("Not at risk", "Low")
    choice.pick_edit.setChecked(True)
    assert choice.edited.toPlainText() == "Low"
    choice.edited.setPlainText("very")
    view.send.click()
    assert view.error.text() == "Risk level — choose one of Not at risk, Low, Medium, High."
    choice.edited.setPlainText("medium")
    with qtbot.waitSignal(view.sig_resolved, timeout=5000):
        view.send.click()
    (queued,) = db(ctx, lambda r: outbox.pending(r.store.conn))
    assert queued.mutation.record.data["risk_level"] == "medium"


def test_a_refusal_without_a_form_names_the_field_in_words(qtbot):
    page = QWidget()
    qtbot.addWidget(page)
    message = message_label(page, "Problem")
    field_message(message, RecordInvalid("child_seen", "child_seen: say whether the child was"
                                         " seen before finalising"))  # fmt: skip
    assert message.text() == "Child seen — say whether the child was seen before finalising."
    field_message(message, RecordInvalid("text", "text: String should have at least 1 character"))
    assert message.text() == "Text — fill it in."
