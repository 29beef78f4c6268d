"""The missing-person profile on the Summary (issue 16, items 5 and 7): kept
with its health needs, medication, risks and last review, its review due
date from the rules, its refusals named at the field and kept apart from
the address form's, and sent to the other laptop that holds the child."""

from __future__ import annotations

from datetime import date

from tests.helpers import db
from tests.ui import test_sharing_tab
from tests.ui.screens import open_tab as opened
from tests.ui.screens import refused, save, unnamed
from ui.child_tabs.missing_profile import MissingProfileForm
from ui.child_tabs.summary import SummaryTab

P = "missing_profile"
two_laptops = test_sharing_tab.two_laptops  # the fixture: a laptop with a session, and another


def open_profile(qtbot, ctx, child_id) -> tuple[SummaryTab, MissingProfileForm]:
    tab = opened(qtbot, ctx, child_id, SummaryTab)
    form = tab.profile
    qtbot.waitUntil(lambda: form.current is not None, timeout=5000)
    assert not form.isVisibleTo(tab)
    tab.edit_profile.click()
    assert form.isVisibleTo(tab)
    return tab, form


def test_the_profile_is_kept_on_the_summary_with_its_review_due(qtbot, ctx, child_id):
    tab, form = open_profile(qtbot, ctx, child_id)
    assert (
        "Missing-person profile" in tab.text.text() and "Nothing recorded yet." in tab.text.text()
    )
    assert unnamed(form) == []
    f = form.fields
    f[f"{P}.description"].setText("Slight build, dyed red hair")
    f[f"{P}.medication"].setText("Salbutamol inhaler")
    f[f"{P}.health_needs"].setText("Asthma")
    f[f"{P}.risks"].setPlainText("Goes to adults' flats")
    f[f"{P}.phones"].setPlainText("07700 900456\n\n  07700 900789 \n")
    f[f"{P}.last_reviewed"].set_value(date(2026, 5, 20))
    form.edited()
    with qtbot.waitSignal(tab.sig_loaded, timeout=5000):
        save(qtbot, form)
    stored = db(ctx, lambda r: r.get(child_id)).data
    profile = stored[P]
    assert profile["phones"] == ["07700 900456", "07700 900789"]
    assert (
        profile["medication"] == "Salbutamol inhaler" and profile["last_reviewed"] == "2026-05-20"
    )
    assert profile["associates"] == [] and stored["first_name"] == "Thistle"
    shown = tab.text.text()
    assert "Salbutamol inhaler" in shown and "07700 900456; 07700 900789" in shown
    assert "Last reviewed Wed 20 May 2026 · review due by Thu 20 Aug 2026" in shown
    assert form.state.text() == "Saved on this laptop · not yet sent"
    assert f[f"{P}.phones"].toPlainText() == "07700 900456\n07700 900789"


def test_an_old_review_is_overdue_and_a_profile_never_reviewed_is_due_now(qtbot, ctx, child_id):
    db(
        ctx,
        lambda r: r.update(child_id, {P: {"description": "Tall", "last_reviewed": "2026-01-10"}}),
    )
    tab = opened(qtbot, ctx, child_id, SummaryTab)
    assert "Last reviewed Sat 10 Jan 2026 · ⚠ review overdue: it was due Fri 10 Apr 2026" in (
        tab.text.text()
    )
    db(ctx, lambda r: r.update(child_id, {P: {"description": "Tall"}}))
    with qtbot.waitSignal(tab.sig_loaded, timeout=5000):
        tab.load(child_id)
    assert "Not reviewed yet · review due by Mon 01 Jun 2026" in tab.text.text()


def test_a_refused_profile_is_named_and_kept_apart_from_the_address_form(qtbot, ctx, child_id):
    tab, form = open_profile(qtbot, ctx, child_id)
    form.fields[f"{P}.medication"].setText("x" * 501)
    form.edited()
    assert refused(qtbot, form) == (
        "Not saved yet: Medication — make it shorter: it can hold at most 500 characters."
        " Your typing is kept on this laptop."
    )
    assert db(ctx, lambda r: r.get(child_id)).data[P]["medication"] is None
    kept = db(ctx, lambda r: r.drafts_for_child(child_id))
    assert [d.form for d in kept] == [P]
    assert not tab.places.dirty and tab.places.message.isHidden()


def test_a_profile_edited_here_reaches_the_other_laptop(qtbot, two_laptops):
    ctx, sw, nurse, child_id = two_laptops
    tab, form = open_profile(qtbot, ctx, child_id)
    form.fields[f"{P}.social_handles"].setPlainText("@red.fox.26")
    form.fields[f"{P}.associates"].setPlainText("'Tiggy'")
    form.edited()
    save(qtbot, form)
    assert ctx.tasks.db_now(lambda: sw.sync()).pushed == 1
    nurse.sync()
    there = nurse.repo.get(child_id).data[P]
    assert there["social_handles"] == ["@red.fox.26"] and there["associates"] == ["'Tiggy'"]
