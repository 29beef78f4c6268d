"""Typing in the visit editor survives SIGKILL up to the last autosave (≤ 2 s)."""

from __future__ import annotations

import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time

from desktop.records import records_of_child
from desktop.repository import CaseRepository
from tests.helpers import CHILD, PASSPHRASE, create_vault
from tests.ui.typist import TEXT

LOSS_ALLOWED_S = 2.0 + 0.5  # the promise, plus scheduling slack on a loaded 2-core CI machine


def test_killed_while_typing_keeps_the_draft_up_to_the_last_autosave(vault):
    create_vault(vault)
    child = str(CaseRepository(vault.store, "worker.one").create("child", dict(CHILD)).id)
    vault.lock()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.ui.typist", str(vault.profile.path), child],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(x) for x in proc.stdout], daemon=True).start()
    typed_at: list[float] = []  # when each keystroke was reported
    kill_after = random.Random(5).uniform(3.0, 5.0)
    first = None
    try:
        while True:
            line = lines.get(timeout=60)  # the app never got going: fail, do not hang
            if line.startswith("error"):
                raise AssertionError(f"the app reported {line.strip()}")
            if line.startswith("typed "):
                now = time.monotonic()
                typed_at.append(now)
                first = first or now
                if now - first >= kill_after:
                    break
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    killed_at = time.monotonic()
    assert len(typed_at) > 100, "the typist did not get going"

    vault.unlock(PASSPHRASE)
    visits = records_of_child(vault.store.conn, child, "visit")
    assert len(visits) == 1, "one draft, created once"
    saved = visits[0].data.get("observations") or ""
    assert visits[0].data["status"] == "draft"
    assert TEXT.startswith(saved), "the stored text is exactly what was typed"
    safe = sum(1 for t in typed_at if t <= killed_at - LOSS_ALLOWED_S)
    assert len(saved) >= safe, (
        f"lost more than {LOSS_ALLOWED_S} s of typing: saved {len(saved)} of the {safe} "
        f"characters typed {LOSS_ALLOWED_S} s before the kill"
    )
