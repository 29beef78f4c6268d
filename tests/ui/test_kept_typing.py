"""Typing the record cannot take is never lost: an over-long visit note, a
missing episode that breaks the one-open-episode rule, a concern without its
source — through an idle lock, opening another child, and back. What is kept
is in the encrypted store and nowhere on disk in clear."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QDate, QDateTime, QTime
from PySide6.QtWidgets import QMessageBox

from desktop.repository import CaseRepository
from tests.helpers import CHILD, NOW, create_vault
from tests.ui.screens import unlock
from ui.app import open_window
from ui.child_tabs.concerns import ConcernsTab
from ui.child_tabs.missing import MissingTab
from ui.child_tabs.visits import VisitsTab

MARKER = "Zanzibar-kept-4417"
# 100,004 characters: over the 100,000 a visit's text field may hold.
OVER_LONG = f"{MARKER} walked to the lido with her cousin. " * 2000 + "x" * 8004
assert len(OVER_LONG) > 100_000


@pytest.fixture
def children(vault):
    """Two children on a laptop with no central record (nothing syncs); the
    first has been missing since Sat 30 May 21:00."""
    create_vault(vault)
    repo = CaseRepository(vault.store, "worker.one", clock=lambda: NOW)
    first = repo.create("child", dict(CHILD))
    second = repo.create("child", {**CHILD, "first_name": "Bramble", "last_name": "Oakapple"})
    repo.create("missing_episode", {"episode_type": "missing",
                "start": "2026-05-30T21:00:00+01:00"}, child_id=first.id)  # fmt: skip
    vault.lock()
    return str(first.id), str(second.id)


@pytest.fixture
def window(qtbot, tasks, vault, children):
    w = open_window(tasks, vault, auto_sync=False, clock=lambda: NOW)
    qtbot.addWidget(w)
    unlock(qtbot, w)
    yield w
    w.close()


def idle_lock(qtbot, window) -> None:
    window.idle_timer.setInterval(100)
    with qtbot.waitSignal(window.sig_locked, timeout=5000):
        window.idle_timer.start()
    assert window.workspace is None


def open_tab(qtbot, window, child_id: str, cls):
    """Open the child on that tab and wait until the tab has read the child."""
    view = window.workspace.child_view
    tab = view.tab(cls)
    with qtbot.waitSignal(tab.sig_loaded, timeout=5000):
        view.show_tab(cls)
        window.workspace.open_child(child_id)
    return tab


def visits(qtbot, window, child_id: str) -> VisitsTab:
    tab = open_tab(qtbot, window, child_id, VisitsTab)
    assert isinstance(tab, VisitsTab)
    return tab


def stored_visits(window, child_id: str):
    return window.tasks.db_now(lambda: window.ctx.session.repo.records_for_child(child_id, "visit"))


def kept_message(label) -> str:
    text = label.text()
    assert text.startswith("Not saved yet: "), text
    assert text.endswith("Your typing is kept on this laptop."), text
    return text


def no_clear_text_on_disk(vault, tmp_path) -> None:
    """The marker is in no file of the profile, nor anywhere under the test's
    directory, in UTF-8 or UTF-16, while locked."""
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.name.endswith(".db") for p in files)
    for path in files:
        data = path.read_bytes()
        for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
            assert MARKER.encode(encoding) not in data, path


def test_an_over_long_note_is_kept_through_an_idle_lock(qtbot, window, vault, children, tmp_path):
    first, _ = children
    editor = visits(qtbot, window, first).editor
    editor.texts["observations"].setPlainText(OVER_LONG)
    qtbot.waitUntil(lambda: editor.error.isVisible(), timeout=10000)  # the autosave answered
    text = kept_message(editor.error)
    assert "Observations — make it shorter: it can hold at most 100,000 characters" in text
    assert editor.state.text() == "Not saved yet · kept on this laptop"
    assert stored_visits(window, first) == []  # the record took nothing half-written

    idle_lock(qtbot, window)
    no_clear_text_on_disk(vault, tmp_path)
    unlock(qtbot, window)
    editor = visits(qtbot, window, first).editor
    qtbot.waitUntil(lambda: editor.texts["observations"].toPlainText() == OVER_LONG, timeout=5000)
    kept_message(editor.error)

    # Made short enough, it is saved as the note and the draft goes.
    editor.texts["observations"].setPlainText(OVER_LONG[:5000])
    qtbot.waitUntil(lambda: len(stored_visits(window, first)) == 1, timeout=10000)
    assert stored_visits(window, first)[0].data["observations"] == OVER_LONG[:5000]
    drafts = window.tasks.db_now(lambda: window.ctx.session.repo.drafts_for_child(first))
    assert drafts == []


def test_typing_caught_by_the_lock_before_the_autosave_is_kept(qtbot, window, children):
    first, _ = children
    editor = visits(qtbot, window, first).editor
    editor.texts["observations"].setPlainText(OVER_LONG)
    assert editor.dirty  # the autosave timer has not fired: the lock's flush keeps it
    window.lock()
    unlock(qtbot, window)
    editor = visits(qtbot, window, first).editor
    qtbot.waitUntil(lambda: editor.texts["observations"].toPlainText() == OVER_LONG, timeout=5000)


def test_opening_another_child_keeps_an_over_long_note_of_a_stored_visit(qtbot, window, children):
    first, second = children
    tab = visits(qtbot, window, first)
    tab.editor.texts["observations"].setPlainText("Short and fine.")
    qtbot.waitUntil(lambda: len(stored_visits(window, first)) == 1, timeout=10000)
    tab.editor.texts["observations"].setPlainText(OVER_LONG)
    window.workspace.open_child(second)  # before the autosave: the switch keeps it
    qtbot.waitUntil(lambda: tab.child_id == second, timeout=5000)
    assert stored_visits(window, first)[0].data["observations"] == "Short and fine."

    tab = visits(qtbot, window, first)
    qtbot.waitUntil(
        lambda: tab.editor.texts["observations"].toPlainText() == OVER_LONG, timeout=5000
    )
    assert tab.editor.record_id == str(stored_visits(window, first)[0].id)
    assert "TYPING NOT SAVED YET" in tab.model.index(0).data()
    kept_message(tab.editor.error)


def type_moment(field, day: tuple[int, int, int], hour: int) -> None:
    if field.check is not None:
        field.check.setChecked(True)
    field.edit.setDateTime(QDateTime(QDate(*day), QTime(hour, 0)))


def test_a_second_open_episode_is_kept_and_the_worker_is_not_trapped(qtbot, window, children):
    first, second = children
    tab = open_tab(qtbot, window, first, MissingTab)
    qtbot.waitUntil(lambda: tab.episodes.rowCount() == 1, timeout=5000)
    tab.new_button.click()
    assert tab.open_button.isVisibleTo(tab)
    type_moment(tab.fields["start"], (2026, 5, 31), 8)
    tab.fields["found_location"].setText(f"{MARKER} Parade")
    tab.save_button.click()
    qtbot.waitUntil(lambda: tab.message.isVisibleTo(tab), timeout=5000)
    assert "Came back — the child already has an open missing episode" in kept_message(tab.message)

    # Another child, and back: the new episode's typing is there again.
    window.workspace.open_child(second)
    tab = open_tab(qtbot, window, first, MissingTab)
    qtbot.waitUntil(lambda: tab.fields["found_location"].text() == f"{MARKER} Parade", timeout=5000)
    assert tab.creating and tab.open_button.isVisibleTo(tab)

    # Not trapped: go to the open episode, end it, then the new one saves.
    tab.open_button.click()
    assert tab.current is not None and not tab.current.data.get("end")
    type_moment(tab.fields["end"], (2026, 5, 31), 6)
    with qtbot.waitSignal(tab.sig_saved, timeout=5000):
        tab.save_button.click()
    qtbot.waitUntil(lambda: not tab.open_button.isVisibleTo(tab), timeout=5000)
    tab.new_button.click()
    assert tab.fields["found_location"].text() == f"{MARKER} Parade"  # the kept typing
    with qtbot.waitSignal(tab.sig_saved, timeout=5000):
        tab.save_button.click()
    qtbot.waitUntil(lambda: tab.episodes.rowCount() == 2, timeout=5000)
    found = [r.data.get("found_location") for r in tab.episodes.records]
    assert f"{MARKER} Parade" in found


def test_a_concern_without_a_source_survives_an_idle_lock(qtbot, window, children, vault, tmp_path):
    first, _ = children
    tab = open_tab(qtbot, window, first, ConcernsTab)
    tab.new_button.click()
    tab.fields["narrative"].setPlainText(f"Seen with older youths at {MARKER}.")
    assert tab.discard_button.text() == "&Discard changes…"
    idle_lock(qtbot, window)
    no_clear_text_on_disk(vault, tmp_path)
    unlock(qtbot, window)
    tab = open_tab(qtbot, window, first, ConcernsTab)
    narrative = tab.fields["narrative"]
    qtbot.waitUntil(lambda: MARKER in narrative.toPlainText(), timeout=5000)
    assert "Source — fill it in" in kept_message(tab.message)
    assert tab.heading.text() == "New concern"


def test_discarding_asks_first_and_then_drops_the_kept_typing(qtbot, window, children, monkeypatch):
    first, _ = children
    tab = open_tab(qtbot, window, first, ConcernsTab)
    tab.new_button.click()
    assert tab.discard_button.text() == "&Cancel new concern"  # nothing typed: no question
    tab.fields["narrative"].setPlainText(f"Seen at {MARKER}.")
    tab.save_button.click()
    qtbot.waitUntil(lambda: tab.message.isVisibleTo(tab), timeout=5000)

    answers = [QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Discard]
    asked: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or answers.pop(0)
    )
    tab.discard_button.click()  # Cancel: nothing is dropped
    assert MARKER in tab.fields["narrative"].toPlainText()
    tab.discard_button.click()  # Discard
    assert len(asked) == 2 and "cannot be brought back" in asked[0]
    assert tab.fields["narrative"].toPlainText() == "" and not tab.creating
    qtbot.waitUntil(
        lambda: window.tasks.db_now(lambda: window.ctx.session.repo.drafts_for_child(first)) == [],
        timeout=5000,
    )


def test_a_new_note_never_sent_can_be_discarded(qtbot, window, children, monkeypatch):
    first, _ = children
    editor = visits(qtbot, window, first).editor
    editor.texts["observations"].setPlainText("Started on the wrong child.")
    qtbot.waitUntil(lambda: len(stored_visits(window, first)) == 1, timeout=10000)
    assert editor.discard_button.isVisibleTo(editor)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Discard)
    editor.discard_button.click()
    qtbot.waitUntil(lambda: stored_visits(window, first) == [], timeout=5000)
    qtbot.waitUntil(lambda: editor.texts["observations"].toPlainText() == "", timeout=5000)
    assert editor.record_id is None


def test_an_addendum_being_written_comes_back_after_an_idle_lock(qtbot, window, children):
    first, _ = children
    repo = window.ctx.session.repo
    note = window.tasks.db_now(lambda: repo.create("visit", {
        "visit_type": "cp_statutory", "start": "2026-05-28T10:00:00+00:00",
        "child_seen": True}, child_id=first))  # fmt: skip
    window.tasks.db_now(lambda: repo.finalise_visit(note.id))
    tab = visits(qtbot, window, first)
    tab.list.activated.emit(tab.model.index(0))
    tab.editor.addendum_button.click()
    dialog = tab.editor.addenda.dialog
    dialog.text.setPlainText(OVER_LONG)
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.message.isVisibleTo(dialog), timeout=5000)
    assert "What needs adding or correcting" not in dialog.message.text()
    assert "Addendum — make it shorter" in kept_message(dialog.message)

    idle_lock(qtbot, window)
    unlock(qtbot, window)
    tab = visits(qtbot, window, first)
    qtbot.waitUntil(
        lambda: "TYPING NOT SAVED YET" in (tab.model.index(0).data() or ""), timeout=5000
    )
    tab.list.activated.emit(tab.model.index(0))
    qtbot.waitUntil(lambda: tab.editor.addenda.is_open, timeout=5000)
    assert tab.editor.addenda.dialog.text.toPlainText() == OVER_LONG


def test_quitting_keeps_what_could_not_be_saved(qtbot, tasks, vault, window, children):
    first, _ = children
    editor = visits(qtbot, window, first).editor
    editor.texts["observations"].setPlainText(OVER_LONG)
    window.close()  # quit: the window stores or keeps the typing, then locks
    assert not vault.is_unlocked
    again = open_window(tasks, vault, auto_sync=False, clock=lambda: NOW)
    qtbot.addWidget(again)
    unlock(qtbot, again)
    editor = visits(qtbot, again, first).editor
    qtbot.waitUntil(lambda: editor.texts["observations"].toPlainText() == OVER_LONG, timeout=5000)
    again.close()
