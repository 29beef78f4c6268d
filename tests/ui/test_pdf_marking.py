"""Documents fit for a meeting or a court (issue 15, item 11): every PDF —
visit note, chronology, risk-management plan — says on every page whose
record it is, when and by whom it was exported, the filter, "Page i of N"
and OFFICIAL-SENSITIVE at the top and the bottom; the worker's paragraphs
print as they typed them; times are England's."""

from __future__ import annotations

import re
import subprocess
import unicodedata
from datetime import UTC, datetime

import pytest

from tests.helpers import CHILD, LOCAL_WORKER
from tests.ui.test_printing import export, pdf_text
from ui.context import AppContext, Events, Session
from ui.printing import export_chronology_pdf, export_plan_pdf, export_visit_pdf

# 23:05 UTC on 31 July is 00:05 on 1 August in England (BST): the export's
# day and time both move.
EXPORTED = datetime(2026, 7, 31, 23, 5, tzinfo=UTC)
EXPORTED_IN_ENGLAND = "Exported Sat 01 Aug 2026 00:05 by " + LOCAL_WORKER
NAME = "Thistle Puddingstone"
# Two paragraphs, the first of two lines, as a worker types them.
NOTE = (
    "Thistle opened the door herself.\nHer aunt came down a minute later.\n\n"
    "We talked in the kitchen about school."
)


def page_texts(path) -> list[str]:
    """Each page's text on one line (pdftotext, page by page)."""
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    pages = int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M).group(1))
    out = []
    for n in range(1, pages + 1):
        done = subprocess.run(
            ["pdftotext", "-layout", "-f", str(n), "-l", str(n), str(path), "-"],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        out.append(" ".join(unicodedata.normalize("NFKC", done.stdout).split()))
    return out


def lines_text(path) -> str:
    """The text line by line as laid out on the page (a blank line where the
    page has one), each line without its indent."""
    done = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return "\n".join(
        line.strip() for line in unicodedata.normalize("NFKC", done.stdout).splitlines()
    )


def assert_marked(path, document: str, filter: str = "none") -> list[str]:
    pages = page_texts(path)
    for n, text in enumerate(pages, 1):
        assert text.startswith("OFFICIAL-SENSITIVE"), f"page {n} has no marking at the top"
        assert text.endswith("OFFICIAL-SENSITIVE"), f"page {n} has no marking at the bottom"
        assert f"Page {n} of {len(pages)}" in text
        assert f"{document} — {NAME}" in text
        assert EXPORTED_IN_ENGLAND in text
        assert f"Filter: {filter}" in text
    return pages


@pytest.fixture
def ctx(unlocked, tasks, shown_errors) -> AppContext:
    session = tasks.db_now(lambda: Session(unlocked, clock=lambda: EXPORTED))
    return AppContext(tasks=tasks, session=session, events=Events(), show_error=shown_errors)


def run(ctx, fn):
    return ctx.tasks.db_now(lambda: fn(ctx.session.repo))


@pytest.fixture
def child(ctx):
    return run(ctx, lambda r: r.create("child", dict(CHILD)))


@pytest.fixture
def visit(ctx, child):
    note = run(ctx, lambda r: r.create("visit", {
        "visit_type": "cp_statutory", "start": "2026-07-30T09:00:00+00:00", "child_seen": True,
        "seen_alone": True, "observations": NOTE}, child_id=child.id))  # fmt: skip
    run(ctx, lambda r: r.finalise_visit(note.id))
    run(
        ctx,
        lambda r: r.add_addendum(note.id, "First line of the addendum.\n\nIts second paragraph."),
    )
    return run(ctx, lambda r: r.get(note.id))


@pytest.fixture
def plan(ctx, child):
    plan = run(ctx, lambda r: r.create("plan", {
        "plan_type": "exploitation", "status": "active", "start_date": "2026-07-01",
        "risk_level_start": "high", "risk_level_now": "medium", "review_date": "2026-09-01",
        "risks": "Seen with older boys near the bus station.\n\nGoes missing at weekends.",
        "protective_factors": "Close to her aunt."}, child_id=child.id))  # fmt: skip
    for agency, what in (
        ("police", "Disrupt the van's visits"),
        ("csc", "Weekly visit"),
        ("police", "Share intelligence"),
        ("school_education", "Daily check-in"),
    ):
        run(ctx, lambda r, a=agency, w=what: r.create("plan_action", {
            "plan_id": str(plan.id), "description": w, "owner_agency": a,
            "due_date": "2026-08-10", "status": "in_progress"}, child_id=child.id))  # fmt: skip
    return plan


def test_the_visit_pdf_is_marked_on_every_page_and_keeps_paragraphs(qtbot, ctx, visit, tmp_path):
    path = tmp_path / "visit.pdf"
    export(qtbot, lambda done: export_visit_pdf(None, ctx, visit, path, done))
    assert_marked(path, "Visit note")
    raw = lines_text(path)
    # A line break stays a line break, a blank line a paragraph gap.
    assert "Thistle opened the door herself.\nHer aunt came down a minute later.\n\n" in raw
    assert "later.\n\nWe talked in the kitchen about school." in raw
    assert "First line of the addendum.\n\nIts second paragraph." in raw


def test_the_chronology_pdf_says_its_filter_on_every_page(qtbot, ctx, visit, tmp_path):
    for n in range(60):  # enough to run onto several pages
        run(ctx, lambda r, n=n: r.create("concern", {
            "received_at": f"2026-07-{1 + n % 28:02d}T10:00:00+00:00", "source": "School",
            "reliability": "confirmed", "narrative": f"Concern number {n}"},
            child_id=visit.child_id))  # fmt: skip
    path = tmp_path / "chronology.pdf"
    child_id = str(visit.child_id)
    export(qtbot, lambda done: export_chronology_pdf(None, ctx, child_id, path, done))
    pages = assert_marked(path, "Chronology")
    assert len(pages) > 1

    only = tmp_path / "only-visits.pdf"
    export(qtbot, lambda done: export_chronology_pdf(
        None, ctx, child_id, only, done, kinds=["visit"], filter="Visit only"))  # fmt: skip
    pages = assert_marked(only, "Chronology", filter="Visit only")
    assert "Concern number" not in " ".join(pages)
    assert "Thistle opened the door herself." in pages[0]


def test_the_plan_pdf_lists_its_actions_by_agency(qtbot, ctx, plan, tmp_path):
    path = tmp_path / "plan.pdf"
    export(qtbot, lambda done: export_plan_pdf(None, ctx, plan, path, done))
    assert_marked(path, "Risk-management plan")
    text = pdf_text(path)
    assert "Risk at start High" in text and "Risk now Medium" in text
    assert "Review date Tue 01 Sep 2026" in text
    # In the agencies' declared order, each agency's actions under its name.
    social_care = text.index("Children's social care")
    police, school = text.index("Police"), text.index("School / education")
    assert social_care < police < school
    assert police < text.index("Disrupt the van's visits") < school
    assert police < text.index("Share intelligence") < school
    assert social_care < text.index("Weekly visit") < police
    raw = lines_text(path)
    assert "Seen with older boys near the bus station.\n\nGoes missing at weekends." in raw
