"""The app as a council would install it (issue 19, item 6): the PyInstaller
folder in dist/, started as a process of its own with nothing from the source
tree — it enrols with a running central record and syncs a child, keeps the
key in the Secret Service keyring, and its window opens offscreen at the lock
screen."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sync.server import admin
from sync.server.testing import service_process
from tests.helpers import PASSWORD, child_data

APP = Path(os.environ.get("CASEWORKER_FROZEN_APP", "dist/caseworker/caseworker")).resolve()
PASSPHRASE = "a long frozen passphrase"


def frozen_env(profile: Path) -> dict[str, str]:
    # Nothing of this checkout may leak in: no PYTHONPATH, and a working
    # directory outside it.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    return env | {"CASEWORKER_HOME": str(profile), "QT_QPA_PLATFORM": "offscreen"}


def run_frozen(profile: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(APP), "--secrets-stdin", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=frozen_env(profile),
        cwd=profile.parent,
        timeout=180,
    )


@pytest.fixture
def central(tmp_path):
    with service_process(f"sqlite:///{tmp_path / 'central.db'}", tmp_path=tmp_path / "svc") as svc:
        admin.add_worker(svc.engine, "frozen.worker", PASSWORD)
        child_id = admin.add_child(
            svc.engine, child_data("Wrenna"), assign_to="frozen.worker", by="central team"
        )
        yield svc, child_id


def test_the_frozen_app_is_the_built_one_and_runs_without_the_source_tree():
    assert APP.is_file() and os.access(APP, os.X_OK), f"no frozen app at {APP}: make package"
    assert (APP.parent / "_internal").is_dir()  # one-folder mode, not one-file
    result = subprocess.run([str(APP), "--help"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and "enrol" in result.stdout


def test_the_frozen_app_enrols_syncs_and_opens_at_the_lock_screen(central, tmp_path):
    svc, child_id = central
    profile = tmp_path / "profile"
    enrolled = run_frozen(
        profile,
        "enrol",
        "--server",
        svc.url,
        "--worker",
        "frozen.worker",
        "--device-name",
        "frozen laptop",
        stdin=f"{PASSWORD}\n{PASSPHRASE}\n{PASSPHRASE}\n",
    )
    assert enrolled.returncode == 0, enrolled.stderr
    assert "Enrolled as frozen.worker." in enrolled.stdout
    assert "Synced: 1 records received." in enrolled.stdout

    synced = run_frozen(profile, "sync", stdin=f"{PASSPHRASE}\n")
    assert synced.returncode == 0, synced.stderr
    assert "Sent 0, received 0, conflicts 0" in synced.stdout
    dumped = run_frozen(profile, "dump", "--json", stdin=f"{PASSPHRASE}\n")
    assert dumped.returncode == 0, dumped.stderr
    assert child_id in dumped.stdout and "Wrenna" in dumped.stdout
    # The store is encrypted: the child's name is nowhere in the profile's files.
    for path in profile.rglob("*"):
        if path.is_file():
            assert b"Wrenna" not in path.read_bytes(), path

    window = subprocess.Popen(
        [str(APP)],
        env=frozen_env(profile) | {"CASEWORKER_REPORT_READY": "1"},
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        ready = _first_ready_line(window, timeout=120)
        assert ready.startswith("ready: lock-screen"), ready
    finally:
        window.send_signal(signal.SIGTERM)  # closes the window as a logout would
        try:
            assert window.wait(timeout=30) == 0
        finally:
            if window.poll() is None:
                window.kill()


def _first_ready_line(proc: subprocess.Popen, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    assert proc.stderr is not None
    seen = []
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line:
            if proc.poll() is not None:
                break
            continue
        seen.append(line)
        if line.startswith("ready: "):
            return line.strip()
    print("".join(seen), file=sys.stderr)
    raise AssertionError(f"the frozen window never reported ready (exit {proc.poll()})")
