"""The police pack (issue 16, item 5): from the missing tab, one action
writes the PDF the police need — the missing-person profile, the recent
episodes with where the child was found and with whom, the open concerns
with their places, persons and vehicles, the current plan's risks — and
records that it was shared with the police."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.helpers import CHILD, db
from tests.ui.screens import open_tab
from tests.ui.test_printing import pdf_text
from tests.ui.test_sharing import choose, share_audits, sharings
from ui.child_tabs.missing import MissingTab

PROFILE = {
    "description": "Slight build, dyed red hair, grey school hoodie",
    "associates": ["'Tiggy', older male"],
    "locations_frequented": ["Bramblegate retail park"],
    "phones": ["07700 900456"],
    "health_needs": "Asthma",
    "medication": "Salbutamol inhaler, carries it",
    "risks": "Goes to adults' flats in the town centre",
    "last_reviewed": "2026-05-01",
}


def child_with_a_history(ctx) -> dict[str, str]:
    child = db(ctx, lambda r: r.create("child", {**CHILD, "missing_profile": PROFILE}))
    cid = child.id
    ids = {"child": str(cid)}

    def make(kind: str, data: dict) -> str:
        return str(db(ctx, lambda r: r.create(kind, data, child_id=cid)).id)

    ids["older"] = make("missing_episode", {
        "start": "2026-04-02T21:00:00+00:00", "end": "2026-04-03T09:00:00+00:00",
        "found_location": "Canal towpath", "found_with": "Alone"})  # fmt: skip
    ids["last"] = make("missing_episode", {
        "start": "2026-05-20T19:00:00+00:00", "end": "2026-05-21T02:30:00+00:00",
        "reported_to_police": True, "police_reference": "NX/2026/0420",
        "found_location": "Flat above the chip shop", "found_postcode": "zz1 4ab",
        "found_with": "Two older males"})  # fmt: skip
    ids["concern"] = make("concern", {
        "received_at": "2026-05-22T10:00:00+00:00", "source": "School DSL",
        "category": "cse", "reliability": "corroborated",
        "places": [{"name": "Bramblegate retail park", "postcode": "zz2 5cd"}],
        "persons": [{"name": "'Tiggy'", "approx_age": 24}],
        "vehicles": [{"registration": "zz12 abc", "make": "Ford", "colour": "Blue"}]})  # fmt: skip
    closed = make("concern", {
        "received_at": "2026-03-01T10:00:00+00:00", "source": "Neighbour",
        "reliability": "unverified", "vehicles": [{"registration": "OLD123"}]})  # fmt: skip
    db(ctx, lambda r: r.close(closed, "No longer a worry"))
    ids["plan"] = make("plan", {
        "plan_type": "cse", "status": "active", "start_date": "2026-05-01",
        "risk_level_now": "high", "risks": "Picked up by cars near the retail park"})  # fmt: skip
    return ids


def test_the_police_pack_holds_the_profile_the_last_episode_and_the_concerns_vehicle(
    qtbot, ctx, tmp_path
):
    ids = child_with_a_history(ctx)
    tab = open_tab(qtbot, ctx, ids["child"], MissingTab)
    assert tab.pack_button.isVisibleTo(tab) and tab.pack_button.accessibleName()
    path = tmp_path / "pack.pdf"
    dialog = tab.share_pack(path)
    assert dialog is not None and dialog.fields["agency"].currentData() == "police"
    choose(dialog, basis="recognised_legitimate_interest", person="Missing person coordinator")
    with qtbot.waitSignal(ctx.events.sig_records_changed, timeout=20000):
        dialog.share_button.click()

    text = pdf_text(path)
    assert "Missing person pack — Thistle Puddingstone" in text
    for words in (PROFILE["description"], "Salbutamol inhaler, carries it", "Asthma",
                  "Goes to adults' flats in the town centre", "07700 900456",
                  "Last reviewed Fri 01 May 2026"):  # fmt: skip
        assert words in text
    # The last episode first, with where the child was found and with whom.
    assert "Wed 20 May 2026 20:00" in text and "ZZ1 4AB" in text  # 19:00 UTC, BST
    assert "Two older males" in text and "NX/2026/0420" in text
    assert text.index("Two older males") < text.index("Canal towpath")
    assert "Flat above" in text
    # The open concern's place, person and vehicle; never the closed one's.
    assert "ZZ12ABC Blue Ford" in text and "'Tiggy', about 24" in text
    assert "Bramblegate retail park ZZ2 5CD" in text and "OLD123" not in text
    assert "Picked up by cars near the retail park" in text and "Risk now High" in text

    [shared] = sharings(ctx, ids["child"])
    d = shared.data
    assert d["agency"] == "police" and d["basis"] == "recognised_legitimate_interest"
    assert d["what"].startswith("Police pack")
    assert set(d["drawn_from"]) == {ids[k] for k in ("child", "older", "last", "concern", "plan")}
    assert share_audits(ctx) == [(ids["child"], str(shared.id), "shared with police")]

    # The first page as a worker would see it, for the closing note.
    # The first page as a worker would see it (CASEWORKER_PACK_PNG: where to keep it).
    keep = os.environ.get("CASEWORKER_PACK_PNG") or str(tmp_path / "pack")
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", str(path), keep],
                   check=True)  # fmt: skip
    assert Path(f"{keep}-1.png").exists()
