"""Visit notes and chronologies to PDF with Qt's own printing.

A PDF is case data leaving the encrypted store on purpose: the worker picks
where it goes, what goes in is read through the case reader at that moment
(so nothing leaves past the offline lease), and every export is audited in
the same step. Times are printed as they were in England.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from html import escape
from pathlib import Path

from PySide6.QtGui import QPageSize, QPdfWriter, QTextDocument
from PySide6.QtWidgets import QFileDialog, QWidget

from desktop.chronology import ChronologyEntry
from desktop.repository import CaseRepository
from sync.kinds import display_name
from sync.wire import Record
from ui.context import AppContext
from ui.labels import kind_label, label
from ui.text import moment_text, when_text
from ui.visit_form import TEXT_FIELDS

_STYLE = (
    "body{font-family:sans-serif;font-size:10pt} h1{font-size:15pt} h3{font-size:11pt}"
    " th{text-align:left;padding-right:12px} td{vertical-align:top} p.meta{color:#444}"
)
_ONE_LINE = "white-space:nowrap"
Done = Callable[[Path], None]


@dataclass(frozen=True)
class VisitExport:
    """What a visit PDF shows, read on the database thread."""

    record: Record
    child_name: str
    addenda: list[Record]
    worker: str
    at: datetime


@dataclass(frozen=True)
class ChronologyExport:
    child_name: str
    entries: list[ChronologyEntry]
    worker: str
    at: datetime


# Keyed by object: a stored value is looked up as it is, whatever it holds.
_YES_NO: dict[object, str] = {True: "Yes", False: "No"}


def _yes_no(value: object) -> str:
    return _YES_NO.get(value, "Not recorded")


def _paragraphs(text: str) -> str:
    return "".join(f"<p>{escape(line) or '&nbsp;'}</p>" for line in text.splitlines()) or "—"


def _footer(worker: str, at: datetime) -> str:
    return (
        f"<p class='meta'>Exported {escape(moment_text(at))} by {escape(worker)}."
        " Confidential: keep it as safely as the record itself.</p>"
    )


def visit_html(export: VisitExport) -> str:
    record = export.record
    d = record.data
    final = d.get("status") == "final"
    rows = [
        ("Child", export.child_name),
        ("Visit type", label(d.get("visit_type"))),
        ("Started", moment_text(d.get("start"))),
        ("Where", label(d.get("location_type")) or "Not recorded"),
        ("Child seen", _yes_no(d.get("child_seen"))),
        ("Seen alone", _yes_no(d.get("seen_alone"))),
        ("Why not", d.get("not_seen_reason") or d.get("not_seen_alone_reason") or ""),
        ("Status", f"Final ({moment_text(d.get('finalised_at'))})" if final else "Draft"),
        ("Recorded by", record.updated_by),
    ]
    table = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows if v)
    sections = "".join(
        f"<h3>{escape(title.replace('&', ''))}</h3>{_paragraphs(d.get(name) or '')}"
        for name, title in TEXT_FIELDS
    )
    addenda = "".join(
        f"<h3>Addendum, {escape(moment_text(a.data.get('written_at')))}"
        f" — {escape(label(a.data.get('reason')))} ({escape(a.updated_by)})</h3>"
        f"{_paragraphs(a.data.get('text') or '')}"
        for a in export.addenda
    )
    if addenda:
        addenda = "<h2>Addenda</h2>" + addenda
    return (
        f"<style>{_STYLE}</style><h1>Visit note{'' if final else ' (draft)'}</h1>"
        f"<table>{table}</table>{sections}{addenda}{_footer(export.worker, export.at)}"
    )


def chronology_html(export: ChronologyExport) -> str:
    rows = "".join(
        # When, what and title on one line each: the summary takes the rest.
        f"<tr><td style='{_ONE_LINE}'>{escape(when_text(e.at))}</td>"
        f"<td style='{_ONE_LINE}'>{escape(kind_label(e.kind))}</td>"
        f"<td style='{_ONE_LINE}'>{escape(e.title)}</td><td>{escape(e.summary)}</td></tr>"
        for e in export.entries
    )
    return (
        f"<style>{_STYLE}</style><h1>Chronology — {escape(export.child_name)}</h1>"
        "<table cellpadding='3'><tr><th>When</th><th>What</th><th>Title</th>"
        f"<th>Summary</th></tr>{rows}</table>{_footer(export.worker, export.at)}"
    )


def write_pdf(html: str, path: Path) -> None:
    writer = QPdfWriter(str(path))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setTitle("Caseworker record — confidential")
    doc = QTextDocument()
    doc.setHtml(html)
    doc.print_(writer)


def _ask_path(parent: QWidget, suggested: str) -> Path | None:
    path, _ = QFileDialog.getSaveFileName(parent, "Export to PDF", suggested, "PDF (*.pdf)")
    return Path(path) if path else None


def read_visit_export(repo: CaseRepository, record_id: str) -> VisitExport:
    """On the database thread: the note as stored now, its child and addenda,
    audited as an export. Raises LeaseExpired past the lease (nothing audited)."""
    record = repo.get(record_id)
    if record is None:
        raise LookupError("the visit note is no longer on this laptop")
    child = repo.get(record.child_id)
    addenda = repo.addenda(record_id)
    repo.audit("export", record.child_id, record_id)
    name = display_name(child.data) if child else ""
    return VisitExport(record, name, addenda, repo.worker, repo.clock())


def read_chronology_export(repo: CaseRepository, child_id: str) -> ChronologyExport:
    """On the database thread: the child's whole chronology, audited as an export."""
    child = repo.get(child_id)
    entries = repo.chronology(child_id)
    repo.audit("export", child_id)
    name = display_name(child.data) if child else ""
    return ChronologyExport(name, entries, repo.worker, repo.clock())


def export_visit_pdf(
    parent: QWidget,
    ctx: AppContext,
    record: Record,
    path: Path | None = None,
    done: Done | None = None,
) -> None:
    """Ask where (unless `path` is given), then write the note's PDF."""
    path = path or _ask_path(parent, "visit-note.pdf")
    if path is None:
        return
    repo, record_id = ctx.session.repo, str(record.id)
    ctx.db(lambda: read_visit_export(repo, record_id)).success(
        lambda export: _written(visit_html(export), path, done)
    ).run()


def export_chronology_pdf(
    parent: QWidget,
    ctx: AppContext,
    child_id: str,
    path: Path | None = None,
    done: Done | None = None,
) -> None:
    """Ask where (unless `path` is given), then write the child's chronology PDF."""
    path = path or _ask_path(parent, "chronology.pdf")
    if path is None:
        return
    repo = ctx.session.repo
    ctx.db(lambda: read_chronology_export(repo, child_id)).success(
        lambda export: _written(chronology_html(export), path, done)
    ).run()


def _written(html: str, path: Path, done: Done | None) -> None:
    write_pdf(html, path)
    if done is not None:
        done(path)
