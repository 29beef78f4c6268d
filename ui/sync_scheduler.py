"""When the app syncs, and what the last attempt said about the connection.

The window hands the scheduler a `SyncRunner` when it unlocks and closes
it when it locks. In between the scheduler syncs every ten minutes, half a
minute after the last local edit, and whenever the worker asks; it keeps
the connection state the status bar shows. The runner does the work off
the UI thread; the window only wires the scheduler's signals to screens.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from desktop.syncing import SyncReport
from sync.errors import DeviceRevoked, NoNetwork, ServerUnreachable, SyncError
from ui.status_bar import Connection
from ui.sync_runner import SyncRunner

SYNC_EVERY_MS = 10 * 60 * 1000  # while online, a sync every ten minutes…
SYNC_AFTER_EDIT_MS = 30 * 1000  # …and half a minute after the last local change


def connection_after(exc: BaseException) -> Connection | None:
    """What a failed sync says about the connection; None when it says nothing
    (a fault on this laptop, not on the way to the central record)."""
    if isinstance(exc, NoNetwork):
        return Connection.offline
    if isinstance(exc, ServerUnreachable):
        return Connection.unreachable
    if isinstance(exc, SyncError):
        return Connection.online  # the central record answered, and refused
    return None


class SyncScheduler(QObject):
    #: a sync began
    sig_started = Signal()
    #: records done, total (-1 unknown) of the running sync
    sig_progress = Signal(int, int)
    #: a sync ended (SyncReport); the connection is online
    sig_finished = Signal(object)
    #: a sync failed (the exception), after the connection state was updated
    sig_failed = Signal(object)
    #: the connection state changed (Connection)
    sig_connection = Signal(object)

    def __init__(self, parent: QObject | None = None, *, auto_sync: bool = True) -> None:
        super().__init__(parent)
        self.auto_sync = auto_sync
        self.runner: SyncRunner | None = None
        self.connection = Connection.unknown
        self.sync_timer = QTimer(self, interval=SYNC_EVERY_MS)
        self.sync_timer.timeout.connect(self.sync_now)
        self.edit_timer = QTimer(self, singleShot=True, interval=SYNC_AFTER_EDIT_MS)
        self.edit_timer.timeout.connect(self.sync_now)

    def attach(self, runner: SyncRunner) -> None:
        """Sync through `runner` from now on (an unlocked session); with
        auto_sync, at once and then on the timers."""
        self.runner = runner
        runner.sig_progress.connect(self._progress)
        runner.sig_finished.connect(self._finished)
        runner.sig_failed.connect(self._failed)
        runner.sig_trouble.connect(self._trouble)
        if self.auto_sync:
            self.sync_timer.start()
            self.sync_now()

    def sync_now(self) -> bool:
        """Start a sync; False when none can start (locked, or one running)."""
        if self.runner is None or not self.runner.start():
            return False
        self.sig_started.emit()
        return True

    def local_edit(self) -> None:
        """Something was saved locally: sync once the typing pauses."""
        if self.auto_sync and self.runner is not None:
            self.edit_timer.start()

    def cancel(self) -> None:
        if self.runner is not None:
            self.runner.cancel()

    def pause(self) -> None:
        """No sync starts on a timer until the next `attach`."""
        self.sync_timer.stop()
        self.edit_timer.stop()

    def close(self) -> None:
        """Lock: stop the timers, stop and close the runner (its key goes too)."""
        self.pause()
        if self.runner is not None:
            self.runner.close()
            self.runner = None

    def forget(self) -> None:
        """Revoked: the runner's connection is already closed; drop it unused."""
        self.pause()
        self.runner = None

    def _set_connection(self, state: Connection) -> None:
        self.connection = state
        self.sig_connection.emit(state)

    def _progress(self, _phase: str, done: int, total: int, _bytes: int) -> None:
        self.sig_progress.emit(done, total)

    def _finished(self, report: SyncReport) -> None:
        self._set_connection(Connection.online)
        self.sig_finished.emit(report)

    def _trouble(self, exc: BaseException) -> None:
        # Said at the first failed attempt, not after ~30 s of retries; a
        # later success sets it back to online.
        state = connection_after(exc)
        if state is not None and state is not self.connection:
            self._set_connection(state)

    def _failed(self, exc: BaseException) -> None:
        # Revoked: the window wipes the laptop; the connection is beside the point.
        state = None if isinstance(exc, DeviceRevoked) else connection_after(exc)
        if state is not None:
            self._set_connection(state)
        self.sig_failed.emit(exc)
