"""A refused save names the field as its form labels it and says what to do
(issue 15, item 4): every text field of every record form, typed past what
it holds, and each form saved with what it requires left empty."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QLabel, QLineEdit, QMessageBox, QPlainTextEdit, QWidget

from sync.errors import RecordInvalid
from sync.kinds import validate_data
from tests.helpers import db, settle
from tests.ui.screens import open_tab
from tests.ui.visible_text import problems
from ui.child_tabs.concerns import ConcernsTab
from ui.child_tabs.missing import MissingTab
from ui.child_tabs.plan import PlanTab
from ui.child_tabs.visits import VisitsTab

# More than any text field holds: words and lines, as a worker types (one
# line of 100,000 characters takes Qt seconds to lay out).
TOO_LONG = ("A line of the note.\n" * 5_000 + "x")[:100_001]
CONCERN = {"received_at": "2026-05-02T09:00:00+00:00", "source": "School",
           "reliability": "single_source", "category": "cse"}  # fmt: skip
EPISODE = {"episode_type": "missing", "start": "2026-05-01T22:00:00+00:00"}
PLAN = {"plan_type": "exploitation", "status": "draft", "risks": "Older friends."}
RECORDS = {ConcernsTab: ("concern", CONCERN), MissingTab: ("missing_episode", EPISODE),
           PlanTab: ("plan", PLAN)}  # fmt: skip


def too_long(kind: str, data: dict[str, Any], path: str) -> str:
    """The shortest text the field at `path` refuses for its length (typing
    100,000 characters into every box of a form takes a while)."""
    for size in (201, 501, 5_001, 100_001):
        *parts, last = path.split(".")
        record = {**data}
        holder = record
        for part in parts:
            holder[part] = holder = {**holder.get(part, {})}
        holder[last] = TOO_LONG[:size]
        try:
            validate_data(kind, record)
        except RecordInvalid as exc:
            if exc.field == path and "at most" in exc.message:
                return TOO_LONG[:size]
    return TOO_LONG


def captions(root: QWidget) -> dict[QWidget, str]:
    """Each field and the words its form's label shows for it."""
    return {
        label.buddy(): label.text().replace("&", "").rstrip(": ")
        for label in root.findChildren(QLabel)
        if label.buddy() is not None
    }


def _said(qtbot, message: QLabel, click) -> str:
    message.hide()
    click()
    qtbot.waitUntil(lambda: message.isVisible(), timeout=5000)
    return message.text()


def _text_fields(fields: dict[str, QWidget]) -> list[tuple[str, QLineEdit | QPlainTextEdit]]:
    return [(n, w) for n, w in fields.items() if isinstance(w, QLineEdit | QPlainTextEdit)]


def _set(widget: QLineEdit | QPlainTextEdit, text: str) -> None:
    if isinstance(widget, QLineEdit):
        widget.setText(text)
        widget.textEdited.emit(text)
    else:
        widget.setPlainText(text)


def _text(widget: QLineEdit | QPlainTextEdit) -> str:
    return widget.text() if isinstance(widget, QLineEdit) else widget.toPlainText()


@pytest.mark.parametrize("tab_class", [ConcernsTab, MissingTab, PlanTab])
def test_text_past_what_a_field_holds_names_the_field_as_labelled(qtbot, ctx, child_id, tab_class):
    kind, data = RECORDS[tab_class]
    db(ctx, lambda r: r.create(kind, data, child_id=child_id))
    tab = open_tab(qtbot, ctx, child_id, tab_class)
    tab.resize(1366, 768)
    tab.show()
    labelled = captions(tab)
    checked = 0
    for name, widget in _text_fields(tab.fields):
        before = _text(widget)
        _set(widget, too_long(kind, data, name))
        said = _said(qtbot, tab.message, tab.save_button.click)
        _set(widget, before)
        words = labelled.get(widget, widget.accessibleName())
        # A postcode or a registration is refused for its shape first.
        assert said.startswith(f"Not saved yet: {words} — "), (name, said)
        assert not problems(said), (name, said)
        checked += 1
    assert checked >= 2


def test_a_required_field_left_empty_is_named_as_labelled(qtbot, ctx, child_id):
    tab = open_tab(qtbot, ctx, child_id, ConcernsTab)
    tab.show()
    tab.new_record()
    said = _said(qtbot, tab.message, tab.save_button.click)
    assert said.startswith(f"Not saved yet: {captions(tab)[tab.fields['source']]} — fill it in")
    assert not problems(said)


def test_a_plan_action_without_words_is_named_as_labelled(qtbot, ctx, child_id, monkeypatch):
    db(ctx, lambda r: r.create("plan", PLAN, child_id=child_id))
    tab = open_tab(qtbot, ctx, child_id, PlanTab)
    tab.show()
    tab.new_action()
    dialog = tab.dialog
    qtbot.waitUntil(dialog.isVisible, timeout=5000)
    said = _said(qtbot, dialog.message, dialog.save_button.click)
    assert said.startswith(f"Not saved yet: {captions(dialog)[dialog.description]} — fill it in")
    assert not problems(said)
    dialog.description.setPlainText(TOO_LONG)
    said = _said(qtbot, dialog.message, dialog.save_button.click)
    assert said.startswith("Not saved yet: Action — make it shorter: it can hold at most 5,000")
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Discard)
    dialog.reject()


def test_a_visit_note_past_what_it_holds_names_the_field_as_labelled(qtbot, ctx, child_id):
    tab = open_tab(qtbot, ctx, child_id, VisitsTab)
    tab.show()
    tab.new_visit()
    settle(qtbot, ctx.tasks)
    editor = tab.editor
    labelled = captions(editor)
    box = editor.texts["observations"]
    editor.error.hide()
    box.setPlainText(TOO_LONG)
    editor.flush()
    qtbot.waitUntil(editor.error.isVisible, timeout=5000)
    said = editor.error.text()
    assert said.startswith(f"Not saved yet: {labelled[box]} — make it shorter"), said
    assert not problems(said)
