"""Signing in (enrol, recover): the worker's password against its Argon2id
hash, with the service kept standing however many attempts arrive at once.

- At most `PASSWORD_CHECKS_AT_ONCE` checks run at a time in this process
  (each takes about 64 MiB): a crowd of 40 once took the service from 93 MB
  to 2.2 GB and stalled every pull behind it. An attempt waits for a check
  without holding a thread, for up to `PASSWORD_WAIT_S`; then it is
  answered 429 with Retry-After.
- The attempt is counted before its password is checked, so attempts made
  at once see each other, and a right password takes its count back.
- No check runs inside a transaction: on SQLite a write transaction holds
  the whole database.
- A failure is answered after a delay that grows with the failures of the
  name and of the address, waited out without holding a thread. A name is
  locked after a few failures; an address is only ever slowed, so a
  colleague's right password from the same office always gets in.
"""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from dataclasses import dataclass

from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool

from sync.server import auth

PASSWORD_CHECKS_AT_ONCE = 2
PASSWORD_WAIT_S = 3.0
BUSY_RETRY_AFTER_S = 1


class Busy(Exception):
    """No password check could start in time."""


class Refused(Exception):
    """Wrong worker name or password (answered after `delay` seconds)."""

    def __init__(self, delay: float) -> None:
        super().__init__("sign-in refused")
        self.delay = delay


@dataclass(frozen=True)
class SignedIn:
    worker_id: int
    name: str
    role: str  # a `roles.Role` code


class PasswordGate:
    """A bounded number of password checks at once. Waiting is asynchronous:
    a crowd of sign-ins never takes the threads that pulls and pushes run on.
    The semaphore belongs to the event loop that first waits on it (the
    service runs one)."""

    def __init__(self, slots: int = PASSWORD_CHECKS_AT_ONCE, wait_s: float = PASSWORD_WAIT_S):
        self.slots, self.wait_s = slots, wait_s
        self._semaphore = asyncio.Semaphore(slots)

    @asynccontextmanager
    async def slot(self):
        if self.wait_s <= 0:
            if self._semaphore.locked():
                raise Busy()
            await self._semaphore.acquire()
        else:
            try:
                await asyncio.wait_for(self._semaphore.acquire(), timeout=self.wait_s)
            except TimeoutError:
                raise Busy() from None
        try:
            yield
        finally:
            self._semaphore.release()


class SignIn:
    def __init__(self, engine: Engine, gate: PasswordGate) -> None:
        self.engine, self.gate = engine, gate

    async def __call__(self, worker: str, password: str, address: str) -> SignedIn:
        """The signed-in worker; raises auth.TooManyAttempts (the name is
        locked), Busy or Refused (after its delay)."""
        async with self.gate.slot():
            outcome = await run_in_threadpool(self._check, worker, password, address)
        if isinstance(outcome, Refused):
            await asyncio.sleep(outcome.delay)
            raise outcome
        return outcome

    def _check(self, worker: str, password: str, address: str) -> SignedIn | Refused:
        # Each step in its own short transaction, the check in none.
        with self.engine.begin() as conn:
            auth.check_not_locked(conn, worker, address)
            failures = auth.count_attempt(conn, worker, address)
            account = auth.find_worker(conn, worker)
        # A disabled account is refused as a wrong password is, after the
        # same check: the answer never says which accounts are disabled.
        if not auth.check_password(account, password) or account is None or account.disabled:
            return Refused(auth.failure_delay(failures))
        with self.engine.begin() as conn:
            auth.forgive(conn, worker, address)
        return SignedIn(account.id, account.name, account.role)
