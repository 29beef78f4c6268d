"""What each exported document says, as a `ui.pdf_pages.Printout`: a visit
note with its addenda, a chronology, a risk-management plan with its
actions by agency, and a meeting's minutes with the actions agreed at it.
Codes in their declared words (`ui.labels`), times in England (`ui.text`),
and the worker's text with the paragraphs and line breaks they typed.
Every page's marking (whose record, when, by whom, the filter) is
`ui.pdf_pages`'s; the first page repeats it for the reader.
"""

from __future__ import annotations

from datetime import datetime
from html import escape

from desktop.due_dates import action_is_open, action_overdue
from desktop.exports import ChronologyExport, Marking, MeetingExport, PlanExport, VisitExport
from sync.kinds.common import Agency
from sync.wire import Record
from ui.labels import kind_label, label
from ui.pdf_pages import Printout
from ui.text import day_text, moment_text, when_text, yes_no_text
from ui.visit_form import TEXT_FIELDS

_ONE_LINE = "white-space:nowrap"


def paragraphs(text: str) -> str:
    """The worker's text as they typed it: each line break a line break and
    each blank line a blank line (`pre-wrap` keeps them and still wraps)."""
    text = text.strip("\n")
    return f"<p style='white-space:pre-wrap'>{escape(text)}</p>" if text.strip() else "<p>—</p>"


def rows_table(rows: list[tuple[str, str]]) -> str:
    cells = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows if v)
    return f"<table cellpadding='2'>{cells}</table>"


def heading(marking: Marking, title: str) -> str:
    """The first page's title and what the marking says of the export."""
    meta = rows_table([
        ("Child", marking.child_name),
        ("Exported", f"{moment_text(marking.exported_at)} by {marking.exported_by}"),
        ("Filter", marking.filter),
        ("Times", "UK time (as the clocks in England showed)"),
    ])  # fmt: skip
    return f"<h1>{escape(title)}</h1>{meta}"


def visit_printout(export: VisitExport) -> Printout:
    record = export.record
    d = record.data
    final = d.get("status") == "final"
    table = rows_table([
        ("Visit type", label(d.get("visit_type"))),
        ("Started", moment_text(d.get("start"))),
        ("Where", label(d.get("location_type")) or "Not recorded"),
        ("Child seen", yes_no_text(d.get("child_seen"))),
        ("Seen alone", yes_no_text(d.get("seen_alone"))),
        ("Why not", d.get("not_seen_reason") or d.get("not_seen_alone_reason") or ""),
        ("Status", f"Final ({moment_text(d.get('finalised_at'))})" if final else "Draft"),
        ("Recorded by", record.updated_by),
    ])  # fmt: skip
    sections = "".join(
        f"<h3>{escape(title.replace('&', ''))}</h3>{paragraphs(d.get(name) or '')}"
        for name, title in TEXT_FIELDS
    )
    addenda = "".join(
        f"<h3>Addendum, {escape(moment_text(a.data.get('written_at')))}"
        f" — {escape(label(a.data.get('reason')))} ({escape(a.updated_by)})</h3>"
        f"{paragraphs(a.data.get('text') or '')}"
        for a in export.addenda
    )
    if addenda:
        addenda = "<h2>Addenda</h2>" + addenda
    title = "Visit note" if final else "Visit note (draft)"
    return Printout(f"{heading(export.marking, title)}<br/>{table}{sections}{addenda}")


def chronology_printout(export: ChronologyExport) -> Printout:
    """One row an entry, each on one page (`Printout.rows`); the columns keep
    their widths from page to page."""
    rows = tuple(
        # When, what and title on one line each: the summary takes the rest.
        f"<tr><td style='{_ONE_LINE}'>{escape(when_text(e.at))}</td>"
        f"<td style='{_ONE_LINE}'>{escape(kind_label(e.kind))}</td>"
        f"<td style='{_ONE_LINE}'>{escape(e.title)}</td><td>{escape(e.summary)}</td></tr>"
        for e in export.entries
    )
    opening = heading(export.marking, "Chronology — " + export.marking.child_name) + "<br/>"
    if not rows:
        return Printout(opening + "<p>No entries.</p>")
    # Widths fixed in the header, so the columns stand the same on every page.
    head = (
        "<tr><th width='20%'>When</th><th width='12%'>What</th><th width='24%'>Title</th>"
        "<th width='44%'>Summary</th></tr>"
    )
    return Printout(opening, "<table cellpadding='3' width='100%'>", head, rows)


def _action_rows(actions: list[Record], today: datetime) -> str:
    rows = []
    for a in actions:
        d = a.data
        status = label(d.get("status"))
        if action_overdue(d, today):
            status += " — overdue"
        if d.get("entered_in_error"):
            status += " (entered in error)"
        outcome = paragraphs(d["outcome"]) if d.get("outcome") else ""
        rows.append(
            f"<tr><td>{paragraphs(d.get('description') or '')}</td>"
            f"<td>{escape(d.get('owner_name') or '')}</td>"
            f"<td style='{_ONE_LINE}'>{escape(day_text(d.get('due_date')))}</td>"
            f"<td>{escape(status)}</td><td>{outcome}</td></tr>"
        )
    return "".join(rows)


# The same widths under every agency, so the tables line up down the page.
_ACTION_HEADERS = "".join(
    f"<th width='{width}%'>{title}</th>"
    for title, width in (
        ("Action", 38),
        ("Owner", 16),
        ("Due", 16),
        ("Status", 14),
        ("Outcome", 16),
    )
)
_AGENCIES = frozenset(agency.value for agency in Agency)


def _agency(action: Record) -> str | None:
    code = action.data.get("owner_agency")
    return code if code in _AGENCIES else None


def plan_printout(export: PlanExport) -> Printout:
    # Imported here: the plan tab imports this module (through ui.printing)
    # for its export button, and the plan's headings are its form's.
    from ui.child_tabs.plan import PLAN_TEXT

    d = export.plan.data
    facts = rows_table([
        ("Plan type", label(d.get("plan_type"))),
        ("Status", label(d.get("status"))),
        ("Started", day_text(d.get("start_date"))),
        ("Risk at start", label(d.get("risk_level_start")) or "Not recorded"),
        ("Risk now", label(d.get("risk_level_now")) or "Not recorded"),
        ("Review date", day_text(d.get("review_date")) or "Not set"),
        ("Closure reason", d.get("closure_reason") or ""),
    ])  # fmt: skip
    sections = "".join(
        f"<h3>{escape(title.replace('&', ''))}</h3>{paragraphs(d.get(name) or '')}"
        for name, title in PLAN_TEXT
    )
    today = export.marking.exported_at
    groups: list[tuple[str, str | None]] = [(label(a), a.value) for a in Agency]  # declared order
    groups.append(("Agency not recorded", None))
    by_agency = []
    for agency_words, code in groups:
        mine = [a for a in export.actions if _agency(a) == code]
        if not mine:
            continue
        mine.sort(key=lambda a: (not action_is_open(a.data), str(a.data.get("due_date") or "~")))
        by_agency.append(
            f"<h3>{escape(agency_words)}</h3><table cellpadding='3' width='100%'>"
            f"<thead><tr>{_ACTION_HEADERS}</tr></thead>{_action_rows(mine, today)}</table>"
        )
    actions = "".join(by_agency) or "<p>No actions yet.</p>"
    title = f"Risk-management plan — {export.marking.child_name}"
    return Printout(
        f"{heading(export.marking, title)}<br/>{facts}{sections}<h2>Actions by agency</h2>{actions}"
    )


def _attendance(rows: list[dict]) -> str:
    cells = "".join(
        f"<tr><td>{escape(a.get('name') or '')}</td><td>{escape(a.get('role') or '')}</td>"
        f"<td>{escape(label(a.get('agency')))}</td>"
        f"<td>{'Attended' if a.get('attended', True) else 'Apologies'}</td></tr>"
        for a in rows
    )
    head = "<tr><th>Name</th><th>Role</th><th>Agency</th><th>Attendance</th></tr>"
    return f"<table cellpadding='3' width='100%'>{head}{cells}</table>" if cells else "<p>—</p>"


def _shared(rows: list[dict]) -> str:
    lines = "".join(
        f"<tr><td>{escape(label(o.get('agency')))}</td><td>{escape(o.get('person') or '')}</td>"
        f"<td>{'Shared' if o.get('shared') else 'Not shared'}</td>"
        f"<td style='{_ONE_LINE}'>{escape(day_text(o.get('date')))}</td></tr>"
        for o in rows
    )
    head = "<tr><th>Agency</th><th>With</th><th>Outcome</th><th>When</th></tr>"
    return f"<table cellpadding='3' width='100%'>{head}{lines}</table>" if lines else "<p>—</p>"


def _concern_parts(d: dict) -> str:
    """A MACE meeting's places, persons and vehicles of concern, a line each."""
    lines = [", ".join(v for v in (p.get("name"), p.get("postcode")) if v)
             for p in d.get("places") or []]  # fmt: skip
    lines += [", ".join(v for v in (p.get("name"), p.get("description")) if v)
              for p in d.get("persons") or []]  # fmt: skip
    lines += [" ".join(v for v in (v.get("registration"), v.get("colour"), v.get("make"),
                                    v.get("model")) if v)
              for v in d.get("vehicles") or []]  # fmt: skip
    items = "".join(f"<li>{escape(line)}</li>" for line in lines if line)
    return f"<h2>Places, persons and vehicles of concern</h2><ul>{items}</ul>" if items else ""


def meeting_printout(export: MeetingExport) -> Printout:
    """The minutes: what met, who came, what was decided and the risk agreed,
    the actions agreed (each agency's, with its due date) and who was told."""
    d = export.meeting.data
    facts = rows_table([
        ("Meeting", label(d.get("meeting_type"))),
        ("Date", day_text(d.get("date"))),
        ("Chair", d.get("chair") or ""),
        ("Risk level agreed", label(d.get("risk_level_agreed")) or "Not recorded"),
        ("Recorded by", export.meeting.updated_by),
    ])  # fmt: skip
    today = export.marking.exported_at
    actions = "".join(
        f"<tr><td>{escape(label(a.data.get('owner_agency')))}</td>"
        + _action_rows([a], today).removeprefix("<tr>")
        for a in export.actions
    )
    head = "<th width='14%'>Agency</th>" + _ACTION_HEADERS
    action_table = (
        f"<table cellpadding='3' width='100%'><thead><tr>{head}</tr></thead>{actions}</table>"
        if actions else "<p>No actions agreed.</p>"
    )  # fmt: skip
    title = f"Meeting minutes — {export.marking.child_name}"
    return Printout(
        f"{heading(export.marking, title)}<br/>{facts}"
        f"<h2>Attendance</h2>{_attendance(d.get('attendees') or [])}"
        f"<h2>Decisions</h2>{paragraphs(d.get('decisions') or '')}"
        f"{_concern_parts(d)}"
        f"<h2>Actions agreed</h2>{action_table}"
        f"<h2>Outcome shared with</h2>{_shared(d.get('outcome_shared') or [])}"
    )
