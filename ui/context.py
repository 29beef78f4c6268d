"""What every screen of an unlocked window is handed: the session, the
workers, and the app-wide signals.

`Session` is touched only on the database thread (`ctx.tasks.db(...)`); the
widgets get plain values back in their success callbacks. When the window
locks, the session is closed and every widget built on it is thrown away.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QObject, Signal

from desktop import device
from desktop.account import SignedInAs, signed_in_as
from desktop.capabilities import Capability, capabilities
from desktop.case_reader import LeasedStore
from desktop.errors import LeaseExpired
from desktop.repository import CaseRepository
from desktop.vault import Vault
from sync.kinds.oversight import may_record
from sync.wire import Me, Policy
from ui.tasks import Online, Op, Tasks


def _now() -> datetime:
    return datetime.now(UTC)


class Session:
    """An unlocked worker's store and repository. Database thread only.

    Screens read through `repo` or `store`, both behind the offline lease
    (`desktop.case_reader`): once it has run out they raise LeaseExpired
    instead of reading case records.
    """

    def __init__(self, vault: Vault, *, clock: Callable[[], datetime] = _now) -> None:
        self._vault = vault
        self.clock = clock
        self.worker: str = vault.profile.settings().get("worker") or "me"
        self.repo = CaseRepository(vault.store, self.worker, clock=clock)
        # Who the central record says the worker is, as the last sync heard
        # it; the screens offered follow it from the next unlock.
        self.signed_in: SignedInAs | None = signed_in_as(vault.store.conn)
        self.capabilities = capabilities(self.signed_in.role if self.signed_in else None)

    def may_use(self, capability: Capability) -> bool:
        """Whether the worker's role is offered `capability`'s screens."""
        return capability in self.capabilities

    @property
    def store(self) -> LeasedStore:
        return self.repo.leased

    def policy(self) -> Policy:
        """The central record's policy (not case data: readable past the lease)."""
        return device.policy(self._vault.store.conn)

    def now(self) -> datetime:
        return self.clock()

    def me(self) -> Me | None:
        """Who the central record says the worker is (role, agency, team),
        as kept at the last sync; None before one (not case data)."""
        return device.me(self._vault.store.conn)

    def may_record(self, kind: str) -> bool:
        """Whether the worker's role may record `kind` (a sign-off, management
        oversight and case supervision are a manager's): unknown until the
        first sync says who they are, and then refused."""
        me = self.me()
        return may_record(kind, me.role if me else None)


class Events(QObject):
    """App-wide notifications, emitted on the UI thread."""

    #: a child's records changed here (an edit) or arrived by sync; "" = many
    sig_records_changed = Signal(str)
    #: the worker asked to open a child's record (child id)
    sig_open_child = Signal(str)
    #: the worker asked to see the conflicts view
    sig_show_conflicts = Signal()
    #: a local edit was stored (drives sync-after-a-pause)
    sig_local_edit = Signal()
    #: a read was refused because the offline lease has run out (the message)
    sig_lease_expired = Signal(str)
    #: whose record is on screen: the child's name for the window title, or
    #: "" for nobody's (never logged)
    sig_child_shown = Signal(str)


@dataclass
class AppContext:
    tasks: Tasks
    session: Session
    events: Events
    show_error: Callable[[BaseException], None]
    #: set when the window locks: queued reads are skipped, late results dropped
    closed: bool = False
    #: the online-only asks, run with the sync engine on the network worker
    #: (`SyncRunner.online`); set by the window once its runner is attached
    online: Online | None = None

    def alive(self) -> bool:
        return not self.closed

    def db(self, fn: Callable[[], Any]) -> Op[Any]:
        """Shorthand: `ctx.db(lambda: ...).success(...).run()`; errors shown
        kindly, and a read refused by the lease hides the case records."""
        return self.tasks.db(fn, self.alive).failure(self.read_failed)

    def read_failed(self, exc: BaseException) -> None:
        if isinstance(exc, LeaseExpired):
            self.events.sig_lease_expired.emit(exc.message)
        else:
            self.show_error(exc)

    def write(
        self,
        fn: Callable[[CaseRepository], Any],
        child_id: str,
        *,
        done: Callable[[Any], None] | None = None,
        failed: Callable[[BaseException], None] | None = None,
    ) -> None:
        """Run one repository write on the database thread, then tell the
        window that `child_id`'s records changed (so views and the status bar
        refresh and a sync follows after a pause). `failed` gets the error
        (a `RecordInvalid` names its field); without it the error is shown."""
        repo = self.session.repo

        def finished(value: Any) -> None:
            self.events.sig_records_changed.emit(child_id)
            self.events.sig_local_edit.emit()
            if done is not None:
                done(value)

        self.tasks.db(lambda: fn(repo), self.alive).success(finished).failure(
            failed or self.show_error
        ).run()
