"""The window on a large caseload: start, unlock, search.

Prints `name: value unit` lines:
  start_to_unlock_ms      process start to the lock screen drawn (goal < 1000)
  unlock_kdf_ms           the Argon2id step inside unlock (context)
  unlock_to_caseload_ms   Unlock pressed to the caseload painted, 500 children /
                          50,000 records, Argon2id included (goal < 1000)
  search_repaint_ms       a search over 50,000 notes applied and repainted (goal <= 100)
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402

from desktop.profile import Profile  # noqa: E402
from desktop.records import put_record, refresh_children  # noqa: E402
from desktop.vault import KdfParams, Vault  # noqa: E402
from sync.synthetic import generate_caseload  # noqa: E402
from ui.app import make_application, open_window  # noqa: E402
from ui.tasks import Tasks  # noqa: E402

PASSPHRASE = "bench passphrase for the window"
TERMS = ("school", "phone", "bus", "park", "worried", "mum")


def build(root: Path) -> Vault:
    vault = Vault(Profile(root / "profile").ensure())
    store = vault.create(PASSPHRASE)
    vault.profile.update_settings(worker="bench.worker")
    records = generate_caseload(21, 500, 100).records
    for i in range(0, len(records), 5000):
        chunk = records[i : i + 5000]
        with store.transaction() as conn:
            for record in chunk:
                put_record(conn, record, pending=False)
            refresh_children(conn, {str(r.child_id) for r in chunk})
    vault.lock()
    return vault


def start_to_unlock_ms(profile: Path, runs: int = 5) -> float:
    env = {**os.environ, "CASEWORKER_REPORT_READY": "1", "QT_QPA_PLATFORM": "offscreen"}
    cmd = [sys.executable, "-m", "ui.main", "--profile", str(profile)]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stderr=subprocess.PIPE, text=True)
        for line in proc.stderr:
            if line.strip() == "ready":
                times.append(time.perf_counter() - start)
                break
        proc.kill()
        proc.wait()
    return statistics.median(times) * 1000


def wait_for(signal, timeout_ms: int = 60000) -> None:
    loop = QEventLoop()
    signal.connect(loop.quit)
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()
    signal.disconnect(loop.quit)


def main() -> None:
    app = make_application()
    with tempfile.TemporaryDirectory(prefix="caseworker-bench-") as tmp:
        vault = build(Path(tmp))
        print(f"start_to_unlock_ms: {start_to_unlock_ms(vault.profile.path):.0f} ms")
        kdf = []
        for _ in range(3):
            t = time.perf_counter()
            KdfParams().derive(PASSPHRASE, os.urandom(16))
            kdf.append(time.perf_counter() - t)
        print(f"unlock_kdf_ms: {statistics.median(kdf) * 1000:.0f} ms")

        tasks = Tasks(on_error=lambda exc: print(f"error: {type(exc).__name__}", file=sys.stderr))
        window = open_window(tasks, vault, auto_sync=False)
        window.resize(1400, 860)
        unlocks = []
        for attempt in range(3):
            if attempt:
                window.lock()
            app.processEvents()
            start = time.perf_counter()
            window.lock_screen.sig_unlock.emit(PASSPHRASE)
            wait_for(window.sig_unlocked)
            panel = window.workspace.caseload
            if panel.model.rowCount() == 0:
                wait_for(panel.sig_loaded)
            panel.table.viewport().repaint()
            unlocks.append(time.perf_counter() - start)
            assert panel.model.rowCount() == 500, panel.model.rowCount()
        print(f"unlock_to_caseload_ms: {statistics.median(unlocks) * 1000:.0f} ms")

        panel = window.workspace.caseload
        searches, shown = [], []
        for term in TERMS * 2:
            panel.search.blockSignals(True)
            panel.search.setText(term)
            panel.search.blockSignals(False)
            start = time.perf_counter()
            panel._run_search()
            wait_for(panel.sig_searched)
            panel.table.viewport().repaint()
            searches.append(time.perf_counter() - start)
            shown.append(panel.proxy.rowCount())
        print(f"search_repaint_ms: {statistics.median(searches) * 1000:.1f} ms")
        print(f"search_children_matched: {statistics.median(shown):.0f} of 500 (context)")
        window.close()
        tasks.shutdown()


if __name__ == "__main__":
    main()
