"""ui.tasks: a late call after shutdown is skipped instead of raising into
Qt's loop, and whatever a call closes over is let go on the UI thread."""

from __future__ import annotations

import threading
import weakref

from PySide6.QtCore import QObject

from ui.tasks import Tasks


def test_a_call_after_shutdown_is_skipped_and_says_so(qtbot, caplog):
    errors: list[type] = []  # not the error itself: it would keep the frames
    tasks = Tasks(on_error=errors.append)
    ran: list[int] = []
    assert tasks.db(lambda: ran.append(1)).run().result(timeout=5) is None
    assert ran == [1]
    tasks.shutdown()
    future = tasks.db(lambda: ran.append(2)).run()
    assert future.done() and future.result() is None
    assert ran == [1] and not errors
    assert "after shutdown was skipped" in caplog.text


class _Widgetish(QObject):
    """A parentless Qt object, like a dialog a callback closes over."""


def _widget_freed_on(threads: list[str]) -> QObject:
    widget = _Widgetish()
    weakref.finalize(widget, lambda: threads.append(threading.current_thread().name))
    return widget


def _ui_thread() -> list[str]:
    return [threading.current_thread().name]


def test_a_skipped_call_lets_go_of_its_widgets_on_the_ui_thread(qtbot, tasks):
    # The session locked before the call ran: nothing runs, and the widget
    # its callback closed over must still die on the UI thread (on the
    # database thread PySide would delete it there: a segfault).
    threads: list[str] = []
    ran: list[int] = []

    def start() -> None:
        widget = _widget_freed_on(threads)
        op = tasks.db(lambda: ran.append(1), alive=lambda: False)
        op.success(lambda _: widget.objectName()).run()

    start()
    qtbot.waitUntil(lambda: bool(threads), timeout=5000)
    assert threads == _ui_thread() and not ran


def test_a_finished_call_lets_go_of_its_widgets_on_the_ui_thread(qtbot, tasks):
    threads: list[str] = []
    seen: list[int] = []

    def start() -> None:
        widget = _widget_freed_on(threads)
        tasks.db(lambda: 7).success(lambda v: seen.append(v) or widget.objectName()).run()

    start()
    qtbot.waitUntil(lambda: bool(threads), timeout=5000)
    assert seen == [7] and threads == _ui_thread()


def test_a_failed_call_lets_go_of_the_widgets_in_its_traceback_on_the_ui_thread(qtbot, tasks):
    threads: list[str] = []
    errors: list[type] = []  # not the error itself: it would keep the frames

    def start() -> None:
        widget = _widget_freed_on(threads)

        def work() -> None:
            held = widget  # a local of the failing frame, kept by the traceback
            raise ValueError(held.objectName() or "no name")

        tasks.db(work).failure(lambda e: errors.append(type(e))).run()

    start()
    qtbot.waitUntil(lambda: bool(errors) and bool(threads), timeout=5000)
    assert errors == [ValueError] and threads == _ui_thread()
