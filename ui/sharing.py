"""Share… : a document's PDF and the record that it was shared, in one step.

1. the Share dialog asks with whom, why, on what basis and with what
   consent, and checks that by the sharing kind's rules (`ui.share_dialog`);
2. the PDF is written as any export is (`ui.printing`: the save dialog,
   the read audited as an export, the pages off the UI thread);
3. only once the file is whole, the sharing record and its `share` audit
   event are stored together (`desktop.sharing.record_sharing`).

A PDF that cannot be written shares nothing: step 3 never runs. A sharing
that cannot be recorded takes its PDF away again, and the worker is told
both: a document handed over with no record of it is what inspections
found most often.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QMainWindow, QWidget

from desktop.england import today_in_england
from desktop.errors import UserError
from desktop.exports import CHRONOLOGY, PLAN, POLICE_PACK, VISIT_NOTE, PolicePackExport
from desktop.sharing import record_sharing
from sync.wire import Record
from ui.context import AppContext
from ui.errors import worker_message
from ui.labels import label
from ui.printing import (
    Done,
    export_chronology_pdf,
    export_plan_pdf,
    export_police_pack_pdf,
    export_visit_pdf,
)
from ui.share_dialog import ShareDialog
from ui.text import day_text, moment_text

Recorded = Callable[[Record], None]
_SAID_FOR = 30_000  # ms the status bar says what was shared


@dataclass
class Shareable:
    """A document that can be shared: what it is, the words the sharing
    starts with, the records it is drawn from (a police pack's are known
    once it is read) and how its PDF is written (`path`, or ask; `done`)."""

    child_id: str
    document: str
    what: str
    write: Callable[[Path | None, Done], None]
    drawn_from: list[str] = field(default_factory=list)
    agency: str | None = None


def share(
    parent: QWidget | None,
    ctx: AppContext,
    item: Shareable,
    *,
    path: Path | None = None,
    recorded: Recorded | None = None,
) -> ShareDialog:
    """Open the Share dialog for `item`; on Share, write its PDF (at `path`,
    or where the worker chooses) and then record the sharing (`recorded`
    is told the record). Returns the dialog, already open."""
    dialog = ShareDialog(parent, document=item.document, what=item.what,
                         day=today_in_england(ctx.session.clock()), worker=ctx.session.worker,
                         agency=item.agency)  # fmt: skip

    def chosen(data: dict[str, Any]) -> None:
        item.write(path, lambda written: _record(parent, ctx, item, data, written, recorded))

    dialog.sig_chosen.connect(chosen)
    dialog.open()
    return dialog


def _record(
    parent: QWidget | None,
    ctx: AppContext,
    item: Shareable,
    data: dict[str, Any],
    written: Path,
    recorded: Recorded | None,
) -> None:
    data = {**data, "drawn_from": list(item.drawn_from)}  # as read for the PDF
    child_id = item.child_id

    def done(record: Record) -> None:
        window = parent.window() if parent is not None else None
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(
                f"Shared with {label(data.get('agency'))}: {written.name} in {written.parent},"
                " and recorded on the Sharing tab",
                _SAID_FOR,
            )
        if recorded is not None:
            recorded(record)

    def failed(exc: BaseException) -> None:
        written.unlink(missing_ok=True)
        ctx.show_error(UserError(
            "The sharing could not be recorded, so the PDF was removed from"
            f" {written.parent} and nothing was shared: {worker_message(exc)}"
        ))  # fmt: skip

    ctx.write(lambda repo: record_sharing(repo, child_id, data), child_id, done=done,
              failed=failed)  # fmt: skip


# -- what each document shares ------------------------------------------------------


def visit_shareable(parent: QWidget | None, ctx: AppContext, visit: Record) -> Shareable:
    d = visit.data
    what = f"Visit note of {moment_text(d.get('start'))} ({label(d.get('visit_type'))}), as a PDF"
    return Shareable(
        str(visit.child_id), VISIT_NOTE, what,
        lambda path, done: export_visit_pdf(parent, ctx, visit, path, done),
        drawn_from=[str(visit.id)],
    )  # fmt: skip


def plan_shareable(
    parent: QWidget | None, ctx: AppContext, plan: Record, actions: list[str]
) -> Shareable:
    d = plan.data
    started = f" from {day_text(d['start_date'])}" if d.get("start_date") else ""
    what = f"Risk-management plan ({label(d.get('plan_type'))}){started} with its actions, as a PDF"
    return Shareable(
        str(plan.child_id), PLAN, what,
        lambda path, done: export_plan_pdf(parent, ctx, plan, path, done),
        drawn_from=[str(plan.id), *actions],
    )  # fmt: skip


def chronology_shareable(
    parent: QWidget | None,
    ctx: AppContext,
    child_id: str,
    entries: list[str],
    *,
    kinds: list[str] | None,
    filter: str,
) -> Shareable:
    shown = "every entry" if not kinds else filter.lower()
    return Shareable(
        child_id, CHRONOLOGY, f"Chronology ({shown}), as a PDF",
        lambda path, done: export_chronology_pdf(parent, ctx, child_id, path, done,
                                                 kinds=kinds, filter=filter),
        drawn_from=entries,
    )  # fmt: skip


def police_pack_shareable(parent: QWidget | None, ctx: AppContext, child_id: str) -> Shareable:
    item = Shareable(
        child_id, POLICE_PACK,
        "Police pack: the missing-person profile, recent missing episodes, open concerns"
        " and the current plan's risks, as a PDF",
        lambda path, done: None,
        agency="police",
    )  # fmt: skip

    def drawn(export: PolicePackExport) -> None:
        item.drawn_from = export.drawn_from()

    item.write = lambda path, done: export_police_pack_pdf(
        parent, ctx, child_id, path, done, read_done=drawn
    )
    return item
