"""The real window on a real X display (Xvfb, Qt's xcb platform), as
`xvfb-run -a make demo` opens it on a fresh Debian machine; and `make demo`
removing its files however it ends."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import create_vault
from tests.ui.processes import Lines, virtual_display

ROOT = Path(__file__).resolve().parents[2]


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY")}
    return {**env, "CASEWORKER_REPORT_READY": "1", **extra}


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_the_window_opens_on_xcb_shows_the_lock_screen_and_closes_cleanly(vault, stop):
    create_vault(vault)
    vault.lock()
    with virtual_display() as display:
        app = subprocess.Popen(
            [sys.executable, "-m", "ui.main", "--profile", str(vault.profile.path)],
            env=_env(QT_QPA_PLATFORM="xcb", DISPLAY=display),
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        err = Lines(app.stderr)  # type: ignore[arg-type]
        try:
            err.wait_for("ready: lock-screen")  # painted on the X display
            app.send_signal(stop)  # as a logout or Ctrl+C would
            code = app.wait(timeout=30)
        finally:
            if app.poll() is None:
                app.kill()
    assert code == 0, err.rest()
    output = err.rest()
    assert "Traceback" not in output and "Could not load the Qt platform plugin" not in output


# -- make demo cleans up ---------------------------------------------------------


def _demo(tmp_path: Path, **env: str) -> tuple[subprocess.Popen, Lines, Lines, Path]:
    temp = tmp_path / "tmp"
    temp.mkdir()
    demo = subprocess.Popen(
        [sys.executable, "-m", "ui.demo", "--children", "3", "--records-per-child", "2"],
        env=_env(TMPDIR=str(temp), **env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    return demo, Lines(demo.stdout), Lines(demo.stderr), temp  # type: ignore[arg-type]


def _left_behind(temp: Path) -> list[str]:
    return sorted(p.name for p in temp.iterdir())


@pytest.mark.parametrize(("stop", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_demo_stopped_while_starting_removes_its_files(tmp_path, stop, code):
    demo, out, _err, temp = _demo(tmp_path, QT_QPA_PLATFORM="offscreen")
    try:
        out.wait_for("demo:")  # loading the synthetic caseloads
        assert [p for p in _left_behind(temp) if p.startswith("caseworker-demo-")]
        demo.send_signal(stop)
        assert demo.wait(timeout=60) == code
    finally:
        if demo.poll() is None:
            demo.kill()
    assert _left_behind(temp) == []


def test_a_demo_whose_window_cannot_start_removes_its_files_and_says_why(tmp_path):
    # Qt aborts the process when it has no platform to draw on, as the xcb
    # platform did on a fresh machine without its libraries.
    demo, _out, err, temp = _demo(tmp_path, QT_QPA_PLATFORM="no-such-platform")
    try:
        code = demo.wait(timeout=120)
    finally:
        if demo.poll() is None:
            demo.kill()
    output = err.rest()
    assert code == 128 + signal.SIGABRT, output
    assert "the window stopped (signal SIGABRT)" in output and "xvfb-run -a make demo" in output
    assert _left_behind(temp) == []


def test_a_demo_with_its_window_open_stops_on_sigterm_and_removes_its_files(tmp_path):
    with virtual_display() as display:
        demo, out, err, temp = _demo(tmp_path, QT_QPA_PLATFORM="xcb", DISPLAY=display)
        try:
            out.wait_for("passphrase:")
            err.wait_for("ready: lock-screen")  # the window, in a process of its own
            demo.send_signal(signal.SIGTERM)
            code = demo.wait(timeout=60)
        finally:
            if demo.poll() is None:
                demo.kill()
    assert code == 0, err.rest()  # the window closed itself, cleanly
    assert "Traceback" not in err.rest()
    assert _left_behind(temp) == []
