"""Plain words everywhere (issue 15, item 4): the main window walked screen
by screen on a synthetic caseload — the caseload and a search, every tab of
several children with their records opened, conflicts, changes not
accepted, insights, the status bar and the lock screen — shows no stored
code and no developer's message anywhere a worker can read."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from desktop import outbox
from sync.errors import RecordInvalid
from tests.helpers import db
from tests.ui.sync_states import accept_all, answer_conflict
from tests.ui.visible_text import problems, raw_words
from tests.ui.walk import walk
from ui.conflicts_view import ConflictsView
from ui.widgets import field_message, message_label


def test_the_checker_catches_what_the_issue_saw():
    for seen in ("Not_at_risk", "Visit: cin", "Concern: cse", "child_seen: say whether",
                 "String should have at least 1 character", "cp_statutory", "high",
                 "Observations: String should have at most 100000 characters"):  # fmt: skip
        assert problems(seen), seen
    for fine in ("Not at risk", "Visit: Child in need", "High", "Seen at home, high spirits",
                 "Concern: Child sexual exploitation", "Found at: the park"):  # fmt: skip
        assert not problems(fine), fine


def test_no_screen_shows_a_code_or_a_developers_message(qtbot, synthetic_window, synthetic_laptop):
    found = walk(qtbot, synthetic_window, synthetic_laptop, raw_words)
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
