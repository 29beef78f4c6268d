"""Share… : a document's PDF and the record that it was shared, in one step
(issue 16, item 4). From a visit note the PDF holds the note and the
sharing names the agency and the lawful basis; a sharing its rules refuse
is named at its field with nothing written; a PDF that cannot be written
records nothing; a sharing that cannot be recorded takes its PDF away."""

from __future__ import annotations

import uuid

import pytest

from desktop.exports import VISIT_NOTE
from tests.helpers import db
from tests.ui import test_printing
from tests.ui.screens import open_tab
from tests.ui.test_printing import NOTE, pdf_text
from ui.child_tabs.chronology import ChronologyTab
from ui.child_tabs.plan import PlanTab
from ui.child_tabs.visits import VisitsTab
from ui.printing import export_visit_pdf
from ui.share_dialog import ShareDialog
from ui.sharing import Shareable, share

# The PDF tests' session (its clock after the visit) and their final visit note.
ctx = test_printing.ctx
visit = test_printing.visit


def sharings(ctx, child_id: str) -> list:
    return db(ctx, lambda r: r.records_for_child(child_id, "sharing"))


def share_audits(ctx) -> list[tuple[str, str, str]]:
    """The audit events of sharings: exports 'shared with' an agency."""
    rows = ctx.tasks.db_now(lambda: ctx.session.store.conn.execute(
        "SELECT child_id, record_id, detail FROM audit_events"
        " WHERE action = 'export' AND detail LIKE 'shared with %'").fetchall())  # fmt: skip
    return [tuple(r) for r in rows]


def choose(dialog: ShareDialog, **values: str) -> None:
    for name, value in values.items():
        widget = dialog.fields[name]
        if hasattr(widget, "findData"):
            widget.setCurrentIndex(widget.findData(value))
        else:
            widget.setText(value)


def visits_tab(qtbot, ctx, visit) -> VisitsTab:
    tab = open_tab(qtbot, ctx, str(visit.child_id), VisitsTab)
    tab.list.setCurrentIndex(tab.shown.index(0, 0))
    return tab


def test_sharing_a_visit_writes_its_pdf_and_records_agency_and_basis(qtbot, ctx, visit, tmp_path):
    tab = visits_tab(qtbot, ctx, visit)
    path = tmp_path / "for the police.pdf"
    dialog = tab.share(path)
    assert dialog is not None and dialog.isVisible()
    assert dialog.fields["what"].toPlainText().startswith("Visit note of Thu 16 Jul 2026 00:30")
    choose(dialog, agency="police", person="DC Rowan Example", purpose="Missing episode enquiry",
           basis="recognised_legitimate_interest", consent="not_sought",
           consent_reason="Would put the child at risk")  # fmt: skip
    with qtbot.waitSignal(ctx.events.sig_records_changed, timeout=15000):
        dialog.share_button.click()

    assert "Juniper showed me the allotment." in pdf_text(path)
    child_id = str(visit.child_id)
    [shared] = sharings(ctx, child_id)
    d = shared.data
    assert (d["agency"], d["basis"], d["decision"]) == (
        "police", "recognised_legitimate_interest", "shared")  # fmt: skip
    assert d["person"] == "DC Rowan Example" and d["consent"] == "not_sought"
    assert d["drawn_from"] == [str(visit.id)]
    assert d["date"] == "2026-07-20" and d["shared_by"] == ctx.session.worker
    assert share_audits(ctx) == [(child_id, str(shared.id), "shared with police")]


def test_a_sharing_its_rules_refuse_is_named_and_nothing_is_written(qtbot, ctx, visit, tmp_path):
    tab = visits_tab(qtbot, ctx, visit)
    path = tmp_path / "never.pdf"
    dialog = tab.share(path)
    choose(dialog, agency="health")  # no lawful basis
    dialog.share_button.click()
    assert dialog.isVisible()
    assert dialog.message.text() == (
        "Not saved yet: Lawful basis — choose the lawful basis for sharing."
    )
    choose(dialog, basis="consent", consent="sought_refused")
    dialog.share_button.click()
    assert "Lawful basis — consent is the basis only when it was sought and given" in (
        dialog.message.text()
    )
    dialog.cancel_button.click()
    assert not dialog.isVisible()
    assert not path.exists() and sharings(ctx, str(visit.child_id)) == []


def test_a_pdf_that_cannot_be_written_records_no_sharing(qtbot, ctx, visit, tmp_path, shown_errors):
    tab = visits_tab(qtbot, ctx, visit)
    dialog = tab.share(tmp_path / "no such folder" / "note.pdf")
    choose(dialog, agency="police", basis="public_task")
    dialog.share_button.click()
    qtbot.waitUntil(lambda: bool(shown_errors), timeout=15000)
    assert "could not be saved in" in str(shown_errors[0])
    assert sharings(ctx, str(visit.child_id)) == [] and share_audits(ctx) == []


def test_a_sharing_that_cannot_be_recorded_takes_its_pdf_away(
    qtbot, ctx, visit, tmp_path, shown_errors
):
    # A child no longer on this laptop: the PDF is written, the record refused.
    path = tmp_path / "note.pdf"
    item = Shareable(str(uuid.uuid4()), VISIT_NOTE, "Visit note",
                     lambda p, done: export_visit_pdf(None, ctx, visit, p, done))  # fmt: skip
    dialog = share(None, ctx, item, path=path)
    choose(dialog, agency="police", basis="public_task")
    dialog.share_button.click()
    qtbot.waitUntil(lambda: bool(shown_errors), timeout=15000)
    message = str(shown_errors[0])
    assert message.startswith("The sharing could not be recorded, so the PDF was removed")
    assert "nothing was shared" in message
    assert not path.exists() and share_audits(ctx) == []


@pytest.mark.parametrize("kind", [None, "visit"])
def test_sharing_the_chronology_draws_on_the_entries_it_shows(qtbot, ctx, visit, tmp_path, kind):
    child_id = str(visit.child_id)
    tab = open_tab(qtbot, ctx, child_id, ChronologyTab)
    if kind:
        with qtbot.waitSignal(tab.sig_loaded, timeout=5000):
            tab.kind.setCurrentIndex(tab.kind.findData(kind))
    shown = {e.record_id for e in tab.model.entries}
    path = tmp_path / "chronology.pdf"
    dialog = tab.share(path)
    choose(dialog, agency="school_education", basis="public_task")
    with qtbot.waitSignal(ctx.events.sig_records_changed, timeout=15000):
        dialog.share_button.click()
    assert NOTE.splitlines()[0] in pdf_text(path)
    [shared] = sharings(ctx, child_id)
    assert set(shared.data["drawn_from"]) == shown and str(visit.id) in shown
    assert shared.data["what"] == (
        "Chronology (every entry), as a PDF" if kind is None
        else "Chronology (visit entries only), as a PDF"
    )  # fmt: skip


def test_sharing_the_plan_draws_on_the_plan_and_its_actions(qtbot, ctx, visit, tmp_path):
    child_id = str(visit.child_id)
    plan = db(ctx, lambda r: r.create("plan", {
        "plan_type": "cse", "status": "active", "start_date": "2026-07-01",
        "risks": "Picked up from the retail park"}, child_id=child_id))  # fmt: skip
    action = db(ctx, lambda r: r.create("plan_action", {
        "plan_id": str(plan.id), "description": "Disrupt the car", "owner_agency": "police"},
        child_id=child_id))  # fmt: skip
    tab = open_tab(qtbot, ctx, child_id, PlanTab)
    path = tmp_path / "plan.pdf"
    dialog = tab.share(path)
    assert dialog is not None and dialog.windowTitle() == "Share the risk-management plan"
    choose(dialog, agency="police", basis="legal_obligation")
    with qtbot.waitSignal(ctx.events.sig_records_changed, timeout=15000):
        dialog.share_button.click()
    text = pdf_text(path)
    assert "Picked up from the retail park" in text and "Disrupt the car" in text
    [shared] = sharings(ctx, child_id)
    assert shared.data["drawn_from"] == [str(plan.id), str(action.id)]
    assert shared.data["what"] == (
        "Risk-management plan (Child sexual exploitation) from Wed 01 Jul 2026 with its actions,"
        " as a PDF"
    )
