"""The window fits the laptop's screen, remembers its size, and nothing in it
grows it by itself (issue 15, item 1)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtCore import QRect, QSize
from PySide6.QtWidgets import QApplication, QWidget

from desktop.device import Lease
from desktop.device_status import DeviceStatus
from ui.main_window import MainWindow, fitted_geometry
from ui.status_bar import Connection


def _window(qtbot, tasks, vault) -> MainWindow:
    window = MainWindow(tasks, vault, auto_sync=False)
    qtbot.addWidget(window)
    window.show_locked()
    window.show()
    qtbot.waitExposed(window)
    return window


def _screen() -> QRect:
    screen = QApplication.primaryScreen()
    assert screen is not None
    return screen.availableGeometry()


@pytest.mark.parametrize(
    "screen", [QRect(0, 0, 1366, 768), QRect(0, 0, 1280, 720), QRect(0, 0, 1920, 1080)]
)
def test_a_first_window_fits_the_screen_it_opens_on(screen):
    frame = QSize(8, 32)  # a window manager's borders (left + right) and title bar (top + bottom)
    placed = fitted_geometry(None, screen, frame)
    outer = placed.adjusted(-4, -28, 4, 4)
    assert screen.contains(outer), (placed, screen)
    assert placed.width() >= screen.width() * 0.8  # and uses most of it
    saved = QRect(-200, 50, 2400, 1300)  # remembered on a bigger monitor
    moved = fitted_geometry(saved, screen, frame)
    assert screen.contains(moved.adjusted(-4, -28, 4, 4)), moved


def test_the_window_opens_within_the_screen(qtbot, tasks, vault):
    window = _window(qtbot, tasks, vault)
    assert _screen().contains(window.frameGeometry()), (window.frameGeometry(), _screen())


def test_the_window_remembers_its_size(qtbot, tasks, vault):
    window = _window(qtbot, tasks, vault)
    window.resize(640, 480)
    qtbot.waitUntil(lambda: window.size() == QSize(640, 480))
    window.close()
    again = _window(qtbot, tasks, vault)
    assert again.size() == QSize(640, 480)


def test_the_status_bar_never_widens_the_window(qtbot, tasks, vault):
    window = _window(qtbot, tasks, vault)
    window.resize(1000, 500)
    qtbot.waitUntil(lambda: window.width() == 1000)
    status = window.status
    status.set_connection(Connection.unreachable)
    lease = Lease(
        last_sync=datetime(2026, 11, 30, 16, 45, tzinfo=UTC), max_days=14, now=datetime.now(UTC)
    )
    status.set_status(
        DeviceStatus("sw.one", None, waiting=12345, refused=3, conflicts=2, lease=lease)
    )
    status.show_progress(4000, 12000)
    QApplication.processEvents()
    assert window.width() == 1000
    assert window.minimumSizeHint().width() <= 1000
    # Shortened text keeps the whole of it on hover.
    assert status.connection.toolTip() == Connection.unreachable.value


@pytest.fixture
def styled(qapp):
    """The app's own style sheet (its padding widens buttons and fields)."""
    from ui.app import style_sheet

    qapp.setStyleSheet(style_sheet())
    yield
    qapp.setStyleSheet("")


def test_every_screen_of_the_workspace_fits_a_1366_wide_laptop(qtbot, ctx, child_id, styled):
    from tests.helpers import db, settle
    from ui.child_tabs.visits import RecordRole, VisitsTab
    from ui.workspace import Workspace

    visit = {"visit_type": "cin", "start": "2026-05-01T10:00:00+00:00", "observations": "x"}
    db(ctx, lambda r: r.create("visit", visit, child_id=child_id))
    db(ctx, lambda r: r.create("plan", {"plan_type": "cin", "risks": "y"}, child_id=child_id))
    workspace = Workspace(ctx)
    qtbot.addWidget(workspace)
    workspace.resize(1358, 700)
    workspace.show()
    widths: dict[str, int] = {}

    def measure(state: str) -> None:
        settle(qtbot, ctx.tasks)  # what the state reads has been shown
        QApplication.processEvents()
        widths[state] = workspace.minimumSizeHint().width()

    measure("unlocked, no child open")
    with qtbot.waitSignal(workspace.conflicts.sig_loaded, timeout=5000):
        workspace.show_conflicts()
    measure("conflicts")
    workspace.new_visit_for(child_id)
    measure("a new visit")
    tab = workspace.child_view.tab(VisitsTab)
    assert isinstance(tab, VisitsTab)
    first = tab.list.model().index(0, 0)
    tab.editor.open_visit(*first.data(RecordRole), None, None)
    measure("a visit opened")
    # A window manager's frame takes a few pixels of the laptop's 1366.
    assert max(widths.values()) <= 1366 - 8, widths


def test_content_wider_than_the_window_scrolls_instead_of_growing_it(qtbot, tasks, vault):
    window = _window(qtbot, tasks, vault)
    window.resize(900, 600)
    qtbot.waitUntil(lambda: window.width() == 900)
    wide = QWidget()
    wide.setMinimumWidth(2000)
    window.stack.addWidget(wide)
    window.stack.setCurrentWidget(wide)
    QApplication.processEvents()
    assert window.width() == 900 and window.minimumSizeHint().width() < 900
