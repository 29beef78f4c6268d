"""Run by test_autosave_kill in a subprocess: open the real window, unlock,
start a visit note and type into it, printing each keystroke's count, until
the parent kills the process."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtTest import QTest

from desktop.profile import Profile
from desktop.vault import Vault
from tests.helpers import PASSPHRASE
from ui.app import make_application, open_window
from ui.child_tabs.visits import VisitsTab
from ui.tasks import Tasks

TEXT = " ".join(f"word{i}" for i in range(2000))
KEY_INTERVAL_MS = 15


def main(profile_dir: str, child_id: str) -> None:
    app = make_application()
    tasks = Tasks(on_error=lambda exc: print(f"error {type(exc).__name__}", flush=True))
    vault = Vault(Profile(Path(profile_dir)))
    window = open_window(tasks, vault, auto_sync=False)
    typed = 0

    def editor():
        return window.workspace.child_view.tab(VisitsTab).editor.texts["observations"]

    def type_one() -> None:
        nonlocal typed
        QTest.keyClicks(editor(), TEXT[typed])
        typed += 1
        print(f"typed {typed}", flush=True)

    def unlocked() -> None:
        window.workspace.new_visit_for(child_id)
        editor().setFocus()
        timer.start()

    timer = QTimer(interval=KEY_INTERVAL_MS)
    timer.timeout.connect(type_one)
    window.sig_unlocked.connect(unlocked)
    window.lock_screen.sig_unlock.emit(PASSPHRASE)
    app.exec()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
