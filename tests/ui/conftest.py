"""Fixtures for the app's widgets: a real vault on the Secret Service, the
app's real database worker, and a record of the errors the UI would show."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.helpers import CHILD, NOW, PASSWORD, UI_WORKER, create_vault
from tests.ui.walk import synthetic_laptop, synthetic_window  # noqa: F401 (fixtures)
from ui.context import AppContext, Events, Session
from ui.tasks import Tasks


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
    create_vault(vault)
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


@pytest.fixture
def service_database() -> None:
    """The window tests run against the central record on SQLite only: the
    service's storage is tested on both databases in tests/server and tests/sync."""
    return None


@pytest.fixture
def ui_worker(service) -> str:
    """The worker the window signs in as, known to the central record."""
    service.add_worker(UI_WORKER, PASSWORD)
    return UI_WORKER
