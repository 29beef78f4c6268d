"""ui.tasks after shutdown: a late timer (a widget not yet destroyed when
the app's workers stopped) is skipped instead of raising into Qt's loop."""

from __future__ import annotations

from ui.tasks import Tasks


def test_a_call_after_shutdown_is_skipped_and_says_so(qtbot, caplog):
    errors: list[BaseException] = []
    tasks = Tasks(on_error=errors.append)
    ran: list[int] = []
    assert tasks.db(lambda: ran.append(1)).run().result(timeout=5) is None
    assert ran == [1]
    tasks.shutdown()
    future = tasks.db(lambda: ran.append(2)).run()
    assert future.done() and future.result() is None
    assert ran == [1] and not errors
    assert "after shutdown was skipped" in caplog.text
