"""The caseload table: rows from the real store, quick filters, search."""

from __future__ import annotations

from tests.helpers import CHILD, db
from ui.caseload_model import ChildIdRole, Col
from ui.caseload_panel import CaseloadPanel


def _add_children(ctx) -> dict[str, str]:
    ids = {}
    for first, status, extra in (
        ("Alder", "cla", {"risk_level": "high"}),
        ("Birch", "cin", {}),
        ("Cedar", "cp", {"risk_level": "low"}),
    ):
        data = {**CHILD, "first_name": first, "legal_status": status, **extra}
        ids[first] = str(db(ctx, lambda r, d=data: r.create("child", d)).id)
    return ids


def test_caseload_lists_children_with_risk_in_words(qtbot, ctx):
    ids = _add_children(ctx)
    panel = CaseloadPanel(ctx)
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.sig_loaded, timeout=5000):
        panel.reload()
    model = panel.proxy
    assert model.rowCount() == 3
    names = [model.index(r, Col.child_name).data() for r in range(3)]
    assert names == sorted(names)
    alder = next(r for r in range(3) if model.index(r, 0).data(ChildIdRole) == ids["Alder"])
    assert model.index(alder, Col.risk).data() == "High"
    assert model.index(alder, Col.legal_status).data()
    assert panel.count.text() == "3 children"


def test_quick_filter_and_search_narrow_the_table(qtbot, ctx):
    ids = _add_children(ctx)
    db(
        ctx,
        lambda r: r.create(
            "visit",
            {
                "visit_type": "cin",
                "start": "2026-05-30T10:00:00+00:00",
                "observations": "Talked about the skatepark behind the leisure centre",
            },
            child_id=ids["Birch"],
        ),
    )
    panel = CaseloadPanel(ctx)
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.sig_loaded, timeout=5000):
        panel.reload()
    panel.quick_buttons["high_risk"].setChecked(True)
    assert panel.proxy.rowCount() == 1
    assert panel.proxy.index(0, 0).data(ChildIdRole) == ids["Alder"]
    assert panel.count.text() == "Showing 1 of 3 children"
    panel.quick_buttons["high_risk"].setChecked(False)

    with qtbot.waitSignal(panel.sig_searched, timeout=5000):
        panel.search.setText("skatepa")
    assert panel.proxy.rowCount() == 1
    assert panel.proxy.index(0, 0).data(ChildIdRole) == ids["Birch"]
    assert "«skatepark»" in panel.proxy.index(0, Col.found).data()
    assert "\n" not in panel.proxy.index(0, Col.found).data()  # one line in the cell
    assert not panel.table.isColumnHidden(Col.found)

    with qtbot.waitSignal(panel.sig_searched, timeout=5000):
        panel.search.setText("")
    assert panel.proxy.rowCount() == 3
    assert panel.table.isColumnHidden(Col.found)


def test_an_expired_lease_hides_the_caseload_and_says_why(qtbot, ctx):
    from desktop import device
    from tests.helpers import NOW

    _add_children(ctx)

    def expire() -> None:
        with ctx.session.store.transaction() as conn:
            device.set_meta(conn, "last_sync", NOW.replace(month=NOW.month - 1).isoformat())

    ctx.tasks.db_now(expire)
    panel = CaseloadPanel(ctx)
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.sig_loaded, timeout=5000):
        panel.reload()
    assert panel.proxy.rowCount() == 0
    assert "not synced" in panel.count.text()
