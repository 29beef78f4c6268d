"""Text fits (issue 15, item 5): at 1366×768 every screen's labels,
buttons, choices, tabs, cells and headers fit their width or are cut with
"…" and show their whole text on hover, and no form needs a horizontal
scrollbar (the missing-episode form did)."""

from __future__ import annotations

from PySide6.QtWidgets import QScrollArea

from tests.helpers import settle
from tests.ui.fits import clipped
from tests.ui.screens import unlock
from tests.ui.walk import walk
from ui.child_tabs.missing import MissingTab
from ui.fitting import SideBySide

# The caseload's columns, headers and tooltips are being reworked on their
# own (issue 15, item 2: the caseload branch); they are checked there.
ELSEWHERE = ("'Children on your caseload'",)


def _clipped(root, screen: str) -> list[str]:
    return [p for p in clipped(root, screen) if not any(name in p for name in ELSEWHERE)]


def test_every_screen_fits_the_usual_laptop(qtbot, synthetic_window, synthetic_laptop):
    found = walk(qtbot, synthetic_window, synthetic_laptop, _clipped)
    assert found == [], "\n".join(dict.fromkeys(found))


def test_the_missing_form_stands_side_by_side_only_when_both_halves_fit(
    qtbot, synthetic_window, synthetic_laptop
):
    window = synthetic_window
    unlock(qtbot, window)
    window.workspace.open_child(synthetic_laptop[0])
    tab = window.workspace.child_view.show_tab(MissingTab)
    settle(qtbot, window.tasks)
    (halves,) = tab.findChildren(SideBySide)
    scroll = next(w for w in tab.findChildren(QScrollArea) if w.widget().isAncestorOf(halves))
    assert not halves.beside(), "stacked at 1366 wide"
    assert not scroll.horizontalScrollBar().isVisible()
    window.resize(1920, 1080)
    qtbot.waitUntil(halves.beside, timeout=5000)
    assert not scroll.horizontalScrollBar().isVisible()
