"""`make screenshots`: the main screens on demo data, rendered offscreen to
docs/screenshots/. Synthetic data only."""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget

from sync.server.demo import load_demo
from sync.server.testing import running_service
from ui.app import make_application, open_window
from ui.child_tabs.chronology import ChronologyTab
from ui.child_tabs.concerns import ConcernsTab
from ui.child_tabs.missing import MissingTab
from ui.child_tabs.plan import PlanTab
from ui.child_tabs.summary import SummaryTab
from ui.child_tabs.visits import VisitsTab
from ui.demo import prepare
from ui.tasks import Tasks

OUT = Path("docs/screenshots")
PASSPHRASE = "screenshot passphrase"  # noqa: S105 (a throwaway demo profile)


def settle(app: QApplication, seconds: float = 0.8) -> None:
    """Let queued database results arrive and paint (offscreen, no user waiting)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)


def save(widget: QWidget, name: str) -> None:
    widget.grab().save(str(OUT / f"{name}.png"))
    print(f"screenshots: {OUT / name}.png")


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    app = make_application()
    root = Path(tempfile.mkdtemp(prefix="caseworker-shots-"))
    try:
        with running_service(None, tmp_path=root) as service:
            list(load_demo(service.engine, seed=2026, children=60, per_child=40))
            vault = prepare(root, service.url, passphrase=PASSPHRASE)
            tasks = Tasks(on_error=lambda exc: print(type(exc).__name__, file=sys.stderr))
            window = open_window(tasks, vault, auto_sync=False)
            window.resize(1400, 860)
            settle(app)
            save(window, "lock-screen")
            window.lock_screen.sig_unlock.emit(PASSPHRASE)
            settle(app, 2.0)
            ws = window.workspace
            save(window, "caseload")
            ws.caseload.search.setText("school")
            settle(app)
            save(window, "search")
            ws.caseload.search.setText("")
            busiest = max(
                (ws.caseload.model.row_at(i).summary for i in range(ws.caseload.model.rowCount())),
                key=lambda s: s.overdue_total + 3 * s.missing_now,
            )
            ws.open_child(busiest.child_id)
            for cls, name in (
                (SummaryTab, "child-summary"),
                (ChronologyTab, "child-chronology"),
                (PlanTab, "child-plan"),
                (MissingTab, "child-missing"),
                (ConcernsTab, "child-concerns"),
                (VisitsTab, "child-visits"),
            ):
                tab = ws.child_view.show_tab(cls)
                settle(app)
                if isinstance(tab, VisitsTab) and tab.model.rowCount():
                    tab._open(tab.model.index(0, 0))
                    settle(app, 0.3)
                save(window, name)
            ws.show_insights()
            settle(app, 1.5)
            save(window, "insights")
            ws.show_conflicts()
            settle(app)
            save(window, "conflicts")
            window.close()
            tasks.shutdown()
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
