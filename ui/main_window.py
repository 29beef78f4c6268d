"""The main window: locked (the lock screen only) or unlocked (the workspace).

Locking flushes the open editor, stops sync, destroys every widget that
showed case data, drops the key, and shows the lock screen in their place.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QObject,
    QPoint,
    QRect,
    QSettings,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QLabel,
    QMainWindow,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop import enrolment, sign_in_methods
from desktop.device_status import DeviceStatus, device_status
from desktop.errors import VaultWiped, WrongPassphrase
from desktop.provider_sign_in import Opener, ProviderToken
from desktop.syncing import SyncReport
from desktop.vault import Vault
from sync.errors import DeviceRevoked, SignInNeeded
from ui.context import AppContext, Events, Session
from ui.errors import show_error
from ui.lock_screen import LockScreen
from ui.recover_dialog import RecoverDialog
from ui.sign_in import sign_in_op
from ui.sign_in_banner import SignInBanner
from ui.splitters import remember_splitters
from ui.status_bar import CaseStatusBar, Connection
from ui.sync_runner import SyncRunner
from ui.sync_scheduler import SyncScheduler, connection_after
from ui.tasks import Op, Tasks
from ui.temporary_access_dialog import TemporaryAccessDialog
from ui.wizard import FirstRunWizard
from ui.workspace import Place, Workspace

log = logging.getLogger(__name__)

# A first window takes all of a laptop's screen, most of a larger one, up to
# this size.
LARGEST_FIRST_SIZE = QSize(1800, 1100)
SMALL_SCREEN_WIDTH = 1440
# The window manager's borders and title bar, before the window is shown
# and they can be measured: (left + right, top + bottom).
FRAME_ALLOWANCE = QSize(8, 36)
_INPUT_EVENTS = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
}


class IdleWatch(QObject):
    """Restarts the idle timer on any keyboard or mouse input in the app."""

    def __init__(self, timer: QTimer) -> None:
        super().__init__()
        self.timer = timer

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _INPUT_EVENTS and self.timer.isActive():
            self.timer.start()
        return False


def fitted_geometry(saved: QRect | None, available: QRect, frame: QSize) -> QRect:
    """Where the window's contents go so that, with its frame (`frame`: the
    borders' left + right and top + bottom), it lies wholly within
    `available`: the remembered place shrunk and moved onto the screen, or
    for a first window all of a laptop's screen (90% of a larger one),
    centred."""
    side, bottom = frame.width() // 2, frame.width() // 2
    top = frame.height() - bottom
    room = QSize(available.width() - 2 * side, available.height() - top - bottom)
    if saved is None or not saved.isValid():
        # A laptop's screen is used whole; a large monitor leaves a margin.
        share = 10 if available.width() <= SMALL_SCREEN_WIDTH else 9
        size = QSize(room.width() * share // 10, room.height() * share // 10)
        size = size.boundedTo(LARGEST_FIRST_SIZE)
        rect = QRect(QPoint(0, 0), size)
        rect.moveCenter(available.center())
    else:
        rect = QRect(saved.topLeft(), saved.size().boundedTo(room))
    left = available.left() + side
    highest = available.top() + top
    x = min(max(rect.left(), left), left + room.width() - rect.width())
    y = min(max(rect.top(), highest), highest + room.height() - rect.height())
    rect.moveTo(x, y)
    return rect


class MainWindow(QMainWindow):
    #: the workspace is shown (after unlock or first run)
    sig_unlocked = Signal()
    #: the window locked (idle, Ctrl+L) and shows only the lock screen
    sig_locked = Signal()
    #: a sync ended (SyncReport) and the status bar was refreshed
    sig_synced = Signal(object)

    def __init__(
        self,
        tasks: Tasks,
        vault: Vault,
        *,
        clock: Callable[[], datetime] | None = None,
        auto_sync: bool = True,
    ) -> None:
        super().__init__()
        self.tasks, self.vault = tasks, vault
        self.clock = clock or (lambda: datetime.now(UTC))
        self.events = Events()
        self.ctx: AppContext | None = None
        self.workspace: Workspace | None = None
        self.lock_screen: LockScreen | None = None
        self.scheduler = SyncScheduler(self, auto_sync=auto_sync)
        self.wizard: FirstRunWizard | None = None  # shown on a laptop not yet enrolled
        self.recover_dialog: RecoverDialog | None = None  # "Forgot passphrase?"
        self.setWindowTitle("Caseworker")
        self.setAccessibleName("Caseworker")
        self.settings = QSettings(
            str(vault.profile.path / "window.ini"), QSettings.Format.IniFormat
        )

        self.stack = QStackedWidget(self)
        #: the worker's browser for provider sign-ins (None: the system's)
        self.open_browser: Opener | None = None
        # "Sign in again to keep syncing", above whatever the stack shows.
        self.sign_in_banner = SignInBanner(self)
        self.sign_in_banner.sig_sign_in.connect(self.renew_sign_in)
        central = QWidget(self)
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.sign_in_banner)
        column.addWidget(self._scrolled(self.stack))
        self.setCentralWidget(central)
        self.status = CaseStatusBar(self)
        self.setStatusBar(self.status)
        self.status.sig_sync_clicked.connect(self.sync_now)
        self.status.sig_cancel_clicked.connect(self.scheduler.cancel)
        self.status.sig_conflicts_clicked.connect(self.events.sig_show_conflicts)
        self.status.sig_not_accepted_clicked.connect(self.show_not_accepted)

        self.idle_timer = QTimer(self, singleShot=True)
        self.idle_timer.timeout.connect(self._idle_lock)
        self.idle_minutes = 0  # the policy's, read at unlock
        # Where the worker was when it locked: in memory only, never on disk.
        self.place: Place | None = None
        self.temporary_dialog: TemporaryAccessDialog | None = None
        self._idle_watch = IdleWatch(self.idle_timer)
        _application().installEventFilter(self._idle_watch)
        self.scheduler.sig_started.connect(lambda: self.status.show_progress(0, -1))
        self.scheduler.sig_progress.connect(self.status.show_progress)
        self.scheduler.sig_connection.connect(self.status.set_connection)
        self.scheduler.sig_finished.connect(self._sync_finished)
        self.scheduler.sig_failed.connect(self._sync_failed)
        self.events.sig_local_edit.connect(self._local_edit)
        self.events.sig_child_shown.connect(self._name_child)
        self._actions()
        # Who is signed in, at the menu bar's end ("Sam Patel · Team manager ·
        # North locality"): from the device status, so it follows each sync.
        self.signed_in = QLabel("", self)
        self.signed_in.setAccessibleName("Signed in as")
        self.signed_in.setContentsMargins(0, 0, 8, 0)
        self.menuBar().setCornerWidget(self.signed_in, Qt.Corner.TopRightCorner)
        self._place_on_screen()

    # -- size and place ------------------------------------------------------

    def _place_on_screen(self) -> None:
        """The remembered size and place, or most of the screen the first
        time — always within the screen (a laptop's may be smaller than the
        monitor the size was remembered on)."""
        saved = self.settings.value("geometry")
        restored = saved is not None and self.restoreGeometry(saved)
        if self.isMaximized() or self.isFullScreen():
            return
        screen = self.screen()
        if screen is None:
            return
        measured = self.frameGeometry().size() - self.geometry().size()
        frame = measured if not measured.isEmpty() else FRAME_ALLOWANCE
        self.setGeometry(
            fitted_geometry(
                self.geometry() if restored else None, screen.availableGeometry(), frame
            )
        )

    def _scrolled(self, content: QWidget) -> QScrollArea:
        """`content` in a frameless scroll area: a screen wider or taller than
        the window scrolls inside it rather than growing the window past the
        laptop's screen. Screens are made to fit 1366×768, so the bars stay
        hidden there."""
        area = QScrollArea(self)
        area.setFrameShape(QFrame.Shape.NoFrame)
        area.setWidgetResizable(True)
        area.setWidget(content)
        return area

    # -- menus and shortcuts -------------------------------------------------

    def _actions(self) -> None:
        menu = self.menuBar()
        case = menu.addMenu("&Caseworker")
        view = menu.addMenu("&View")
        self.unlocked_actions: list[QAction] = []

        def act(
            m, text: str, keys: list[QKeySequence.StandardKey | str], fn, *, locked_ok=False
        ) -> QAction:
            action = QAction(text, self)
            action.setShortcuts([QKeySequence(k) for k in keys])
            action.triggered.connect(lambda _checked=False: fn())
            m.addAction(action)
            self.addAction(action)
            if not locked_ok:
                self.unlocked_actions.append(action)
            return action

        def in_workspace(step: Callable[[Workspace], object]) -> Callable[[], None]:
            # These act on the open caseload: nothing while it is locked.
            def run() -> None:
                if self.workspace is not None:
                    step(self.workspace)

            return run

        act(case, "&New visit", ["Ctrl+N"], in_workspace(lambda w: w.new_visit()))
        act(case, "&Sync now", ["F5", "Ctrl+R"], self.sync_now)
        # Break-the-glass (online): every laptop role may ask; the central
        # record's policy decides, and its refusal is said in the dialog.
        act(case, "&Open a child not on my caseload…", ["Ctrl+Shift+O"],
            self.open_temporarily)  # fmt: skip
        act(case, "&Lock", ["Ctrl+L"], self.lock)
        case.addSeparator()
        act(case, "&Quit", [QKeySequence.StandardKey.Quit], self.close, locked_ok=True)
        act(view, "&Search the caseload", ["Ctrl+F"],
            in_workspace(lambda w: w.caseload.focus_search()))  # fmt: skip
        act(view, "&Caseload table", ["Ctrl+1"],
            in_workspace(lambda w: w.caseload.table.setFocus()))  # fmt: skip
        act(view, "Caseload &insights", ["Ctrl+I"],
            in_workspace(lambda w: w.show_insights()))  # fmt: skip
        # A team manager's only (`_show_role_actions`): absent for anyone else.
        self.team_action = act(view, "&Team", ["Ctrl+T"], in_workspace(lambda w: w.show_team()))
        self.team_action.setVisible(False)
        act(view, "C&onflicts", ["Ctrl+Shift+C"], self.events.sig_show_conflicts.emit)
        act(view, "&Not accepted", ["Ctrl+Shift+N"], self.show_not_accepted)
        self._enable_case_actions(False)

    def open_temporarily(self) -> None:
        if self.ctx is None or self.ctx.online is None:
            return
        session = self.ctx.session
        dialog = TemporaryAccessDialog(self.ctx.online, session.now, self)
        dialog.sig_opened.connect(self._opened_temporarily)
        self.temporary_dialog = dialog
        dialog.open()

    def _opened_temporarily(self, child_id: str) -> None:
        """The child arrived by the dialog's sync: show it, marked."""
        if self.workspace is not None:
            self.workspace.refresh()
            self.workspace.open_child(child_id)
        self.refresh_status()

    def _enable_case_actions(self, on: bool) -> None:
        for action in self.unlocked_actions:
            action.setEnabled(on)
        self.status.sync_button.setEnabled(on)

    # -- locked --------------------------------------------------------------

    def show_locked(self, message: str | None = None, *, reason: str = "") -> None:
        """Show the lock screen and read the keyring ahead while the worker types."""
        worker = self.vault.profile.settings().get("worker")
        choice = sign_in_methods.remembered(self.vault.profile)
        self.lock_screen = LockScreen(
            worker,
            self.stack,
            reason=reason,
            provider_name=choice.provider.name if choice.provider else None,
        )
        self.lock_screen.sig_unlock.connect(self._unlock)
        self.lock_screen.sig_forgot.connect(self.forgot_passphrase)
        self.stack.addWidget(self.lock_screen)
        self.stack.setCurrentWidget(self.lock_screen)
        self.lock_screen.setFocus()
        if message:
            self.lock_screen.show_message(message)
        vault = self.vault
        screen = self.lock_screen
        self.tasks.db(vault.prefetch).success(screen.show_attempts).failure(
            lambda exc: screen.show_message(getattr(exc, "message", "")) if screen else None
        ).run()

    def _unlock(self, passphrase: str) -> None:
        vault, clock = self.vault, self.clock

        def unlock() -> tuple[Session, bytes]:
            vault.unlock(passphrase)
            return Session(vault, clock=clock), vault.data_key()

        self.tasks.db(unlock).success(lambda r: self.enter(*r)).failure(self._unlock_failed).run()

    def forgot_passphrase(self) -> None:
        """The lock screen's "Forgot passphrase?": what `caseworker recover`
        does (sign in online, new passphrase), then unlocked with it."""
        worker = self.vault.profile.settings().get("worker")
        choice = sign_in_methods.remembered(self.vault.profile)
        dialog = self.recover_dialog = RecoverDialog(worker, self, choice=choice)
        vault, clock = self.vault, self.clock

        def recover(password: str, code: str, passphrase: str) -> None:
            def run() -> tuple[Session, bytes]:
                enrolment.recover(
                    vault, password=password, recovery_code=code, new_passphrase=passphrase
                )
                return Session(vault, clock=clock), vault.data_key()

            self.tasks.db(run).success(lambda r: self._recovered(dialog, *r)).failure(
                dialog.show_failure
            ).run()

        def with_provider(passphrase: str) -> None:
            def run(token: ProviderToken) -> tuple[Session, bytes]:
                enrolment.recover_with_provider(vault, token=token, new_passphrase=passphrase)
                return Session(vault, clock=clock), vault.data_key()

            def signed_in(token: ProviderToken) -> None:
                self.tasks.db(lambda: run(token)).success(
                    lambda r: self._recovered(dialog, *r)
                ).failure(dialog.show_failure).run()

            sign_in_op(
                self.tasks,
                choice,
                ca_bundle=enrolment.ca_bundle_for(vault.profile),
                open_browser=self.open_browser,
            ).success(signed_in).failure(dialog.show_failure).run()

        dialog.sig_recover.connect(recover)
        dialog.sig_recover_with_provider.connect(with_provider)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def _recovered(self, dialog: RecoverDialog, session: Session, key: bytes) -> None:
        dialog.accept()
        self.recover_dialog = None
        self.enter(session, key)

    def _unlock_failed(self, exc: BaseException) -> None:
        if isinstance(exc, VaultWiped):
            self._show_wiped(exc.message)
        elif isinstance(exc, WrongPassphrase) and self.lock_screen is not None:
            self.lock_screen.show_message(exc.message)
        elif self.lock_screen is not None and hasattr(exc, "message"):
            self.lock_screen.show_message(exc.message)  # keyring problems and the like
        else:
            show_error(self, exc)

    def _show_wiped(self, message: str) -> None:
        note = QLabel(message + "\n\nCase data on this laptop has been erased.", self.stack)
        note.setAccessibleName("Erased")
        note.setWordWrap(True)
        note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack.addWidget(note)
        self.stack.setCurrentWidget(note)

    # -- unlocked ------------------------------------------------------------

    def enter(self, session: Session, key: bytes) -> None:
        """Build the workspace for an unlocked session (after unlock or first run)."""
        self.ctx = AppContext(self.tasks, session, self.events, lambda e: show_error(self, e))
        self.workspace = Workspace(self.ctx, self.stack)
        remember_splitters(self.workspace, self.settings)
        self.stack.addWidget(self.workspace)
        self.stack.setCurrentWidget(self.workspace)
        if self.lock_screen is not None:
            self.lock_screen.deleteLater()
            self.lock_screen = None
        self.setWindowTitle(f"Caseworker — {session.worker}")
        self._enable_case_actions(True)
        self.workspace.caseload.reload()
        self.workspace.caseload.table.setFocus()
        if self.place is not None:
            self.workspace.return_to(self.place)  # the child, tab and note left at lock
            self.place = None
        self.refresh_status()
        self._show_role_actions()
        policy = self.tasks.db_now(session.policy)
        self.idle_minutes = policy.idle_lock_minutes
        self.idle_timer.setInterval(policy.idle_lock_minutes * 60 * 1000)
        self.idle_timer.start()
        # The first-run wizard's runner goes on; after an unlock, a new one.
        self.scheduler.attach(self.scheduler.runner or SyncRunner(self.tasks, self.vault, key))
        self.ctx.online = self._online
        self.sig_unlocked.emit()

    def _online(self, fn: Callable[[Any], Any]) -> Op[Any]:
        runner = self.scheduler.runner
        assert runner is not None, "an unlocked window has a sync runner"
        return runner.online(fn)

    def _name_child(self, name: str) -> None:
        """The title says whose record is on screen ("" : nobody's)."""
        if self.ctx is not None:
            self.setWindowTitle(f"Caseworker — {name or self.ctx.session.worker}")

    def show_not_accepted(self) -> None:
        if self.workspace is not None:
            self.workspace.show_not_accepted()

    def refresh_status(self) -> None:
        vault = self.vault
        self.tasks.db(lambda: device_status(vault)).success(self._show_status).failure(
            lambda exc: log.info("status not read: %s", type(exc).__name__)
        ).run()

    def _show_status(self, status: DeviceStatus) -> None:
        self.status.set_status(status)
        self.signed_in.setText(status.signed_in.words if status.signed_in else "")
        self.signed_in.setToolTip(
            f"Signed in as {status.signed_in.words}" if status.signed_in else ""
        )
        # Set again: the menu bar sizes its corner by the words it had when set.
        self.menuBar().setCornerWidget(self.signed_in, Qt.Corner.TopRightCorner)

    def lock(self, reason: str = "Locked") -> None:
        """Save typing, stop sync, drop every case widget and the key; show the
        lock screen saying why (`reason`). The place is kept for the unlock."""
        if self.workspace is None:
            return
        self.place = self.workspace.place()
        self._teardown()
        self.show_locked(reason=reason)
        self.sig_locked.emit()

    def _idle_lock(self) -> None:
        minutes = self.idle_minutes
        self.lock(f"Locked after {minutes} minute{'s' if minutes != 1 else ''} idle")

    def _teardown(self) -> None:
        assert self.workspace is not None
        self.idle_timer.stop()
        self.scheduler.pause()
        self._save_layout()
        self.workspace.flush()  # the typing is in the store before anything goes
        if self.ctx is not None:
            self.ctx.closed = True
        # The break-the-glass dialog is the window's, not the workspace's:
        # close it so no child it found stays on screen over the lock.
        if self.temporary_dialog is not None:
            self.temporary_dialog.reject()
            self.temporary_dialog.deleteLater()
            self.temporary_dialog = None
        self.workspace.hide()
        self.stack.removeWidget(self.workspace)
        self.workspace.deleteLater()
        self.workspace, self.ctx = None, None
        self._enable_case_actions(False)
        self.status.hide_progress()
        self.sign_in_banner.done()  # asked again at the next sync, if still needed
        self.scheduler.close()
        self.tasks.db_now(self.vault.lock)
        self.setWindowTitle("Caseworker")

    # -- sync ----------------------------------------------------------------

    def _local_edit(self) -> None:
        self.refresh_status()
        self.scheduler.local_edit()

    def sync_now(self) -> None:
        self.scheduler.sync_now()

    def _sync_finished(self, report: SyncReport) -> None:
        self.status.hide_progress()
        self.sign_in_banner.done()  # the central record took this sync
        if self.workspace is not None:
            for child_id in report.purged:
                self.workspace.close_child(child_id)
            # A sync renews the lease: records it hid come back even if
            # nothing changed.
            changed = (
                report.pulled
                or report.purged
                or report.pushed
                or report.conflicts
                or report.rejected
            )
            if changed or self.workspace.records_hidden:
                self.workspace.refresh()
            self._show_role_actions()  # a sync may have brought a new role
        self.refresh_status()
        self.sig_synced.emit(report)

    def _show_role_actions(self) -> None:
        """The View menu's Team for a worker who manages a team (as the
        central record said at the last sync); absent for anyone else."""
        if self.ctx is None:
            return
        session = self.ctx.session

        def manages() -> bool:
            me = session.me()
            return bool(me and me.manages)

        self.ctx.db(manages).success(self.team_action.setVisible).run()

    def _sync_failed(self, exc: BaseException) -> None:
        self.status.hide_progress()
        if isinstance(exc, DeviceRevoked):
            self._revoked(exc.message)
            return
        if isinstance(exc, SignInNeeded):
            # Nothing is lost: the outbox keeps what waits, recording goes
            # on under the lease's rules; sync resumes after the sign-in.
            choice = sign_in_methods.remembered(self.vault.profile)
            self.sign_in_banner.ask(choice.provider.name if choice.provider else None)
            self.refresh_status()
            return
        # The scheduler has set the connection state; the status bar says
        # nothing about other failures, so show the reason for a while.
        if connection_after(exc) not in (Connection.offline, Connection.unreachable):
            self.status.showMessage(getattr(exc, "message", "Sync failed."), 10_000)
        self.refresh_status()

    def renew_sign_in(self) -> None:
        """The banner's "Sign in with <council>": the browser (on the sign-in
        worker), then `POST /auth/renew` on the network worker, then a sync."""
        runner = self.scheduler.runner
        choice = sign_in_methods.remembered(self.vault.profile)
        if runner is None or choice.provider is None:
            return
        banner = self.sign_in_banner
        banner.set_waiting(choice.provider.name)

        def signed_in(token: ProviderToken) -> None:
            live = self.scheduler.runner
            if live is None:  # locked meanwhile: the banner comes back at the next sync
                banner.failed("")
                return
            live.online(lambda engine: enrolment.renew_sign_in(engine.transport, token)).success(
                lambda _none: self._renewed()
            ).failure(banner.failed).run()

        sign_in_op(
            self.tasks,
            choice,
            ca_bundle=enrolment.ca_bundle_for(self.vault.profile),
            open_browser=self.open_browser,
        ).success(signed_in).failure(banner.failed).run()

    def _renewed(self) -> None:
        self.sign_in_banner.done()
        self.sync_now()

    def _revoked(self, message: str) -> None:
        self.place = None
        if self.workspace is not None:
            self.workspace.hide()
            self.workspace.deleteLater()
            self.workspace, self.ctx = None, None
        self.scheduler.forget()
        self._enable_case_actions(False)
        self.tasks.db_now(lambda: self.vault.wipe(reason="the central record revoked this device"))
        self._show_wiped(message)

    # -- closing -------------------------------------------------------------

    def _save_layout(self) -> None:
        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.sync()  # with the splitters' positions (ui.splitters)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.workspace is not None:
            self._teardown()
        else:
            self._save_layout()
        _application().removeEventFilter(self._idle_watch)
        event.accept()


def _application() -> QCoreApplication:
    app = QApplication.instance()
    if app is None:  # Qt makes no window without one
        raise RuntimeError("no QApplication")
    return app
