"""Two enrolled laptops sharing a child, for the tab tests that record on one
laptop, sync, and read the record on the other: each laptop's tabs run on
their own app context (the app's real database worker, a real vault)."""

from __future__ import annotations

from tests.helpers import NOW, Laptop, child_data, db
from ui.context import AppContext, Events, Session
from ui.tasks import Tasks


def laptop_ctx(tasks: Tasks, laptop: Laptop, shown_errors) -> AppContext:
    """An app context over `laptop`'s unlocked vault, at the tests' fixed time."""
    session = tasks.db_now(lambda: Session(laptop.vault, clock=lambda: NOW))
    return AppContext(tasks=tasks, session=session, events=Events(), show_error=shown_errors)


def sync(ctx: AppContext, laptop: Laptop):
    """A real sync of `laptop` with the central record, on the database thread."""
    return ctx.tasks.db_now(laptop.sync)


def shared_child(laptops, service, tasks: Tasks, shown_errors):
    """Two laptops ("sw" records, "tl" reads) both holding one child the
    central record has, each with its app context: (ctx, ctx_other, child_id,
    sw, tl)."""
    sw, tl = laptops("sw.shared"), laptops("tl.shared")
    ctx, ctx_other = laptop_ctx(tasks, sw, shown_errors), laptop_ctx(tasks, tl, shown_errors)
    child = db(ctx, lambda r: r.create("child", child_data()))
    sync(ctx, sw)
    service.assign("tl.shared", child.id)
    sync(ctx_other, tl)
    return ctx, ctx_other, str(child.id), sw, tl
