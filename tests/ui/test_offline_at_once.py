"""Offline is shown at once: the first failed attempt of a sync marks the
connection unreachable while the transport's retries go on, against a real
loopback port that refuses and a real proxy that drops every connection;
and the first status after start says when the last sync was."""

from __future__ import annotations

import contextlib
import socket
import time
from urllib.parse import urlsplit

import pytest

from desktop.repository import CaseRepository
from desktop.syncing import engine_for
from tests.helpers import CHILD, enrol
from tests.loopback import LoopbackProxy
from tests.sync.faultproxy import FaultProxy
from tests.ui.screens import unlock
from ui.app import open_window
from ui.status_bar import Connection

# Refused connections are retried for ~4 s and dropped ones for longer;
# the status bar must say so well before the sync gives up.
FIRST_WORD_S = 2.5


class DroppingProxy(LoopbackProxy):
    """Takes each request and hangs up without an answer."""

    def serve(self, client: socket.socket, *args: object) -> None:
        with client:
            client.settimeout(5)
            with contextlib.suppress(OSError):
                client.recv(65536)


def _refused_url() -> str:
    # A port that was free a moment ago and that nothing listens on.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture
def synced_once(vault, service, ui_worker):
    """An enrolled laptop that has synced once, locked."""
    enrol(vault, service.url, ui_worker)
    CaseRepository(vault.store, ui_worker).create("child", dict(CHILD))
    engine_for(vault).sync()
    vault.lock()
    return vault


@pytest.fixture
def window(qtbot, tasks, synced_once):
    w = open_window(tasks, synced_once, auto_sync=False)
    qtbot.addWidget(w)
    unlock(qtbot, w)
    yield w
    w.close()


def _first_unreachable(qtbot, window) -> tuple[float, bool, str]:
    """Start a sync; (seconds until the bar said unreachable, whether the
    sync was still running then, what the bar said), after the sync failed."""
    seen: list[tuple[float, bool, str]] = []
    started = time.monotonic()

    def connection(state: Connection) -> None:
        if state is Connection.unreachable and not seen:
            running = window.scheduler.runner is not None and window.scheduler.runner.running
            seen.append((time.monotonic() - started, running, window.status.connection.text()))

    window.scheduler.sig_connection.connect(connection)
    with qtbot.waitSignal(window.scheduler.sig_failed, timeout=120_000):
        window.sync_now()
    assert seen, "the connection never showed as unreachable"
    return seen[0]


@pytest.mark.parametrize("fault", ["refused", "dropped"])
def test_the_first_failed_attempt_shows_the_central_record_unreachable(
    qtbot, window, synced_once, fault
):
    proxy = DroppingProxy(0) if fault == "dropped" else None
    url = proxy.url if proxy else _refused_url()
    synced_once.profile.update_settings(server_url=url)
    try:
        seconds, running, text = _first_unreachable(qtbot, window)
    finally:
        if proxy:
            proxy.close()
    assert running, "the connection was only reported once the retries had given up"
    assert seconds < FIRST_WORD_S, f"unreachable shown after {seconds:.1f} s"
    assert text == Connection.unreachable.value
    assert window.status.connection.isVisible()


class FirstAnswerFailsProxy(FaultProxy):
    """The central record's first answer is a 502; the rest pass through."""

    def accepted(self) -> tuple[str]:
        first = not getattr(self, "_answered", False)
        self._answered = True
        return ("bad_gw",) if first else ("ok",)


def test_a_sync_whose_retry_succeeds_ends_online(qtbot, window, synced_once, service):
    proxy = FirstAnswerFailsProxy(urlsplit(service.url).port, seed=0, faults=("ok", "bad_gw"))
    synced_once.profile.update_settings(server_url=proxy.url)
    states: list[Connection] = []
    window.scheduler.sig_connection.connect(states.append)
    try:
        with qtbot.waitSignal(window.sig_synced, timeout=60000):
            window.sync_now()
    finally:
        proxy.close()
    assert states == [Connection.unreachable, Connection.online]
    assert window.status.connection.text() == Connection.online.value


def test_the_first_status_after_start_says_when_the_last_sync_was(qtbot, window):
    # No sync has run in this session (auto_sync is off).
    bar = window.status
    qtbot.waitUntil(lambda: bar.last_sync.text().startswith("Last sync"), timeout=5000)
    shown = [w.text() for w in (bar.connection, bar.last_sync) if w.isVisible()]
    assert shown and shown[0].startswith("Last sync"), shown
    assert not any("Not synced yet" in t for t in shown)
