"""Work off the UI thread: one database worker, one network worker, one for documents.

The encrypted store wants one writer, so every read and write of the
worker's session goes through `Tasks.db` — a single thread that owns the
connection. Sync runs on `Tasks.net` with a connection of its own, so a slow
network never holds up an autosave. Results come back to the UI thread as
queued calls; a failure never vanishes into a thread.

    tasks.db(repo.children).success(model.set_rows).failure(show_error).run()
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QEventLoop, QObject, Signal, Slot

log = logging.getLogger(__name__)
R = TypeVar("R")


class _Dispatcher(QObject):
    """Lives on the UI thread; a signal emitted from a worker thread is
    delivered here as a queued call."""

    sig_call = Signal(object)  # a zero-argument callable to run on the UI thread

    def __init__(self) -> None:
        super().__init__()
        self.sig_call.connect(self._run)

    @Slot(object)
    def _run(self, fn: Callable[[], None]) -> None:
        fn()


def _give_thread_an_event_dispatcher() -> None:
    """A QEventLoop made on a thread gives it an event dispatcher, which stays
    when the loop goes: Qt objects made there (a QTextDocument's layout
    timers) then have one, instead of warning that they have none."""
    QEventLoop()


class Op(Generic[R]):
    """One background call with its success and failure callbacks.

    Callbacks run on the UI thread. Without a failure callback the error goes
    to the tasks' default handler (the app shows it kindly or as a crash).

    Everything the call holds (its function, callbacks, `alive`, and an
    error whose traceback keeps the failing frames) is let go on the UI
    thread: they close over widgets, and PySide deletes a parentless widget
    wherever its last reference dies — on a worker thread, a segfault.
    """

    def __init__(
        self,
        tasks: Tasks,
        pool: ThreadPoolExecutor,
        fn: Callable[[], R],
        alive: Callable[[], bool] = lambda: True,
    ) -> None:
        self._tasks = tasks
        self._pool = pool
        self._fn: Callable[[], R] | None = fn
        # False once the session the call belongs to has locked: the call is
        # then skipped and its callbacks dropped (their widgets are gone).
        self._alive: Callable[[], bool] | None = alive
        self._success: Callable[[R], None] | None = None
        self._failure: Callable[[BaseException], None] | None = None
        self._outcome: _Outcome[R] | None = None

    def success(self, fn: Callable[[R], None]) -> Op[R]:
        self._success = fn
        return self

    def failure(self, fn: Callable[[BaseException], None]) -> Op[R]:
        self._failure = fn
        return self

    def run(self) -> Future[R | None]:
        if self._tasks.closed:
            # Only after quitting: the windows stored their typing with
            # `db_now` before the workers stopped, so a timer that fires
            # now (a widget not yet destroyed) has nothing left to do.
            log.warning("a background call after shutdown was skipped")
            skipped: Future[R | None] = Future()
            skipped.set_result(None)
            return skipped
        return self._pool.submit(self._call)

    def _call(self) -> R | None:
        # Runs on the worker. What the call came to is kept on the Op, and
        # only the UI thread (in `_finish`) lets go of it: the worker's last
        # reference then reaches nothing but an emptied Op.
        outcome = self._outcome_of_call()
        value, self._outcome = outcome.value, outcome
        del outcome
        self._tasks.call_soon(self._finish)
        return value

    def _outcome_of_call(self) -> _Outcome[R]:
        # No `outcome` local here: a traceback keeps this frame, and a frame
        # holding its own error is a cycle only the garbage collector (on
        # any thread) would free.
        if self._alive is None or not self._alive() or self._fn is None:
            return _Outcome()
        try:
            return _Outcome(ran=True, value=self._fn())
        except BaseException as exc:
            return _Outcome(error=exc)

    def _finish(self) -> None:
        outcome = self._outcome
        try:
            if outcome is None or self._alive is None or not self._alive():
                return
            if outcome.error is not None:
                (self._failure or self._tasks.on_error)(outcome.error)
            elif outcome.ran and self._success is not None:
                self._success(outcome.value)  # type: ignore[arg-type]
        finally:
            self._fn = self._alive = self._success = self._failure = None
            self._outcome = None


@dataclass
class _Outcome(Generic[R]):
    """What a background call came to, handed to the UI thread."""

    ran: bool = False
    value: R | None = None
    error: BaseException | None = None


class Tasks:
    """The app's workers. Create one on the UI thread; `shutdown` at exit."""

    def __init__(self, on_error: Callable[[BaseException], None]) -> None:
        self.on_error = on_error
        self._dispatcher = _Dispatcher()
        self._db = ThreadPoolExecutor(max_workers=1, thread_name_prefix="caseworker-db")
        self._net = ThreadPoolExecutor(max_workers=1, thread_name_prefix="caseworker-net")
        # PDFs are laid out and painted here, so a long chronology holds up
        # neither an autosave nor a sync (see ui.pdf_pages).
        self._documents = ThreadPoolExecutor(
            max_workers=1,
            thread_name_prefix="caseworker-pdf",
            initializer=_give_thread_an_event_dispatcher,
        )
        # Waiting for the worker's browser (a provider sign-in, up to five
        # minutes): kept apart, so it holds up neither sync nor a save.
        self._sign_in = ThreadPoolExecutor(max_workers=1, thread_name_prefix="caseworker-sign-in")
        self._db_thread: threading.Thread | None = None
        self.closed = False
        self._db.submit(self._remember_db_thread).result()

    def _remember_db_thread(self) -> None:
        self._db_thread = threading.current_thread()

    def on_db_thread(self) -> bool:
        return threading.current_thread() is self._db_thread

    def db(self, fn: Callable[[], R], alive: Callable[[], bool] = lambda: True) -> Op[R]:
        """Queue work that touches the session's store (reads, autosaves, unlock)."""
        return Op(self, self._db, fn, alive)

    def net(self, fn: Callable[[], R]) -> Op[R]:
        """Queue network work (sync) that uses its own store connection."""
        return Op(self, self._net, fn)

    def sign_in(self, fn: Callable[[], R]) -> Op[R]:
        """Queue a wait on the worker's browser (desktop.provider_sign_in.sign_in);
        pass it `cancelled=lambda: tasks.closed` so quitting ends the wait."""
        return Op(self, self._sign_in, fn)

    def documents(self, fn: Callable[[], R], alive: Callable[[], bool] = lambda: True) -> Op[R]:
        """Queue work that makes a document from data already read (no store)."""
        return Op(self, self._documents, fn, alive)

    def db_now(self, fn: Callable[[], R], timeout: float = 30.0) -> R:
        """Run on the database thread and wait: only for lock and quit, where
        the UI must not go on until the typing is safely stored."""
        if self.on_db_thread():
            return fn()
        # The worker holds only the box: `fn` dies here, on the caller's thread.
        # (On a timeout the box is kept: the call still runs, later.)
        box = [fn]
        done = self._db.submit(lambda: box[0]())
        error = done.exception(timeout=timeout)  # raises TimeoutError
        box.clear()
        if error is not None:
            raise error
        return done.result()

    def call_soon(self, fn: Callable[[], None]) -> None:
        """Run `fn` on the UI thread (from any thread)."""
        self._dispatcher.sig_call.emit(fn)

    def shutdown(self) -> None:
        self.closed = True
        self._sign_in.shutdown(wait=True, cancel_futures=True)
        self._net.shutdown(wait=True, cancel_futures=True)
        self._documents.shutdown(wait=True, cancel_futures=True)
        self._db.shutdown(wait=True, cancel_futures=False)


#: `SyncRunner.online` as the screens are handed it (`AppContext.online`):
#: run a function of the sync engine on the network worker.
Online = Callable[[Callable[[Any], Any]], Op[Any]]
