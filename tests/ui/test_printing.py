"""Visit and chronology PDFs, written by Qt's own printing and read back with
`pdftotext` (Debian's poppler-utils, installed by scripts/bootstrap.sh): the
note text, the addenda, times as they were in England, and an audit event
for every export."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from datetime import UTC, datetime

import pytest

from tests.helpers import CHILD, db
from ui.context import AppContext, Events, Session
from ui.printing import export_chronology_pdf, export_visit_pdf

# A summer evening: 23:30 UTC on 15 July is 00:30 on 16 July in England (BST).
START = "2026-07-15T23:30:00+00:00"
IN_ENGLAND = "Thu 16 Jul 2026 00:30"
LATER = datetime(2026, 7, 20, 12, 0, tzinfo=UTC)  # the session's clock: after the visit
NOTE = "Juniper showed me the allotment.\nShe said the older boys drive a blue van."
ADDENDUM = "Correction: the van was green, as the school confirmed."


def pdf_text(path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is missing: scripts/bootstrap.sh installs poppler-utils")
    done = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    # One line (the layout wraps where it likes), ligatures ("ﬁ") as letters.
    return " ".join(unicodedata.normalize("NFKC", done.stdout).split())


@pytest.fixture
def ctx(unlocked, tasks, shown_errors) -> AppContext:
    session = tasks.db_now(lambda: Session(unlocked, clock=lambda: LATER))
    return AppContext(tasks=tasks, session=session, events=Events(), show_error=shown_errors)


@pytest.fixture
def visit(ctx):
    child = db(ctx, lambda r: r.create("child", dict(CHILD)))
    note = db(ctx, lambda r: r.create("visit", {
        "visit_type": "cp_statutory", "start": START, "child_seen": True, "seen_alone": False,
        "not_seen_alone_reason": "Her aunt stayed in the room.", "observations": NOTE},
        child_id=child.id))  # fmt: skip
    db(ctx, lambda r: r.finalise_visit(note.id))
    db(ctx, lambda r: r.add_addendum(note.id, ADDENDUM))
    db(ctx, lambda r: r.create("missing_episode", {
        "episode_type": "missing", "start": "2026-07-10T22:15:00+00:00",
        "end": "2026-07-11T07:00:00+00:00"}, child_id=child.id))  # fmt: skip
    return db(ctx, lambda r: r.get(note.id))


def exported(ctx, child_id: str) -> list[tuple[str, str | None]]:
    rows = ctx.tasks.db_now(
        lambda: ctx.session.store.conn.execute(
            "SELECT child_id, record_id FROM audit_events WHERE action = 'export' ORDER BY at"
        ).fetchall()
    )
    return [tuple(r) for r in rows]


def export(qtbot, fn) -> None:
    written: list = []
    fn(written.append)
    qtbot.waitUntil(lambda: bool(written), timeout=10000)


def test_the_visit_pdf_has_the_note_its_addenda_and_england_times(qtbot, ctx, visit, tmp_path):
    path = tmp_path / "visit.pdf"
    export(qtbot, lambda done: export_visit_pdf(None, ctx, visit, path, done))
    text = pdf_text(path)
    assert "Visit note" in text and "Thistle Puddingstone" in text
    assert "Juniper showed me the allotment." in text
    assert "She said the older boys drive a blue van." in text
    assert ADDENDUM in text
    assert f"Started {IN_ENGLAND}" in text
    assert "Seen alone No Why not Her aunt stayed in the room." in text
    assert "15 Jul 2026" not in text and "23:30" not in text  # never the UTC wall time
    assert "Final (Mon 20 Jul 2026 13:00)" in text  # finalised at 12:00 UTC, BST
    assert "Addendum, Mon 20 Jul 2026 13:00" in text
    assert exported(ctx, str(visit.child_id)) == [(str(visit.child_id), str(visit.id))]


def test_the_chronology_pdf_lists_every_entry_in_england_time(qtbot, ctx, visit, tmp_path):
    path = tmp_path / "chronology.pdf"
    child_id = str(visit.child_id)
    export(qtbot, lambda done: export_chronology_pdf(None, ctx, child_id, path, done))
    text = pdf_text(path)
    assert "Chronology — Thistle Puddingstone" in text
    assert f"{IN_ENGLAND} Visit Visit: Child protection" in text  # the cell wraps "(statutory)"
    assert "Juniper showed me the allotment." in text  # the note's first line
    assert ADDENDUM in text
    assert "Fri 10 Jul 2026 23:15 Missing episode" in text  # 22:15 UTC
    assert "2026-07-15T23" not in text and "2026-07-15 23:30" not in text
    assert exported(ctx, child_id) == [(child_id, None)]


def test_each_export_is_audited_again(qtbot, ctx, visit, tmp_path):
    for n in range(2):
        path = tmp_path / f"visit-{n}.pdf"
        export(qtbot, lambda done, p=path: export_visit_pdf(None, ctx, visit, p, done))
    assert len(exported(ctx, str(visit.child_id))) == 2
