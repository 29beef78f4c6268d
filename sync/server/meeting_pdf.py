"""An exploitation (MACE) meeting's agenda and minutes as PDF, made on the
service in memory (fpdf2: pure Python, no temporary files, well kept) and
answered as bytes: no case text ever touches the disk.

fpdf2's own fonts know Latin-1 only; Debian's DejaVu Sans (fonts-dejavu-core)
is used when present so any name prints as typed, else text outside Latin-1
prints as "?" rather than failing the print.
"""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

from sync.kinds.casework import Attendee
from sync.kinds.common import Agency, RiskLevel
from sync.server.meetings import Meeting

DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
MARKING = "Confidential: exploitation meeting. Do not share outside the council's rules."


class _Document(FPDF):
    def __init__(self, title: str) -> None:
        super().__init__(format="A4")
        self.title_text = title
        self.unicode = (DEJAVU / "DejaVuSans.ttf").exists()
        if self.unicode:
            self.add_font("Body", "", str(DEJAVU / "DejaVuSans.ttf"))
            self.add_font("Body", "B", str(DEJAVU / "DejaVuSans-Bold.ttf"))
        self.family = "Body" if self.unicode else "Helvetica"
        self.set_auto_page_break(auto=True, margin=18)
        self.set_title(title)
        self.add_page()

    def text_of(self, value: str) -> str:
        return value if self.unicode else value.encode("latin-1", "replace").decode("latin-1")

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(self.family, "", 8)
        self.cell(0, 5, self.text_of(f"{MARKING}  Page {self.page_no()}"), align="C")

    def heading(self, text: str, size: int = 13) -> None:
        self.set_font(self.family, "B", size)
        self.ln(2)
        self.multi_cell(0, size * 0.5, self.text_of(text), new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def para(self, text: str, bold: bool = False) -> None:
        self.set_font(self.family, "B" if bold else "", 10)
        self.multi_cell(0, 5, self.text_of(text), new_x="LMARGIN", new_y="NEXT")

    def rows(
        self, header: tuple[str, ...], rows: list[tuple[str, ...]], widths: tuple[int, ...]
    ) -> None:
        self.set_font(self.family, "", 10)
        with self.table(col_widths=widths, text_align="LEFT", line_height=5) as table:
            top = table.row()
            for h in header:
                top.cell(self.text_of(h))
            for values in rows:
                row = table.row()
                for v in values:
                    row.cell(self.text_of(v))
        self.ln(2)


def _words(choice: type[Agency] | type[RiskLevel], code: str | None) -> str:
    try:
        return choice(code).words if code else ""
    except ValueError:
        return code or ""


def _head(doc: _Document, meeting: Meeting, what: str) -> None:
    m = meeting.minutes
    doc.heading(f"MACE meeting: {what}", 16)
    doc.para(f"Date: {m.date.strftime('%A %-d %B %Y')}")
    if m.chair:
        doc.para(f"Chair: {m.chair}")


def _concern_lists(doc: _Document, meeting: Meeting) -> None:
    m = meeting.minutes
    if m.places:
        doc.heading("Places of concern", 12)
        doc.rows(
            ("Place", "Type", "Postcode"),
            [(p.name or "", p.type or "", p.postcode or "") for p in m.places],
            (90, 50, 40),
        )
    if m.persons:
        doc.heading("Persons of concern", 12)
        doc.rows(
            ("Name", "Also known as", "Age (about)", "Description"),
            [
                (
                    p.name or "",
                    ", ".join(p.aliases),
                    str(p.approx_age) if p.approx_age is not None else "",
                    p.description or "",
                )
                for p in m.persons
            ],
            (45, 45, 25, 65),
        )


def agenda_pdf(meeting: Meeting, names: dict[str, str]) -> bytes:
    """The agenda: the children (by `names`, child id → name), places and
    persons of concern."""
    doc = _Document("MACE meeting agenda")
    _head(doc, meeting, "agenda")
    doc.heading("Children to discuss", 12)
    for n, part in enumerate(meeting.minutes.children, start=1):
        doc.para(f"{n}. {names.get(str(part.child_id), 'A child')}")
    if not meeting.minutes.children:
        doc.para("No children are on the agenda yet.")
    _concern_lists(doc, meeting)
    return bytes(doc.output())


def _attendance(doc: _Document, attendees: list[Attendee]) -> None:
    for title, present in (("Present", True), ("Apologies", False)):
        people = [a for a in attendees if a.attended is present]
        if people:
            doc.heading(title, 12)
            doc.rows(
                ("Name", "Role", "Agency"),
                [(a.name, a.role or "", _words(Agency, a.agency)) for a in people],
                (60, 50, 70),
            )


def minutes_pdf(meeting: Meeting, names: dict[str, str]) -> bytes:
    """The minutes: attendance, each child's discussion, decisions, risk
    level and actions, the places and persons, the chair's notes."""
    m = meeting.minutes
    doc = _Document("MACE meeting minutes")
    _head(doc, meeting, "minutes")
    if meeting.is_final and meeting.finalised_at:
        doc.para(
            f"Finalised by {meeting.finalised_by} on {meeting.finalised_at.strftime('%-d %B %Y')}"
        )
    else:
        doc.para("Draft: this meeting is not finalised yet.", bold=True)
    _attendance(doc, m.attendees)
    for part in m.children:
        doc.heading(names.get(str(part.child_id), "A child"), 13)
        for title, text in (("Discussion", part.discussion), ("Decisions", part.decisions)):
            if text:
                doc.para(title, bold=True)
                doc.para(text)
        if part.risk_level_agreed:
            doc.para(f"Risk level agreed: {_words(RiskLevel, part.risk_level_agreed)}")
        if part.actions:
            doc.para("Actions", bold=True)
            doc.rows(
                ("Action", "Owned by", "Due"),
                [
                    (
                        a.description + (f" ({a.owner_name})" if a.owner_name else ""),
                        _words(Agency, a.owner_agency),
                        a.due_date.strftime("%-d %b %Y"),
                    )
                    for a in part.actions
                ],
                (105, 45, 30),
            )
    _concern_lists(doc, meeting)
    if m.notes:
        doc.heading("Chair's notes", 12)
        doc.para(m.notes)
    return bytes(doc.output())
