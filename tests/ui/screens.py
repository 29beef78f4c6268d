"""Driving the app's screens as the UI tests do: unlocking the window, a
child's tab opened on its own, its form saved or refused."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from tests.helpers import PASSPHRASE
from ui.child_tabs.base import ChildTab
from ui.context import AppContext

Tab = TypeVar("Tab", bound=ChildTab)

INTERACTIVE = (QLineEdit, QPlainTextEdit, QComboBox, QAbstractButton, QAbstractItemView,
               QAbstractSpinBox, QCheckBox)  # fmt: skip


def unlock(qtbot, window, passphrase: str = PASSPHRASE) -> None:
    """Type the passphrase on the lock screen and wait for the workspace."""
    with qtbot.waitSignal(window.sig_unlocked, timeout=20000):
        window.lock_screen.passphrase.setText(passphrase)
        window.lock_screen.unlock_button.click()


def open_tab(qtbot, ctx: AppContext, child_id: str, tab_class: type[Tab]) -> Tab:
    """The tab, loaded with the child; a write reloads it, as the child view does."""
    tab = tab_class(ctx)
    qtbot.addWidget(tab)
    ctx.events.sig_records_changed.connect(lambda cid: tab.load(cid))
    with qtbot.waitSignal(tab.sig_loaded, timeout=5000):
        tab.load(child_id)
    return tab


def written(qtbot, tab, click: Callable[[], None]) -> str:
    """Click, then wait for the write and the reload it causes; the stored id."""
    with (
        qtbot.waitSignal(tab.sig_loaded, timeout=5000),
        qtbot.waitSignal(tab.sig_saved, timeout=5000) as saved,
    ):
        click()
    return saved.args[0]


def save(qtbot, tab) -> str:
    """Save the form; the stored record's id."""
    return written(qtbot, tab, tab.save_button.click)


def refused(qtbot, tab) -> str:
    """Save the form, which the record refuses; what the form says."""
    tab.save_button.click()
    qtbot.waitUntil(lambda: tab.message.isVisibleTo(tab), timeout=5000)
    return tab.message.text()


def unnamed(root: QWidget) -> list[str]:
    """Interactive widgets a screen reader could not name (Qt's own parts of
    a combo, spin box or table are announced with their control)."""
    return [
        f"{type(w).__name__} {w.objectName()!r} {getattr(w, 'text', lambda: '')()!r}"
        for w in root.findChildren(QWidget)
        if isinstance(w, INTERACTIVE)
        and not w.accessibleName()
        and w.isVisibleTo(root)
        and not isinstance(w.parent(), QAbstractSpinBox | QComboBox | QAbstractItemView)
    ]
