"""`make screenshots`: the main screens on demo data, rendered offscreen to
docs/screenshots/. Synthetic data only.

The embedded central record and the enrolled demo profile are `ui.demo`'s.
Every step waits on the signal that says the screen is filled (or on the
database worker having delivered everything queued before it), never on a
sleep, so a slow machine gives the same pictures.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer, SignalInstance
from PySide6.QtWidgets import QApplication, QScrollArea, QWidget

from desktop.profile import Profile
from desktop.repository import CaseRepository
from desktop.syncing import engine_for
from desktop.vault import Vault
from sync.server.admin import current_records
from sync.server.demo import DEMO_WORKERS
from sync.server.testing import ServiceHandle
from ui.app import make_application, open_window
from ui.caseload_model import Row
from ui.caseload_panel import CaseloadPanel
from ui.child_tabs.chronology import ChronologyTab
from ui.child_tabs.concerns import ConcernsTab
from ui.child_tabs.education import EducationTab
from ui.child_tabs.family import FamilyTab
from ui.child_tabs.meetings import MeetingsTab
from ui.child_tabs.missing import MissingTab
from ui.child_tabs.oversight import OversightTab
from ui.child_tabs.plan import PlanTab
from ui.child_tabs.professionals import ProfessionalsTab
from ui.child_tabs.screening import ScreeningTab
from ui.child_tabs.sharing_log import SharingTab
from ui.child_tabs.sign_off import SignOffTab
from ui.child_tabs.summary import SummaryTab
from ui.child_tabs.supervision import SupervisionTab
from ui.child_tabs.visits import RecordRole, VisitsTab
from ui.demo import DEMO_WORKER, demo_service, enrol_demo_laptop, prepare
from ui.main_window import MainWindow
from ui.tasks import Tasks
from ui.workspace import Workspace

PASSPHRASE = "screenshot passphrase"  # noqa: S105 (a throwaway demo profile)
SIZE = (1366, 768)  # the usual council laptop
TIMEOUT_MS = 30_000
SEARCH = "vapes"  # in the notes of some of the demo caseload, not all


class Shots:
    """Waiting on the app, and saving what it shows."""

    def __init__(self, app: QApplication, tasks: Tasks, out: Path, scratch: Path) -> None:
        self.app, self.tasks, self.out = app, tasks, out
        self.scratch = scratch  # removed afterwards, with the demo's profiles
        self.saved: list[Path] = []

    def expect(self, signal: SignalInstance, action: Callable[[], object]) -> None:
        """Run `action` and return once `signal` has fired."""
        loop = QEventLoop()
        fired: list[bool] = []

        def got(*_args: object) -> None:
            fired.append(True)
            loop.quit()

        signal.connect(got)
        QTimer.singleShot(TIMEOUT_MS, loop.quit)
        action()
        if not fired:
            loop.exec()
        signal.disconnect(got)
        if not fired:
            raise TimeoutError(f"no {signal} within {TIMEOUT_MS} ms")

    def drained(self) -> None:
        """Return once the database worker has run everything queued so far
        and its results have reached the window (the worker is one thread
        and its results arrive in order)."""
        loop = QEventLoop()
        self.tasks.db(lambda: None).success(lambda _none: loop.quit()).run()
        QTimer.singleShot(TIMEOUT_MS, loop.quit)
        loop.exec()
        self.app.processEvents()  # layouts asked for by what arrived

    def save(self, widget: QWidget, name: str) -> None:
        self.app.processEvents()
        path = self.out / f"{name}.png"
        widget.grab().save(str(path), "PNG", 0)  # 0: the smallest file
        self.saved.append(path)
        print(f"screenshots: {path}", flush=True)


def first_run(shots: Shots, root: Path, url: str) -> None:
    """The wizard on a new laptop: connect, passphrase, first sync."""
    vault = Vault(Profile(root / "new-laptop").ensure(), insecure_demo_keyring=True)
    window = open_window(shots.tasks, vault, auto_sync=False)
    wizard = window.wizard
    if wizard is None:
        raise RuntimeError("a new laptop opened without the first-run wizard")
    page = wizard.server_page
    page.address.setText(url)
    page.worker.setText("demo.health")
    page.password.setText(DEMO_WORKERS["demo.health"])
    shots.save(wizard, "wizard-connect")
    wizard.next()
    wizard.passphrase_page.first.setText(PASSPHRASE)
    wizard.passphrase_page.second.setText(PASSPHRASE)
    shots.save(wizard, "wizard-passphrase")
    shots.expect(wizard.sig_first_sync_done, wizard.next)
    shots.save(wizard, "wizard-first-sync")
    shots.expect(window.sig_unlocked, wizard.accept)
    window.close()


def search_for(shots: Shots, panel: CaseloadPanel, text: str) -> None:
    """Type `text` and search at once (not after the typing pause)."""
    panel.search.blockSignals(True)
    panel.search.setText(text)
    panel.search.blockSignals(False)
    shots.expect(panel.sig_searched, panel._run_search)
    shots.drained()


def busiest(ws: Workspace) -> Row:
    """The child with the most to show: overdue work, missing now."""
    model = ws.caseload.model
    rows = [model.row_at(i) for i in range(model.rowCount())]
    return max(rows, key=lambda r: r.summary.overdue_total + 3 * r.summary.missing_now)


def child_record(shots: Shots, window: MainWindow, ws: Workspace) -> None:
    child_id = busiest(ws).summary.child_id
    summary = ws.child_view.tab(SummaryTab)
    assert isinstance(summary, SummaryTab)
    shots.expect(summary.sig_loaded, lambda: ws.open_child(child_id))
    shots.drained()
    shots.save(window, "child-summary")
    summary.edit_places.setChecked(True)  # the Summary's edit section
    shots.drained()
    shots.save(window, "child-summary-edit")
    summary.edit_places.setChecked(False)
    summary.edit_profile.setChecked(True)  # the missing-person profile
    shots.drained()
    shots.save(window, "child-summary-profile")
    summary.edit_profile.setChecked(False)
    for cls, name in (
        (ChronologyTab, "child-chronology"),
        (PlanTab, "child-plan"),
        (MissingTab, "child-missing"),
        (ConcernsTab, "child-concerns"),
        (MeetingsTab, "child-meetings"),
        (OversightTab, "child-oversight"),
        (SignOffTab, "child-sign-off"),
        (SupervisionTab, "child-supervision"),
        (ScreeningTab, "child-screening"),
        (VisitsTab, "child-visits"),
        (FamilyTab, "child-family"),
        (ProfessionalsTab, "child-professionals"),
    ):
        tab = ws.child_view.tab(cls)
        shots.expect(tab.sig_loaded, partial(ws.child_view.show_tab, cls))
        shots.drained()
        if isinstance(tab, VisitsTab):
            open_a_note(tab)
            shots.drained()
        if isinstance(tab, MeetingsTab):  # past the decisions: who came, the actions
            tab.findChildren(QScrollArea)[0].ensureWidgetVisible(tab.parts["attendees"])
            shots.drained()
        if isinstance(tab, ScreeningTab):
            a_screening(shots, tab)
            shots.save(window, name)
            # The worker's own level and reasons, under the indicators.
            scroll = tab.reasons.parentWidget()
            while scroll is not None and not isinstance(scroll, QScrollArea):
                scroll = scroll.parentWidget()
            if scroll is not None:
                scroll.ensureWidgetVisible(tab.fields["review_date"])
            shots.drained()
            name = "child-screening-judgement"
        shots.save(window, name)
        if isinstance(tab, VisitsTab):
            share_a_note(shots, tab)
    police_pack(shots, window, ws)


def missing_education(shots: Shots, window: MainWindow, ws: Workspace) -> None:
    """A child missing education (the caseload's flag), on the Education tab."""
    model = ws.caseload.model
    rows = [model.row_at(i) for i in range(model.rowCount())]
    row = next((r for r in rows if r.summary.missing_education), None)
    if row is None:
        raise RuntimeError("the demo caseload has no child missing education")
    tab = ws.child_view.tab(EducationTab)
    shots.expect(tab.sig_loaded, partial(ws.child_view.show_tab, EducationTab))
    shots.expect(tab.sig_loaded, partial(ws.open_child, row.summary.child_id))
    shots.drained()
    shots.save(window, "child-education")


def a_screening(shots: Shots, tab: ScreeningTab) -> None:
    """A new screening as the worker types it: indicators ticked, the tool's
    category beside the worker's own (higher) level, the reasons being written."""
    tab.new_record()
    for box in tab.indicators.ticks():
        if box.text() in (
            "Living in care or a hostel",
            "Goes missing for short periods",
            "Missing overnight or repeatedly",
            "Unexplained gifts or money",
        ):
            box.click()  # fmt: skip
    tab.level.setCurrentIndex(tab.level.findData("high"))
    tab.level.activated.emit(tab.level.currentIndex())
    tab.reasons.setPlainText(
        "Missing overnight twice in a fortnight, collected by a car the police do not know."
    )
    shots.drained()


def open_a_note(tab: VisitsTab) -> None:
    """The newest note with something written in it, selected and in the editor."""
    for row in range(tab.shown.rowCount()):
        index = tab.shown.index(row, 0)
        record, _pending = index.data(RecordRole)
        if record.data.get("observations"):
            tab.list.setCurrentIndex(index)
            tab._open(index)
            return


def share_a_note(shots: Shots, tab: VisitsTab) -> None:
    """The Share dialog over the open note, filled in, then cancelled."""
    dialog = tab.share()
    if dialog is None:
        return
    agency, basis = dialog.fields["agency"], dialog.fields["basis"]
    agency.setCurrentIndex(agency.findData("police"))  # type: ignore[attr-defined]
    basis.setCurrentIndex(basis.findData("recognised_legitimate_interest"))  # type: ignore[attr-defined]
    dialog.fields["person"].setText("DC Rowan Example")  # type: ignore[attr-defined]
    dialog.fields["purpose"].setText("Child reported missing overnight")  # type: ignore[attr-defined]
    shots.save(dialog, "share-dialog")
    dialog.reject()


def police_pack(shots: Shots, window: MainWindow, ws: Workspace) -> None:
    """The police pack shared from the missing tab (its PDF in the demo's
    temporary folder), then the Sharing tab listing it."""
    missing = ws.child_view.tab(MissingTab)
    assert isinstance(missing, MissingTab) and window.ctx is not None
    ws.child_view.show_tab(MissingTab)  # read already, for its own picture
    shots.drained()
    dialog = missing.share_pack(shots.scratch / "police pack.pdf")
    assert dialog is not None
    basis = dialog.fields["basis"]
    basis.setCurrentIndex(basis.findData("recognised_legitimate_interest"))  # type: ignore[attr-defined]
    shots.expect(window.ctx.events.sig_records_changed, dialog.share_button.click)
    shots.drained()
    sharing = ws.child_view.tab(SharingTab)
    shots.expect(sharing.sig_loaded, partial(ws.child_view.show_tab, SharingTab))
    shots.drained()
    shots.save(window, "child-sharing")


def a_conflict(shots: Shots, root: Path, url: str, window: MainWindow, ws: Workspace) -> None:
    """The same child's details changed on another laptop and on this one."""
    model = ws.caseload.model
    child_id = model.row_at(model.rowCount() // 2).summary.child_id
    other = enrol_demo_laptop(
        root / "other-laptop", url, passphrase=PASSPHRASE, device_name="office laptop"
    )
    engine_for(other).sync()
    CaseRepository(other.store, DEMO_WORKER).update(
        child_id, {"address_area": "North Quay", "risk_level": "high"}
    )
    engine_for(other).sync()
    other.lock()
    ctx = window.ctx
    assert ctx is not None
    shots.expect(
        ctx.events.sig_records_changed,
        lambda: ctx.write(
            lambda repo: repo.update(child_id, {"address_area": "South Row", "risk_level": "low"}),
            child_id,
        ),
    )
    shots.expect(window.sig_synced, window.sync_now)
    shots.expect(ws.conflicts.sig_loaded, ws.show_conflicts)
    shots.drained()
    shots.save(window, "conflicts")


def break_the_glass(shots: Shots, service: ServiceHandle, window: MainWindow) -> None:
    """The dialog finding a child of another worker's, a reason typed; left
    unsent (the other pictures show the demo caseload as it is)."""
    ctx = window.ctx
    assert ctx is not None
    model = window.workspace.caseload.model if window.workspace else None
    assert model is not None
    held = {model.row_at(i).summary.child_id for i in range(model.rowCount())}
    other = next(
        r for r in current_records(service.engine) if r.kind == "child" and str(r.id) not in held
    )
    window.open_temporarily()
    dialog = window.temporary_dialog
    assert dialog is not None
    dialog.name.setText(str(other.data["first_name"]))
    shots.expect(dialog.sig_answered, dialog.find_button.click)
    dialog.reason.setPlainText("On duty tonight: the police have asked about this child.")
    shots.save(dialog, "break-the-glass")
    dialog.reject()


def _size(text: str) -> tuple[int, int]:
    width, _, height = text.partition("x")
    return int(width), int(height)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="caseworker-screenshots", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument(
        "--size", type=_size, default=SIZE, help="window size, WIDTHxHEIGHT (default 1366x768)"
    )
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    app = make_application()
    root = Path(tempfile.mkdtemp(prefix="caseworker-shots-"))
    tasks = Tasks(on_error=lambda exc: print(f"screenshots: {exc!r}", file=sys.stderr))
    shots = Shots(app, tasks, args.out, root)
    try:
        with demo_service(root) as service:
            first_run(shots, root, service.url)
            vault = prepare(root, service.url, passphrase=PASSPHRASE)
            window = open_window(tasks, vault, auto_sync=False)
            window.resize(*args.size)
            shots.drained()  # the keyring read-ahead for the attempts warning
            shots.save(window, "lock-screen")
            assert window.lock_screen is not None
            window.lock_screen.passphrase.setText(PASSPHRASE)
            shots.expect(window.sig_unlocked, window.lock_screen.unlock_button.click)
            ws = window.workspace
            assert ws is not None
            shots.drained()  # the caseload read queued at unlock
            assert ws.caseload.model.rowCount() > 0
            shots.save(window, "caseload")

            panel = ws.caseload
            sizes = ws.sizes()
            # The worker drags the divider to the right edge to read the "Found
            # in" column (the record area's minimum width stops it short of that).
            ws.setSizes([sum(sizes), 0])
            search_for(shots, panel, SEARCH)
            shots.save(window, "search")
            search_for(shots, panel, "")
            ws.setSizes(sizes)
            panel.view_buttons["overdue"].click()
            shots.save(window, "caseload-overdue")
            panel.view_buttons["all"].click()

            child_record(shots, window, ws)
            missing_education(shots, window, ws)
            ws.show_insights()
            shots.drained()
            shots.save(window, "insights")
            a_conflict(shots, root, service.url, window, ws)
            break_the_glass(shots, service, window)
            window.close()
    finally:
        tasks.shutdown()
        shutil.rmtree(root, ignore_errors=True)
    print(f"screenshots: {len(shots.saved)} pictures in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
