"""Every splitter stays where the worker left it, across locks and restarts.

One call when a window's content is built: each `QSplitter` under it (the
root too) is put back where it was last moved to, and remembers where it
is moved next, in the window's settings (the profile's `window.ini`). A
splitter is known by its object name — "visitsSplitter" is stored as
`splitter/visits` — so every splitter must have one, and only one splitter
a name (tests/ui/test_splitters.py walks them all). Only the worker's own
moves are stored: a splitter never moved keeps the layout's first sizes.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QSettings
from PySide6.QtWidgets import QSplitter, QWidget

log = logging.getLogger(__name__)


def splitters_in(root: QWidget) -> list[QSplitter]:
    """`root` (when it is one) and every splitter under it."""
    found = root.findChildren(QSplitter)
    return [root, *found] if isinstance(root, QSplitter) else list(found)


def settings_key(splitter: QSplitter) -> str:
    return "splitter/" + splitter.objectName().removesuffix("Splitter")


class _Memory(QObject):
    """Stores its splitter's state under `key` whenever the worker moves it.
    A child of the splitter, so it goes when the splitter goes (at a lock)."""

    def __init__(self, splitter: QSplitter, key: str, settings: QSettings) -> None:
        super().__init__(splitter)
        self.splitter, self.key, self.settings = splitter, key, settings
        splitter.splitterMoved.connect(self.moved)

    def moved(self, _pos: int, _index: int) -> None:
        self.settings.setValue(self.key, self.splitter.saveState())


def remember_splitters(root: QWidget, settings: QSettings) -> None:
    """Restore each splitter under `root` and store its state whenever it is moved."""
    for splitter in splitters_in(root):
        if not splitter.objectName():
            log.warning("a splitter without an object name is not remembered")
            continue
        key = settings_key(splitter)
        state = settings.value(key)
        if state is not None:
            splitter.restoreState(state)
        _Memory(splitter, key, settings)
