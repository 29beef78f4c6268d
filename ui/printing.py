"""Visit notes and chronologies to PDF with Qt's own printing.

A PDF is case data leaving the encrypted store on purpose: the worker picks
where it goes, and every export is audited.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtGui import QPageSize, QPdfWriter, QTextDocument
from PySide6.QtWidgets import QFileDialog, QWidget

from desktop.chronology import ChronologyEntry
from sync.kinds import display_name
from sync.wire import Record
from ui.context import AppContext
from ui.labels import label
from ui.visit_editor import TEXT_FIELDS

_STYLE = "body{font-family:sans-serif;font-size:10pt} h1{font-size:15pt} th{text-align:left}"


def _yes_no(value: object) -> str:
    return {True: "Yes", False: "No"}.get(value, "Not recorded")  # type: ignore[arg-type]


def visit_html(record: Record, child_name: str) -> str:
    d = record.data
    rows = [
        ("Child", child_name),
        ("Visit type", label(d.get("visit_type"))),
        ("Started", str(d.get("start", ""))),
        ("Where", label(d.get("location_type")) or "Not recorded"),
        ("Child seen", _yes_no(d.get("child_seen"))),
        ("Seen alone", _yes_no(d.get("seen_alone"))),
        ("Status", "Final" if d.get("status") == "final" else "Draft (not finalised)"),
        ("Recorded by", record.updated_by),
    ]
    table = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows)
    sections = "".join(
        f"<h3>{escape(title.replace('&', ''))}</h3><p>{escape(d.get(name) or '—')}</p>"
        for name, title in TEXT_FIELDS
    )
    return f"<style>{_STYLE}</style><h1>Visit note</h1><table>{table}</table>{sections}"


def chronology_html(child_name: str, entries: list[ChronologyEntry]) -> str:
    rows = "".join(
        f"<tr><td>{escape(e.at[:16].replace('T', ' '))}</td><td>{escape(label(e.kind))}</td>"
        f"<td>{escape(e.title)}</td><td>{escape(e.summary)}</td></tr>"
        for e in entries
    )
    return (
        f"<style>{_STYLE}</style><h1>Chronology — {escape(child_name)}</h1>"
        f"<table cellpadding='3'><tr><th>When</th><th>What</th><th>Title</th><th>Summary</th>"
        f"</tr>{rows}</table>"
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


def export_visit_pdf(parent: QWidget, ctx: AppContext, record: Record) -> None:
    path = _ask_path(parent, "visit-note.pdf")
    if path is None:
        return
    repo = ctx.session.repo

    def name_and_audit() -> str:
        child = repo.get(record.child_id)
        repo.audit("export", record.child_id, str(record.id))
        return display_name(child.data) if child else ""

    ctx.db(name_and_audit).success(lambda name: write_pdf(visit_html(record, name), path)).run()


def export_chronology_pdf(
    parent: QWidget, ctx: AppContext, child_id: str, child_name: str, entries: list[ChronologyEntry]
) -> None:
    path = _ask_path(parent, "chronology.pdf")
    if path is None:
        return
    repo = ctx.session.repo
    ctx.db(lambda: repo.audit("export", child_id)).success(
        lambda _none: write_pdf(chronology_html(child_name, entries), path)
    ).run()
