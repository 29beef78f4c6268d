"""Visit notes, chronologies, risk-management plans, meeting minutes and police packs to PDF.

A PDF is case data leaving the encrypted store on purpose, so one export
goes step by step, each on its own thread:

1. the database thread suggests a file in the worker's Documents folder
   named for the child, the document and the day (`desktop.exports`);
2. the worker chooses where in a save dialog (window-modal, no nested loop);
3. the database thread reads the document through the case reader (nothing
   leaves past the offline lease) and audits the export in the same step;
4. the documents thread lays it out and paints it (`ui.pdf_pages`) while a
   progress dialog counts the pages: a chronology of a hundred pages takes
   seconds, and the window answers all the while;
5. the status bar says where it was saved.

Nothing reachable from the documents thread holds a Qt object: the running
exports live in `_running` on the UI thread, found again by a number.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from pathlib import Path

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMainWindow, QProgressDialog, QWidget

from desktop.exports import (
    CHRONOLOGY,
    MEETING,
    NO_FILTER,
    PLAN,
    POLICE_PACK,
    VISIT_NOTE,
    Marking,
    PolicePackExport,
    read_chronology_export,
    read_meeting_export,
    read_plan_export,
    read_police_pack,
    read_visit_export,
    suggested_path,
)
from sync.wire import Record
from ui.context import AppContext
from ui.documents import chronology_printout, meeting_printout, plan_printout, visit_printout
from ui.pdf_pages import Cancelled, Printout, write_pdf
from ui.police_pack import police_pack_printout

Done = Callable[[Path], None]
# A document and its marking, read on the database thread.
Read = Callable[[], tuple[Printout, Marking]]
_SAVED_FOR = 30_000  # ms the status bar says where the file went
_numbers = itertools.count(1)


class _Pages:
    """The documents thread's progress handle: plain Python, no Qt."""

    def __init__(self, number: int, ctx: AppContext) -> None:
        self.number = number
        self.stop = threading.Event()
        self._ctx = ctx

    def report(self, words: str, done: int, total: int) -> None:
        number = self.number
        self._ctx.tasks.call_soon(lambda: _show_progress(number, words, done, total))

    def cancelled(self) -> bool:
        # Locking the window stops an export too: its file is not finished.
        return self.stop.is_set() or not self._ctx.alive()


class _Export:
    """One export on the UI thread: its progress dialog and who to tell."""

    def __init__(self, parent: QWidget | None, document: str, pages: _Pages) -> None:
        self.parent = parent
        self.document = document
        self.dialog = QProgressDialog("Reading the record…", "Cancel", 0, 0, parent)
        self.dialog.setWindowTitle("Export to PDF")
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(300)  # a one-page note never flashes a dialog
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.canceled.connect(pages.stop.set)


_running: dict[int, _Export] = {}
_asking: set[QFileDialog] = set()  # save dialogs open (a parentless one has no other owner)


def _show_progress(number: int, words: str, done: int, total: int) -> None:
    export = _running.get(number)
    if export is None or not shiboken6.isValid(export.dialog):
        return
    dialog = export.dialog
    dialog.setLabelText(f"{words}: {done:,} of {total:,}…" if total else f"{words}…")
    dialog.setMaximum(total)  # 0 while not known: the bar shows it is busy
    dialog.setValue(done)


def _ask_path(parent: QWidget | None, suggested: Path, then: Callable[[Path], None]) -> None:
    """The save dialog, window-modal, starting at `suggested`; `then` runs
    with the chosen path (never if the worker cancels)."""
    dialog = QFileDialog(parent, "Export to PDF", str(suggested.parent), "PDF (*.pdf)")
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setDefaultSuffix("pdf")
    dialog.selectFile(suggested.name)
    dialog.fileSelected.connect(lambda chosen: then(Path(chosen)))
    _asking.add(dialog)

    def finished(_result: int) -> None:
        _asking.discard(dialog)
        dialog.deleteLater()

    dialog.finished.connect(finished)
    dialog.open()


def _export(
    parent: QWidget | None,
    ctx: AppContext,
    *,
    child_id: str,
    document: str,
    read: Read,
    path: Path | None,
    done: Done | None,
) -> None:
    def chosen(target: Path) -> None:
        ctx.db(read).success(
            lambda result: _render(parent, ctx, document, result, target, done)
        ).run()

    if path is not None:
        chosen(path)
        return
    repo = ctx.session.repo
    ctx.db(lambda: suggested_path(repo, child_id, document)).success(
        lambda suggested: _ask_path(parent, suggested, chosen)
    ).run()


def _render(
    parent: QWidget | None,
    ctx: AppContext,
    document: str,
    result: tuple[Printout, Marking],
    target: Path,
    done: Done | None,
) -> None:
    printout, marking = result
    number = next(_numbers)
    pages = _Pages(number, ctx)
    _running[number] = _Export(parent, document, pages)
    ctx.tasks.documents(lambda: write_pdf(printout, marking, target, pages)).success(
        lambda _count: _finished(number, target, done)
    ).failure(lambda exc: _failed(number, ctx, exc)).run()


def _close(number: int) -> _Export | None:
    export = _running.pop(number, None)
    if export is not None and shiboken6.isValid(export.dialog):
        export.dialog.close()
        export.dialog.deleteLater()
    return export


def _finished(number: int, target: Path, done: Done | None) -> None:
    export = _close(number)
    if export is not None:
        parent = export.parent
        window = parent.window() if parent is not None and shiboken6.isValid(parent) else None
        if isinstance(window, QMainWindow):
            words = f"Saved the {export.document.lower()} as {target.name} in {target.parent}"
            window.statusBar().showMessage(words, _SAVED_FOR)
    if done is not None:
        done(target)


def _failed(number: int, ctx: AppContext, exc: BaseException) -> None:
    _close(number)
    if not isinstance(exc, Cancelled) and ctx.alive():
        ctx.show_error(exc)


def export_visit_pdf(
    parent: QWidget | None,
    ctx: AppContext,
    record: Record,
    path: Path | None = None,
    done: Done | None = None,
) -> None:
    """Ask where (unless `path` is given), then write the note's PDF."""
    repo, record_id = ctx.session.repo, str(record.id)

    def read() -> tuple[Printout, Marking]:
        export = read_visit_export(repo, record_id)
        return visit_printout(export), export.marking

    _export(parent, ctx, child_id=str(record.child_id), document=VISIT_NOTE, read=read,
            path=path, done=done)  # fmt: skip


def export_chronology_pdf(
    parent: QWidget | None,
    ctx: AppContext,
    child_id: str,
    path: Path | None = None,
    done: Done | None = None,
    *,
    kinds: list[str] | None = None,
    filter: str = NO_FILTER,
) -> None:
    """Ask where (unless `path` is given), then write the child's chronology
    PDF: only `kinds` if given, with `filter` saying so on every page."""
    repo = ctx.session.repo

    def read() -> tuple[Printout, Marking]:
        export = read_chronology_export(repo, child_id, kinds, filter)
        return chronology_printout(export), export.marking

    _export(parent, ctx, child_id=child_id, document=CHRONOLOGY, read=read, path=path,
            done=done)  # fmt: skip


def export_plan_pdf(
    parent: QWidget | None,
    ctx: AppContext,
    plan: Record,
    path: Path | None = None,
    done: Done | None = None,
) -> None:
    """Ask where (unless `path` is given), then write the plan's PDF with
    its actions by agency."""
    repo, plan_id = ctx.session.repo, str(plan.id)

    def read() -> tuple[Printout, Marking]:
        export = read_plan_export(repo, plan_id)
        return plan_printout(export), export.marking

    _export(parent, ctx, child_id=str(plan.child_id), document=PLAN, read=read, path=path,
            done=done)  # fmt: skip


def export_meeting_pdf(
    parent: QWidget | None,
    ctx: AppContext,
    meeting: Record,
    path: Path | None = None,
    done: Done | None = None,
) -> None:
    """Ask where (unless `path` is given), then write the meeting's minutes
    and the actions agreed at it."""
    repo, meeting_id = ctx.session.repo, str(meeting.id)

    def read() -> tuple[Printout, Marking]:
        export = read_meeting_export(repo, meeting_id)
        return meeting_printout(export), export.marking

    _export(parent, ctx, child_id=str(meeting.child_id), document=MEETING, read=read,
            path=path, done=done)  # fmt: skip


def export_police_pack_pdf(
    parent: QWidget | None,
    ctx: AppContext,
    child_id: str,
    path: Path | None = None,
    done: Done | None = None,
    *,
    read_done: Callable[[PolicePackExport], None] | None = None,
) -> None:
    """Ask where (unless `path` is given), then write the child's police
    pack; `read_done` is told what the pack was drawn from once it is read."""
    repo = ctx.session.repo

    def read() -> tuple[Printout, Marking]:
        export = read_police_pack(repo, child_id)
        if read_done is not None:
            ctx.tasks.call_soon(lambda: read_done(export))
        return police_pack_printout(export), export.marking

    _export(parent, ctx, child_id=child_id, document=POLICE_PACK, read=read, path=path,
            done=done)  # fmt: skip
