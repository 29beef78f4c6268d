"""Roles on screen (issue 17, item 7): the laptop learns who is signed in
at each sync (`GET /me`, kept by `desktop.account`), shows it at the menu
bar's end, and leaves out what the role is not offered
(`desktop.capabilities`) — the health worker's Missing tab has no police
pack, where the social worker's has one."""

from __future__ import annotations

import sqlalchemy as sa

from desktop.capabilities import Capability
from desktop.syncing import engine_for
from sync.server import accounts, admin
from sync.server.schema import teams, workers
from tests.helpers import PASSWORD, child_data, enrol
from tests.ui.screens import unlock
from ui.app import open_window
from ui.child_tabs.missing import MissingTab
from ui.child_view import TABS, Group, offered
from ui.context import AppContext


def _synced(vault, service, worker: str) -> str:
    """`vault` enrolled as `worker`, holding one child, synced and locked."""
    child_id = admin.add_child(service.engine, child_data(), assign_to=worker, by="central")
    enrol(vault, service.url, worker)
    engine_for(vault).sync()
    vault.lock()
    return child_id


def _window(qtbot, tasks, vault):
    window = open_window(tasks, vault, auto_sync=False)
    qtbot.addWidget(window)
    unlock(qtbot, window)
    return window


def _missing_tab(qtbot, window, child_id: str) -> MissingTab:
    ctx: AppContext = window.ctx
    view = window.workspace.child_view
    with qtbot.waitSignal(view.sig_child_opened, timeout=10000):
        window.workspace.open_child(child_id)
    return next(t for t in view.tabs if isinstance(t, MissingTab) and t.ctx is ctx)


def test_a_team_manager_sees_who_they_are_signed_in_as(qtbot, tasks, vault, service):
    service.add_worker("sam.patel", PASSWORD, role="team_manager")
    accounts.add_team(service.engine, "North locality", manager="sam.patel")
    # The manager is a member of the team they manage (the admin CLI has no
    # verb that moves a worker between teams yet).
    with service.engine.begin() as conn:
        north = sa.select(teams.c.id).where(teams.c.name == "North locality").scalar_subquery()
        conn.execute(sa.update(workers).where(workers.c.name == "sam.patel").values(team_id=north))
    _synced(vault, service, "sam.patel")
    window = _window(qtbot, tasks, vault)
    qtbot.waitUntil(lambda: window.signed_in.text() != "", timeout=10000)
    assert window.signed_in.text() == "sam.patel · Team manager · North locality"
    assert window.signed_in.accessibleName() == "Signed in as"
    assert window.signed_in.isVisibleTo(window)
    # Whole, not cut: the corner is as wide as its words.
    label = window.signed_in
    assert label.width() >= label.fontMetrics().horizontalAdvance(label.text())


def test_a_health_worker_has_no_police_pack(qtbot, tasks, vault, service):
    service.add_worker("hana.health", PASSWORD, role="health_worker", agency="health")
    child_id = _synced(vault, service, "hana.health")
    window = _window(qtbot, tasks, vault)
    qtbot.waitUntil(lambda: window.signed_in.text() != "", timeout=10000)
    assert window.signed_in.text() == "hana.health · Health worker · Default team"
    tab = _missing_tab(qtbot, window, child_id)
    # Absent, not disabled: no button, and no way to it by its words.
    assert tab.pack_button is None
    assert not [b for b in tab.findChildren(type(tab.open_button)) if "Police pac" in b.text()]
    assert tab.share_pack() is None
    window.close()


def test_a_social_workers_missing_tab_has_the_police_pack(qtbot, tasks, vault, service):
    service.add_worker("sol.social", PASSWORD)
    child_id = _synced(vault, service, "sol.social")
    window = _window(qtbot, tasks, vault)
    tab = _missing_tab(qtbot, window, child_id)
    assert tab.pack_button is not None and tab.pack_button.isVisibleTo(tab)
    window.close()


def test_a_tab_a_role_is_not_offered_is_left_out_of_the_bar():
    # The child view's tabs come through `offered`: a tab that needs what
    # the role lacks is not there, and a group left empty goes too.
    from ui.child_tabs.sharing_log import SharingTab

    everyone = offered(TABS, frozenset({Capability.casework}))
    assert everyone == list(TABS)
    try:
        SharingTab.needs = Capability.audit_trail
        kept = offered(TABS, frozenset({Capability.casework}))
        leaves = [leaf for e in kept for leaf in (e.leaves if isinstance(e, Group) else (e,))]
        assert ("ui.child_tabs.sharing_log", "SharingTab") not in leaves
        assert len(kept) == len(TABS) - 1
        assert offered(TABS, frozenset({Capability.audit_trail})) == list(TABS)
    finally:
        SharingTab.needs = None


def test_docs_roles_md_holds_the_laptops_table_as_built():
    from desktop.capabilities import markdown_table
    from sync.server import roles_doc

    assert markdown_table() in roles_doc.DOC.read_text(), (
        "copy desktop.capabilities.markdown_table() into sync/server/roles_doc.py's _LAPTOP"
    )
