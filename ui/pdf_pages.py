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
)

from desktop.errors import UserError
from desktop.exports import CLASSIFICATION, Marking
from ui.text import moment_text

# 96 dots an inch: the documents' CSS pixels are then a screen's pixels.
RESOLUTION = 96
_MM = RESOLUTION / 25.4
SIDE, BAND = 18 * _MM, 21 * _MM  # page margin; header and footer bands


class PageProgress(Protocol):
    """How far a PDF has got; `report` and `cancelled` run on the documents thread."""

    def report(self, done: int, total: int) -> None:
        """`done` of `total` pages painted; `total` is 0 while laying out."""

    def cancelled(self) -> bool: ...


class NoProgress:
    def report(self, done: int, total: int) -> None:
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


def write_pdf(html: str, marking: Marking, path: Path, progress: PageProgress | None = None) -> int:
    """Lay `html` out on A4 pages, paint each with `marking`, and write
    `path` whole or not at all (a failure or a cancel leaves no file, and an
    older file at `path` as it was). Returns the number of pages."""
    progress = progress or NoProgress()
    part = part_path(path)
    try:
        pages = _paint(html, marking, part, progress)
        os.replace(part, path)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return pages


def _paint(html: str, marking: Marking, part: Path, progress: PageProgress) -> int:
    progress.report(0, 0)
    writer = QPdfWriter(str(part))
    writer.setResolution(RESOLUTION)
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageMargins(QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter)
    writer.setTitle(f"{marking.document} — {CLASSIFICATION}")
    writer.setCreator("Caseworker")
    page = QRectF(0, 0, writer.width(), writer.height())
    body = page.adjusted(SIDE, BAND, -SIDE, -BAND)

    doc = QTextDocument()
    doc.documentLayout().setPaintDevice(writer)
    doc.setPageSize(QSizeF(body.width(), body.height()))
    doc.setHtml(html)
    total = doc.pageCount()
    painter = QPainter()
    if not painter.begin(writer):
        raise UserError(f"The PDF could not be written in {part.parent}: choose another folder.")
    try:
        for index in range(total):
            if progress.cancelled():
                raise Cancelled()
            if index:
                writer.newPage()
            painter.save()
            painter.translate(body.left(), body.top() - index * body.height())
            doc.drawContents(painter, QRectF(0, index * body.height(), body.width(), body.height()))
            painter.restore()
            _mark(painter, page, marking, index + 1, total)
            progress.report(index + 1, total)
    finally:
        painter.end()
    return total


def _mark(painter: QPainter, page: QRectF, marking: Marking, number: int, total: int) -> None:
    """The header and the footer of one page."""
    small, bold = QFont("sans-serif", 8), QFont("sans-serif", 9, QFont.Weight.Bold)
    width = page.width() - 2 * SIDE
    line = 5 * _MM

    def text(font: QFont, top: float, words: str, align: Qt.AlignmentFlag) -> None:
        painter.setFont(font)
        fitted = QFontMetricsF(font, painter.device()).elidedText(
            words, Qt.TextElideMode.ElideMiddle, width
        )
        flags = align | Qt.AlignmentFlag.AlignVCenter
        painter.drawText(QRectF(SIDE, top, width, line), int(flags), fitted)

    left, right, centre = (Qt.AlignmentFlag.AlignLeft, Qt.AlignmentFlag.AlignRight,
                           Qt.AlignmentFlag.AlignHCenter)  # fmt: skip
    exported = f"Exported {moment_text(marking.exported_at)} by {marking.exported_by}"
    text(bold, 5 * _MM, CLASSIFICATION, centre)
    text(small, 10 * _MM, f"{marking.document} — {marking.child_name}", left)
    text(small, 10 * _MM, f"Filter: {marking.filter}", right)
    painter.drawLine(int(SIDE), int(16 * _MM), int(page.width() - SIDE), int(16 * _MM))
    bottom = page.height()
    painter.drawLine(int(SIDE), int(bottom - 17 * _MM), int(page.width() - SIDE),
                     int(bottom - 17 * _MM))  # fmt: skip
    text(small, bottom - 16 * _MM, exported, left)
    text(small, bottom - 16 * _MM, f"Page {number} of {total}", right)
    text(bold, bottom - 10 * _MM, CLASSIFICATION, centre)
