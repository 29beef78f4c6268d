"""Paged PDFs that mark every page: the security classification at the top
and the bottom, whose record it is and what the document is, when and by
whom it was exported, the filter applied, and "Page 3 of 12".

`write_pdf` is a plain job for the documents thread (`Tasks.documents`): it
makes its own QTextDocument and QPdfWriter there and frees them there. Qt
allows painting and text layout off the GUI thread on a paint device that
is not a widget or pixmap (QImage, QPrinter, QPdfWriter), which is all this
touches; the thread has an event dispatcher for the document's layout
timers. The file is written where the worker chose and nowhere else.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QFont,
    QFontMetricsF,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextDocument,
    QTextTable,
)

from desktop.errors import UserError
from desktop.exports import CLASSIFICATION, Marking
from ui.text import moment_text

# 96 dots an inch: the documents' CSS pixels are then a screen's pixels.
RESOLUTION = 96
_MM = RESOLUTION / 25.4
SIDE, BAND = 18 * _MM, 21 * _MM  # page margin; header and footer bands
# Every document's look, given to each QTextDocument a printout is laid out in.
STYLE = (
    "body{font-family:sans-serif;font-size:10pt} h1{font-size:15pt} h2{font-size:12pt}"
    " h3{font-size:11pt} th{text-align:left;padding-right:12px} td{vertical-align:top}"
    " p{margin-top:0;margin-bottom:6px}"
)


@dataclass(frozen=True)
class Printout:
    """What a document prints: its opening (title, facts, text) and, after
    it, an optional table whose header row repeats on every page and whose
    rows are never split between pages (a chronology)."""

    html: str
    table: str = ""  # the table's opening tag, "<table cellpadding='3'>"
    head: str = ""  # its header row, "<tr><th>…</th></tr>"
    rows: tuple[str, ...] = ()  # "<tr>…</tr>" each


class PageProgress(Protocol):
    """How far a PDF has got; both run on the documents thread."""

    def report(self, words: str, done: int, total: int) -> None:
        """`done` of `total` (0: not known yet), with what is being done."""

    def cancelled(self) -> bool: ...


class NoProgress:
    def report(self, words: str, done: int, total: int) -> None:
        pass

    def cancelled(self) -> bool:
        return False


class Cancelled(Exception):
    """The worker stopped the export; nothing was written."""


def part_path(path: Path) -> Path:
    """Where the pages go until the last is painted: beside the target (the
    folder the worker chose), so the rename is atomic and no copy of the
    case data lands anywhere else."""
    return path.with_name(f".{path.name}.part")


def write_pdf(
    printout: Printout, marking: Marking, path: Path, progress: PageProgress | None = None
) -> int:
    """Lay `printout` out on A4 pages, paint each with `marking`, and write
    `path` whole or not at all (a failure or a cancel leaves no file, and an
    older file at `path` as it was). Returns the number of pages."""
    progress = progress or NoProgress()
    part = part_path(path)
    try:
        pages = _write(printout, marking, part, progress)
        os.replace(part, path)
    except OSError as exc:
        part.unlink(missing_ok=True)
        # The file's name is the child's: the message names only the folder.
        raise _not_written(path.parent, exc.strerror) from None
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return pages


def _not_written(folder: Path, why: str | None = None) -> UserError:
    reason = f" ({why})" if why else ""
    return UserError(f"The PDF could not be saved in {folder}{reason}: choose another folder.")


# One printed page: a laid-out document, which of its pages, and how much of
# that page (from its top) to paint.
_Page = tuple[QTextDocument, int, float]


class _Layout:
    """Lays a printout out in pages for one writer.

    PySide holds the interpreter lock through each call into Qt, so one
    QTextDocument of a whole chronology (a second or more in `setHtml` and
    `pageCount`) would stop the window as surely as laying it out on the UI
    thread. The table is laid out a page at a time instead: each call is
    short, and the window's thread runs between them.
    """

    def __init__(self, writer: QPdfWriter, body: QRectF, progress: PageProgress) -> None:
        self.writer, self.progress = writer, progress
        self.size = QSizeF(body.width(), body.height())

    def doc(self, html: str) -> QTextDocument:
        doc = QTextDocument()
        doc.setDefaultStyleSheet(STYLE)
        doc.documentLayout().setPaintDevice(self.writer)
        doc.setPageSize(self.size)
        doc.setHtml(html)
        return doc

    def table_doc(self, opening: str, printout: Printout, rows: tuple[str, ...]) -> QTextDocument:
        # The header row is a <thead>: Qt repeats it where a table runs on.
        head = f"{printout.table}<thead>{printout.head}</thead>"
        return self.doc(f"{opening}{head}{''.join(rows)}</table>")

    def pages(self, printout: Printout) -> list[_Page]:
        if not printout.rows:
            doc = self.doc(printout.html)
            return [(doc, n, self.size.height()) for n in range(doc.pageCount())]
        pages: list[_Page] = []
        rows, start, take, opening = printout.rows, 0, 40, printout.html
        while start < len(rows):
            if self.progress.cancelled():
                raise Cancelled()
            chunk = rows[start : start + take]
            doc = self.table_doc(opening, printout, chunk)
            if doc.pageCount() == 1:
                if start + len(chunk) == len(rows):  # the last page
                    pages.append((doc, 0, self.size.height()))
                    break
                take *= 2  # the page is not full yet: more rows
                continue
            fit = self._fill(doc, len(chunk), pages)
            if fit == 0:  # a row taller than a page: alone, it runs on over pages
                doc = self.table_doc(opening, printout, chunk[:1])
                pages.extend((doc, n, self.size.height()) for n in range(doc.pageCount()))
                fit = 1
            start, take, opening = start + fit, fit + 10, ""
            self.progress.report("Laying out the entries", start, len(rows))
        return pages

    def _fill(self, doc: QTextDocument, count: int, pages: list[_Page]) -> int:
        """Add the pages of `doc` up to the one where its table starts, that
        one as far as its last whole row; how many rows that took (0: not
        even one, and nothing added)."""
        # The last table: the opening may have tables of its own.
        table = [f for f in doc.rootFrame().childFrames() if isinstance(f, QTextTable)][-1]
        assert table.rows() == count + 1, "the rows are the last table's"
        layout, height = doc.documentLayout(), self.size.height()

        def top(row: int) -> float:  # in the document; row 0 is the header
            block = table.cellAt(row, 0).firstCursorPosition().block()
            return layout.blockBoundingRect(block).top()

        page = int(top(1) // height)  # a long opening runs on over pages before
        end = (page + 1) * height
        fit = 0
        while fit + 1 < count and top(fit + 2) < end:
            fit += 1
        if fit:
            pages.extend((doc, n, height) for n in range(page))
            pages.append((doc, page, top(fit + 1) - 1 - page * height))
        return fit


def _write(printout: Printout, marking: Marking, part: Path, progress: PageProgress) -> int:
    progress.report("Laying out the pages", 0, 0)
    writer = QPdfWriter(str(part))
    writer.setResolution(RESOLUTION)
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageMargins(QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter)
    writer.setTitle(f"{marking.document} — {CLASSIFICATION}")
    writer.setCreator("Caseworker")
    page = QRectF(0, 0, writer.width(), writer.height())
    body = page.adjusted(SIDE, BAND, -SIDE, -BAND)
    pages = _Layout(writer, body, progress).pages(printout)
    if progress.cancelled():
        raise Cancelled()
    painter = QPainter()
    if not painter.begin(writer):
        raise _not_written(part.parent)
    total = len(pages)
    try:
        for number, (doc, index, clip) in enumerate(pages, 1):
            if progress.cancelled():
                raise Cancelled()
            if number > 1:
                writer.newPage()
            painter.save()
            top = index * body.height()
            painter.translate(body.left(), body.top() - top)
            doc.drawContents(painter, QRectF(0, top, body.width(), clip))
            painter.restore()
            _mark(painter, page, marking, number, total)
            progress.report("Writing page", number, total)
    finally:
        painter.end()
    return total


def _mark(painter: QPainter, page: QRectF, marking: Marking, number: int, total: int) -> None:
    """The header and the footer of one page: the classification centred at
    the top and the bottom, and between them a line each side, the left one
    shortened (in its middle) where it would run into the right one."""
    small, bold = QFont("sans-serif", 8), QFont("sans-serif", 9, QFont.Weight.Bold)
    width, line, gap = page.width() - 2 * SIDE, 5 * _MM, 4 * _MM
    middle = int(Qt.AlignmentFlag.AlignVCenter)

    def centred(top: float, words: str) -> None:
        painter.setFont(bold)
        flags = int(Qt.AlignmentFlag.AlignHCenter) | middle
        painter.drawText(QRectF(SIDE, top, width, line), flags, words)

    def sides(top: float, left: str, right: str) -> None:
        painter.setFont(small)
        metrics = QFontMetricsF(small, painter.device())
        room = width - metrics.horizontalAdvance(right) - gap
        fitted = metrics.elidedText(left, Qt.TextElideMode.ElideMiddle, room)
        box = QRectF(SIDE, top, width, line)
        painter.drawText(box, int(Qt.AlignmentFlag.AlignLeft) | middle, fitted)
        painter.drawText(box, int(Qt.AlignmentFlag.AlignRight) | middle, right)

    bottom = page.height()
    centred(5 * _MM, CLASSIFICATION)
    sides(10 * _MM, f"{marking.document} — {marking.child_name}", f"Filter: {marking.filter}")
    for y in (16 * _MM, bottom - 17 * _MM):
        painter.drawLine(int(SIDE), int(y), int(page.width() - SIDE), int(y))
    exported = f"Exported {moment_text(marking.exported_at)} by {marking.exported_by}"
    sides(bottom - 16 * _MM, exported, f"Page {number} of {total}")
    centred(bottom - 10 * _MM, CLASSIFICATION)
