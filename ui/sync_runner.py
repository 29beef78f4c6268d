"""The sync engine in the app: on the network worker, with its own connection.

The engine knows nothing of Qt; `SignalProgress` adapts its progress/cancel
handle to queued signals. Sync opens a second connection to the encrypted
store, so an autosave on the database thread never waits for the network
(SQLite lets one writer in at a time; page writes are short).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QObject, Signal

from desktop.errors import VaultLocked
from desktop.store import Store
from desktop.syncing import SyncEngine, SyncReport, engine_for
from desktop.vault import Vault
from ui.tasks import Op, Tasks

log = logging.getLogger(__name__)
R = TypeVar("R")
PROGRESS_EVERY_S = 0.1  # at most ten repaints a second, however fast pages arrive


class SignalProgress:
    """The engine's Progress handle; `report` runs on the network thread."""

    def __init__(self, runner: SyncRunner) -> None:
        self._runner = runner
        self._cancel = threading.Event()
        self._last = 0.0

    def report(self, phase: str, done: int, total: int | None, received_bytes: int) -> None:
        now = time.monotonic()
        if phase == "done" or now - self._last >= PROGRESS_EVERY_S:
            self._last = now
            self._runner.sig_progress.emit(phase, done, -1 if total is None else total,
                                           received_bytes)  # fmt: skip

    def trouble(self, exc: BaseException) -> None:
        """An attempt failed and is being retried (NoNetwork, ServerUnreachable)."""
        self._runner.sig_trouble.emit(exc)

    def cancel(self) -> None:
        self._cancel.set()

    def cancelled(self) -> bool:
        return self._cancel.is_set()


class SyncRunner(QObject):
    """Runs one sync at a time for an unlocked vault."""

    #: a sync began
    sig_started = Signal()
    #: phase ("push", "pull", "done"), records done, total (-1 unknown), bytes received
    sig_progress = Signal(str, int, int, int)
    #: the sync ended (SyncReport; `cancelled` set when stopped early)
    sig_finished = Signal(object)
    #: the sync failed (the exception: SyncError subclasses are expected)
    sig_failed = Signal(object)
    #: an attempt of the running sync failed and is being retried (the
    #: exception it would raise); the sync goes on and may still succeed
    sig_trouble = Signal(object)

    def __init__(self, tasks: Tasks, vault: Vault, key: bytes) -> None:
        super().__init__()
        self._tasks = tasks
        self._vault = vault
        self._key: bytearray | None = bytearray(key)
        self._store: Store | None = None
        self._progress: SignalProgress | None = None
        self._idle = threading.Event()
        self._idle.set()

    @property
    def running(self) -> bool:
        return not self._idle.is_set()

    def start(self, *, page_size: int | None = None) -> bool:
        """Start a sync unless one is running or the runner is closed."""
        if self.running or self._key is None:
            return False
        self._idle.clear()
        self._progress = progress = SignalProgress(self)
        self.sig_started.emit()
        self._tasks.net(lambda: self._run(progress, page_size)).success(
            self.sig_finished.emit
        ).failure(self.sig_failed.emit).run()
        return True

    def online(self, fn: Callable[[SyncEngine], R]) -> Op[R]:
        """Run `fn` with the engine on the network worker, after any sync
        under way (one worker: never two at once): the online-only asks,
        finding a child off the caseload, reading an audit trail. Queue it
        with `.success(...).failure(...).run()`."""

        def call() -> R:
            if self._key is None:
                raise VaultLocked()
            return fn(self._engine())

        return self._tasks.net(call)

    def _engine(self) -> SyncEngine:
        if self._store is None:
            assert self._key is not None
            self._store = Store(self._vault.profile.db_path, bytes(self._key), migrate=False)
        return engine_for(self._vault, store=self._store, on_revoked=self._close_store)

    def _run(self, progress: SignalProgress, page_size: int | None) -> SyncReport:
        try:
            engine = self._engine()
            if page_size:
                engine.page_size = page_size
            # The first failed attempt is told at once, while retries go on.
            engine.transport.on_trouble = progress.trouble
            return engine.sync(progress)
        finally:
            self._idle.set()

    def _close_store(self) -> None:
        # Revoked: the UI wipes the vault on its database thread when it
        # sees DeviceRevoked; this connection must not outlive the files.
        if self._store is not None:
            self._store.close()
            self._store = None

    def cancel(self) -> None:
        if self._progress is not None:
            self._progress.cancel()

    def close(self, timeout: float = 30.0) -> None:
        """Stop (cancel between pages), wait, close the connection, forget the key."""
        self.cancel()
        if not self._idle.wait(timeout):
            log.warning("sync did not stop within %s s", timeout)
        self._tasks.net(self._close_store).run().result(timeout=timeout)
        if self._key is not None:
            for i in range(len(self._key)):
                self._key[i] = 0
            self._key = None
