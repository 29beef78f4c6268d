"""The main window against the real central record on loopback: finalise and
send a visit, resolve a conflict, idle lock, and accessible names."""

from __future__ import annotations

import uuid

import pytest
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QWidget,
)

from desktop.profile import Profile
from desktop.repository import CaseRepository
from desktop.syncing import engine_for
from desktop.vault import Vault
from tests.helpers import CHILD, TEST_KDF, enrol, settle
from tests.ui.screens import unlock, unnamed
from ui.app import open_window
from ui.child_tabs.visits import VisitsTab


@pytest.fixture
def enrolled(vault, service, ui_worker):
    """An enrolled laptop holding one child that the central record also has."""
    enrol(vault, service.url, "sw.one")
    child = CaseRepository(vault.store, "sw.one").create("child", dict(CHILD))
    engine_for(vault).sync()
    vault.lock()
    return str(child.id)


@pytest.fixture
def window(qtbot, tasks, vault, enrolled):
    w = open_window(tasks, vault, auto_sync=False)
    qtbot.addWidget(w)
    unlock(qtbot, w)
    yield w
    w.close()


def sync(qtbot, window):
    with qtbot.waitSignal(window.sig_synced, timeout=30000) as done:
        window.sync_now()
    return done.args[0]


def visits_tab(window, child_id: str) -> VisitsTab:
    window.workspace.new_visit_for(child_id)
    tab = window.workspace.child_view.tab(VisitsTab)
    assert isinstance(tab, VisitsTab)
    return tab


def test_finalise_then_sync_leaves_nothing_waiting_and_the_server_holds_the_note(
    qtbot, window, enrolled, service, monkeypatch
):
    editor = visits_tab(window, enrolled).editor
    editor.child_seen.setCurrentIndex(editor.child_seen.findData(True))
    editor.texts["childs_words"].setPlainText("I like the new school. The bus is late.")
    asked = []
    monkeypatch.setattr(
        QMessageBox, "question", lambda *a, **k: asked.append(a) or QMessageBox.StandardButton.Yes
    )
    with qtbot.waitSignal(editor.sig_finalised, timeout=10000):
        editor.finalise_button.click()
    assert asked, "finalising asks for confirmation first"
    assert editor.texts["childs_words"].isReadOnly()
    qtbot.waitUntil(lambda: "1 change" in window.status.waiting.text(), timeout=5000)

    report = sync(qtbot, window)
    assert report.pushed == 1
    qtbot.waitUntil(lambda: window.status.waiting.text() == "Nothing waiting to send", timeout=5000)
    held = [r for r in service.current_records("sw.one") if r.kind == "visit"]
    assert len(held) == 1
    assert held[0].data["status"] == "final"
    assert held[0].data["childs_words"] == "I like the new school. The bus is late."
    qtbot.waitUntil(lambda: "Sent" in editor.state.text(), timeout=5000)


def test_a_conflicting_edit_on_the_server_shows_in_the_conflicts_view_and_resolves(
    qtbot, tmp_path, window, enrolled, service
):
    other = Vault(Profile(tmp_path / "other-laptop").ensure(), kdf=TEST_KDF)
    try:
        enrol(other, service.url, "sw.one")
        engine_for(other).sync()
        CaseRepository(other.store, "sw.one").update(enrolled, {"address_area": "North Quay"})
        engine_for(other).sync()
    finally:
        other.lock()
        other.keystore.delete("vault-key")

    ctx = window.ctx
    with qtbot.waitSignal(ctx.events.sig_records_changed, timeout=5000):
        ctx.write(lambda repo: repo.update(enrolled, {"address_area": "South Row"}), enrolled)
    report = sync(qtbot, window)
    assert report.conflicts == 1
    qtbot.waitUntil(lambda: window.status.conflicts.isVisible(), timeout=5000)

    view = window.workspace.conflicts
    with qtbot.waitSignal(view.sig_loaded, timeout=5000) as loaded:
        window.status.conflicts.click()
    assert loaded.args[0] == 1
    qtbot.waitUntil(lambda: len(view.choices) == 1, timeout=5000)
    choice = view.choices[0]
    assert choice.versions.field == "address_area"
    assert choice.theirs.toPlainText() == "North Quay"
    assert choice.mine.toPlainText() == "South Row"
    view.send.click()
    assert view.error.isVisible(), "nothing is sent until a version is chosen"
    choice.pick_edit.setChecked(True)
    choice.edited.setPlainText("South Row (was North Quay)")
    with qtbot.waitSignal(view.sig_resolved, timeout=5000):
        view.send.click()
    sync(qtbot, window)
    server = {str(r.id): r for r in service.current_records("sw.one")}
    assert server[enrolled].data["address_area"] == "South Row (was North Quay)"
    qtbot.waitUntil(lambda: not window.status.conflicts.isVisible(), timeout=5000)


def _texts(window) -> list[str]:
    out = []
    for w in window.findChildren(QWidget):
        if isinstance(w, QLineEdit):
            out.append(w.text())
        elif isinstance(w, QPlainTextEdit):
            out.append(w.toPlainText())
        elif isinstance(w, QLabel):
            out.append(w.text())
    return out


def test_idle_lock_saves_typing_hides_content_and_counts_wrong_passphrases(
    qtbot, window, enrolled, vault
):
    editor = visits_tab(window, enrolled).editor
    secret = f"marker-{uuid.uuid4().hex[:8]}"
    editor.texts["observations"].setPlainText(f"Tidy home. {secret}")
    assert editor.dirty  # typed, and the autosave timer has not fired yet
    window.idle_timer.setInterval(300)
    # The case widgets go with deleteLater, on a later turn of the event loop.
    workspace = window.workspace
    with qtbot.waitSignals([window.sig_locked, workspace.destroyed], timeout=5000):
        window.idle_timer.start()
    assert window.workspace is None
    assert not any(secret in t for t in _texts(window)), "case data left on screen"
    assert not any("Puddingstone" in t for t in _texts(window))
    assert not vault.is_unlocked

    window.lock_screen.passphrase.setText("not the passphrase at all")
    window.lock_screen.unlock_button.click()
    qtbot.waitUntil(lambda: window.lock_screen.message.isVisible(), timeout=10000)
    assert "attempts left" in window.lock_screen.message.text()
    assert window.workspace is None

    unlock(qtbot, window)
    visits = window.tasks.db_now(
        lambda: window.ctx.session.repo.records_for_child(enrolled, "visit")
    )
    assert [v.data["observations"] for v in visits] == [f"Tidy home. {secret}"]


def test_every_interactive_widget_in_the_main_screens_has_an_accessible_name(
    qtbot, window, enrolled
):
    ws = window.workspace
    qtbot.waitUntil(lambda: ws.caseload.model.rowCount() == 1, timeout=5000)
    assert unnamed(window) == []
    ws.open_child(enrolled)
    for index in range(ws.child_view.count()):
        ws.child_view.setCurrentIndex(index)
        settle(qtbot, window.tasks)  # the tab has drawn what it read
        assert unnamed(window) == [], ws.child_view.tabText(index)
    with qtbot.waitSignal(ws.conflicts.sig_loaded, timeout=5000):
        ws.show_conflicts()
    assert unnamed(window) == []
    ws.show_insights()
    qtbot.waitUntil(lambda: ws.pages.currentWidget() is ws.insights, timeout=5000)
    assert unnamed(window) == []
    window.lock()
    assert unnamed(window) == []
