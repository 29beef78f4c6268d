"""Break-the-glass on screen (issue 17 item 4): a child held by temporary
access says so, with when it ends, on the caseload and above the child's
tabs; a child on the caseload for good says nothing of the kind."""

from __future__ import annotations

import json
from datetime import timedelta

from desktop import device
from desktop.repository import CaseRepository
from tests.helpers import CHILD, NOW, db, settle
from ui.caseload_model import ChildIdRole, Col
from ui.child_tabs.summary import SummaryTab
from ui.workspace import Workspace

ENDS = NOW + timedelta(hours=24)


def _two_children(repo: CaseRepository) -> tuple[str, str]:
    glass = str(repo.create("child", {**CHILD, "first_name": "Wren"}).id)
    kept = str(repo.create("child", {**CHILD, "first_name": "Robin"}).id)
    with repo.store.transaction() as conn:
        # As desktop.temporary_access.keep writes what the central record listed.
        device.set_meta(conn, "temporary_access", json.dumps({glass: ENDS.isoformat()}))
    return glass, kept


def test_a_child_opened_by_break_the_glass_says_when_its_access_ends(qtbot, ctx):
    glass, kept = db(ctx, _two_children)
    workspace = Workspace(ctx)
    qtbot.addWidget(workspace)
    panel = workspace.caseload
    with qtbot.waitSignal(panel.sig_loaded, timeout=5000):
        panel.reload()
    flags = {
        panel.proxy.index(r, 0).data(ChildIdRole): panel.proxy.index(r, Col.flags).data()
        for r in range(panel.proxy.rowCount())
    }
    assert "Temporary access — ends" in flags[glass]
    assert "Temporary access" not in (flags[kept] or "")

    view = workspace.child_view
    with qtbot.waitSignal(view.tab(SummaryTab).sig_loaded, timeout=5000):
        view.show_tab(SummaryTab)
        workspace.open_child(glass)
    settle(qtbot, ctx.tasks)
    qtbot.waitUntil(lambda: view.header.temporary.isVisibleTo(view), timeout=5000)
    assert view.header.temporary.text().startswith("Temporary access — ends ")
    assert view.header.temporary.accessibleName() == "Temporary access"

    with qtbot.waitSignal(view.tab(SummaryTab).sig_loaded, timeout=5000):
        workspace.open_child(kept)
    settle(qtbot, ctx.tasks)
    qtbot.waitUntil(lambda: view.header.name.text().startswith("Robin"), timeout=5000)
    assert not view.header.temporary.isVisibleTo(view)
