"""A stack of pages (a QStackedWidget, or a QTabWidget's pages) as wide and
tall as the page on show, not its largest page.

Qt sizes a stack by every page, shown or not, so one wide form on a tab the
worker has not opened would widen the whole window past a laptop's screen
(issue 15). A page not on show is given an Ignored size policy, which the
stack's layout leaves out of its minimum; the shown page gets its own back.
"""

from __future__ import annotations

from PySide6.QtWidgets import QSizePolicy, QStackedWidget, QTabWidget, QWidget


def size_to_current_page(stack: QStackedWidget | QTabWidget) -> None:
    """From now on, only the page on show counts towards `stack`'s size."""
    policies: dict[int, QSizePolicy] = {}  # by page identity: each page's own policy

    def page(index: int) -> QWidget | None:
        return stack.widget(index)

    def follow(current: int) -> None:
        for index in range(stack.count()):
            widget = page(index)
            if widget is None:
                continue
            own = policies.setdefault(id(widget), widget.sizePolicy())
            if index == current:
                widget.setSizePolicy(own)
            else:
                widget.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
            widget.updateGeometry()
        stack.updateGeometry()

    stack.currentChanged.connect(follow)
    follow(stack.currentIndex())
