"""Finalising a visit note (issue 15, item 7): the note is checked first and
the missing field pointed at before any question; a final note reads as
final; a new note's visit type follows the child's legal status."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QMessageBox, QPlainTextEdit

from sync.kinds.casework import VisitType
from sync.kinds.people import LegalStatus
from tests.helpers import CHILD, db, settle
from tests.ui.screens import open_tab
from ui.app import style_sheet
from ui.child_tabs.visits import VisitsTab
from ui.visit_finalising import visit_type_for


@pytest.fixture
def asked(monkeypatch) -> list[str]:
    """The confirmations asked for; each is answered Yes."""
    questions: list[str] = []

    def question(_parent, title, *_args, **_kwargs):
        questions.append(title)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", question)
    return questions


@pytest.fixture
def editor(qtbot, ctx, child_id):
    tab = open_tab(qtbot, ctx, child_id, VisitsTab)
    tab.show()
    qtbot.waitExposed(tab)
    tab.new_visit()
    settle(qtbot, ctx.tasks)
    tab.editor.texts["observations"].setPlainText("Tidy kitchen; the dog was friendly.")
    return tab.editor


def test_finalising_points_at_the_missing_field_before_asking(qtbot, editor, asked):
    editor.finalise_button.click()
    assert asked == [], "nothing is asked while the note cannot be finalised"
    assert editor.error.isVisible()
    assert "Child seen" in editor.error.text()
    assert "child_seen" not in editor.error.text()
    qtbot.waitUntil(editor.child_seen.hasFocus, timeout=2000)
    assert not editor.final

    editor.child_seen.setCurrentIndex(editor.child_seen.findData(False))
    editor.finalise_button.click()
    assert asked == []
    assert "Why the child was not seen" in editor.error.text()
    assert "not_seen_reason" not in editor.error.text()
    qtbot.waitUntil(editor.not_seen_reason.hasFocus, timeout=2000)

    editor.not_seen_reason.setText("Asleep after a night shift at the hospital")
    with qtbot.waitSignal(editor.sig_finalised, timeout=5000):
        editor.finalise_button.click()
    assert asked == ["Finalise visit note"]
    assert not editor.error.isVisible()


def finalised(qtbot, editor, asked):
    editor.child_seen.setCurrentIndex(editor.child_seen.findData(True))
    with qtbot.waitSignal(editor.sig_finalised, timeout=5000):
        editor.finalise_button.click()
    return editor.record_id


def assert_reads_as_final(editor):
    assert editor.final_line.isVisible()
    assert editor.final_line.text().startswith("Finalised — add an addendum to change it")
    assert all(edit.isReadOnly() for edit in editor.texts.values())
    assert editor.not_seen_reason.isReadOnly()
    for box in (editor.visit_type, editor.start, editor.location, editor.child_seen):
        assert not box.isEnabled()
    assert not editor.finalise_button.isVisible()
    assert editor.addendum_button.isVisible()
    # Read-only text looks it: not painted the white of a field to type in.
    assert painted(editor.texts["observations"]) != WHITE


WHITE = QColor("#ffffff")  # a field to type in, as the style sheet paints it


@pytest.fixture
def styled(qapp):
    """The app's own style sheet, as ui.app applies it."""
    qapp.setStyleSheet(style_sheet())
    yield
    qapp.setStyleSheet("")


def painted(edit: QPlainTextEdit) -> QColor:
    """The colour at the bottom corner of the field, below any text."""
    image = edit.grab().toImage()
    return image.pixelColor(image.width() - 12, image.height() - 8)


def test_a_finalised_note_looks_read_only_and_says_how_to_change_it(
    qtbot, ctx, styled, editor, asked
):
    record_id = finalised(qtbot, editor, asked)
    assert_reads_as_final(editor)
    assert "worker.one" in editor.final_line.text()

    stored = db(ctx, lambda r: r.get(record_id))
    editor.new_visit(str(stored.child_id))
    assert not editor.final_line.isVisible()
    assert not editor.texts["observations"].isReadOnly()
    assert painted(editor.texts["observations"]) == WHITE
    editor.open_visit(stored, pending=True)
    assert_reads_as_final(editor)


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (LegalStatus.cp, VisitType.cp_statutory),
        (LegalStatus.cin, VisitType.cin),
        (LegalStatus.cla, VisitType.cla_statutory),
        (LegalStatus.care_leaver, VisitType.care_leaver),
        (LegalStatus.private_fostering, VisitType.private_fostering),
        (LegalStatus.early_help, VisitType.other),
        (LegalStatus.none, VisitType.other),
    ],
)
def test_the_visit_type_for_each_legal_status(status, expected):
    assert visit_type_for(status.value) is expected


def test_a_new_visit_takes_its_type_from_the_childs_legal_status(qtbot, ctx):
    looked_after = db(ctx, lambda r: r.create("child", {**CHILD, "legal_status": "cla"}))
    in_need = db(ctx, lambda r: r.create("child", {**CHILD, "legal_status": "cin"}))
    tab = open_tab(qtbot, ctx, str(looked_after.id), VisitsTab)
    tab.new_visit()
    qtbot.waitUntil(lambda: tab.editor.visit_type.currentData() == "cla_statutory", timeout=5000)
    assert not tab.editor.dirty, "a default is not typing: nothing is saved for it"

    with qtbot.waitSignal(tab.sig_loaded, timeout=5000):
        tab.load(str(in_need.id))
    qtbot.waitUntil(lambda: tab.editor.visit_type.currentData() == "cin", timeout=5000)

    # Typing begun before the child is read: the type still follows, and is saved.
    tab.new_visit()
    tab.editor.texts["observations"].setPlainText("Straight in from the car")
    qtbot.waitUntil(lambda: tab.editor.visit_type.currentData() == "cin", timeout=5000)
    tab.editor.flush()
    note = db(ctx, lambda r: r.get(tab.editor.record_id))
    assert note.data["visit_type"] == "cin"

    # A type the worker chose is theirs: a late default never overrides it.
    tab.new_visit()
    tab.editor.visit_type.setCurrentIndex(tab.editor.visit_type.findData("direct_work"))
    settle(qtbot, ctx.tasks)
    assert tab.editor.visit_type.currentData() == "direct_work"
