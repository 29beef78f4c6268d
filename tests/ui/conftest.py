"""Fixtures for the app's widgets: a real vault on the Secret Service, the
app's real database worker, and a record of the errors the UI would show."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from tests.conftest import PASSPHRASE
from ui.context import AppContext, Events, Session
from ui.tasks import Tasks

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)

CHILD = {
    "first_name": "Thistle",
    "last_name": "Puddingstone",
    "date_of_birth": "2012-02-02",
    "legal_status": "cp",
    "legal_status_start": "2026-01-05",
    "flags": ["cse"],
}


class ShownErrors(list):
    """The errors the window would have shown, in order."""

    def __call__(self, exc: BaseException) -> None:
        self.append(exc)


@pytest.fixture
def shown_errors() -> ShownErrors:
    return ShownErrors()


@pytest.fixture
def tasks(qapp, shown_errors) -> Iterator[Tasks]:
    t = Tasks(on_error=shown_errors)
    yield t
    t.shutdown()


@pytest.fixture
def unlocked(vault):
    vault.create(PASSPHRASE)
    vault.profile.update_settings(worker="worker.one")
    return vault


@pytest.fixture
def ctx(unlocked, tasks, shown_errors) -> AppContext:
    """An unlocked session at a fixed time (due dates are computed from NOW)."""
    session = tasks.db_now(lambda: Session(unlocked, clock=lambda: NOW))
    return AppContext(tasks=tasks, session=session, events=Events(), show_error=shown_errors)


@pytest.fixture
def child_id(ctx) -> str:
    record = ctx.tasks.db_now(lambda: ctx.session.repo.create("child", dict(CHILD)))
    return str(record.id)


def db(ctx: AppContext, fn):
    """Run `fn(repo)` on the database thread and return its result (test helper)."""
    return ctx.tasks.db_now(lambda: fn(ctx.session.repo))
