"""What a screen with nothing to show says (issue 15, item 13)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from tests.helpers import db
from ui.child_tabs.visits import VisitsTab
from ui.conflicts_view import ConflictsView


def shown_words(root: QWidget) -> str:
    return " ".join(label.text() for label in root.findChildren(QLabel) if label.isVisibleTo(root))


def test_no_conflicts_says_so_and_offers_nothing_to_do(qtbot, ctx):
    view = ConflictsView(ctx)
    qtbot.addWidget(view)
    view.resize(1366, 768)
    view.show()
    with qtbot.waitSignal(view.sig_loaded, timeout=5000):
        view.reload()
    words = shown_words(view)
    assert "No conflicts" in words
    assert "Someone else changed" not in words
    assert not view.send.isVisible() and not view.list.isVisible()


def test_a_child_with_no_visits_is_told_how_to_record_one(qtbot, ctx, child_id):
    tab = VisitsTab(ctx)
    qtbot.addWidget(tab)
    tab.resize(1366, 700)
    tab.show()
    with qtbot.waitSignal(tab.sig_loaded, timeout=5000):
        tab.load(child_id)
    assert "New visit" in shown_words(tab) and "Ctrl+N" in shown_words(tab)
    assert not tab.list.isVisible()
    visit = {"visit_type": "cin", "start": "2026-05-01T10:00:00+00:00", "observations": "x"}
    db(ctx, lambda r: r.create("visit", visit, child_id=child_id))
    with qtbot.waitSignal(tab.sig_loaded, timeout=5000):
        tab.load(child_id)
    assert "Ctrl+N" not in shown_words(tab)
    assert tab.list.isVisible() and tab.list.model().rowCount() == 1
