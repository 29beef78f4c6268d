"""Starting the window: Qt, the style sheet, then the first-run wizard or the lock screen."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import time
from importlib import resources
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from desktop.profile import Profile
from desktop.vault import Vault
from ui.context import Session
from ui.errors import install_excepthook, show_error
from ui.main_window import MainWindow
from ui.sync_runner import SyncRunner
from ui.tasks import Tasks
from ui.wizard import FirstRunWizard

log = logging.getLogger(__name__)
_IMPORTED = time.perf_counter()


def style_sheet() -> str:
    return resources.files("resources").joinpath("styles/caseworker.qss").read_text("utf-8")


def make_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Caseworker")
    app.setOrganizationName("Caseworker")
    app.setStyleSheet(style_sheet())
    return app


def open_window(tasks: Tasks, vault: Vault, **window_options) -> MainWindow:
    """The main window on the lock screen, or on the wizard for a new laptop."""
    window = MainWindow(tasks, vault, **window_options)
    if vault.exists:
        window.show_locked()
        window.show()
        return window

    def runner() -> SyncRunner:
        key = tasks.db_now(vault.data_key)
        window.scheduler.runner = SyncRunner(tasks, vault, key)
        return window.scheduler.runner

    wizard = FirstRunWizard(tasks, vault, runner, window)
    window.wizard = wizard

    def finished(result: int) -> None:
        if not vault.is_unlocked:  # closed before enrolling: nothing to open
            window.close()
            return
        session = tasks.db_now(lambda: Session(vault, clock=window.clock))
        window.enter(session, tasks.db_now(vault.data_key))
        window.show()

    wizard.finished.connect(finished)
    wizard.show()
    return window


def run_window(vault: Vault) -> int:
    """Show the window for `vault` until it closes; the exit status."""
    app = make_application()
    window_ref: list[MainWindow] = []
    tasks = Tasks(on_error=lambda exc: show_error(window_ref[0] if window_ref else None, exc))
    install_excepthook(lambda: window_ref[0] if window_ref else None)
    window = open_window(tasks, vault)
    window_ref.append(window)
    # Ctrl+C in a terminal, SIGTERM (a logout, `make demo` stopping) and
    # SIGHUP close the window — saving typing and locking — instead of killing
    # Python inside Qt's event loop; the timer lets Python see them.
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, lambda *_: _close(app, window))
    tick = QTimer(interval=250)
    tick.timeout.connect(lambda: None)
    tick.start()
    if os.environ.get("CASEWORKER_REPORT_READY"):
        first = window.lock_screen or getattr(window, "wizard", None)
        if first is not None:
            _ReportReady(first, "lock-screen" if first is window.lock_screen else "wizard")
    try:
        return app.exec()
    finally:
        tasks.shutdown()


def _close(app: QApplication, window: MainWindow) -> None:
    window.close()  # saves and locks; then every event loop ends, a dialog's too
    app.quit()


def _ms_since_process_start() -> float:
    """Linux: from the kernel's start time of this process; elsewhere from
    this module's import (a little later than process start)."""
    try:
        fields = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
        started = int(fields[19]) / os.sysconf("SC_CLK_TCK")  # field 22, 10 ms steps
        return (time.clock_gettime(time.CLOCK_BOOTTIME) - started) * 1000
    except (OSError, ValueError, IndexError, AttributeError):
        return (time.perf_counter() - _IMPORTED) * 1000


class _ReportReady(QObject):
    """CASEWORKER_REPORT_READY=1 (bench/bench_app.py's start_to_unlock_ms):
    once `widget` has first been painted, one line on stderr,
    `ready: <what> <ms since process start>`."""

    def __init__(self, widget: QWidget, what: str) -> None:
        super().__init__(widget)
        self.what = what
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._report)  # after this paint has finished
        return False

    def _report(self) -> None:
        ms = _ms_since_process_start()
        print(f"ready: {self.what} {ms:.0f}", file=sys.stderr, flush=True)


def run_app(args: argparse.Namespace) -> int:
    """The `caseworker` command with no verb."""
    profile = Profile.resolve(args.profile)
    return run_window(Vault(profile, insecure_demo_keyring=args.insecure_demo_keyring))
