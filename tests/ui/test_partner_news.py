"""A record a partner agency reported (issue 18 item 5) shows as "New from
<agency>" on the caseload, on the child's chronology and in the tab that
holds it until the worker opens it there; what was opened is kept in the
encrypted store only (desktop.partner_news)."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt

from desktop import partner_news
from desktop.repository import CaseRepository
from tests.helpers import CHILD, db, settle
from tests.ui import screens
from ui.caseload_model import ChildIdRole, Col
from ui.child_tabs.chronology import ChronologyTab
from ui.child_tabs.education import EducationTab
from ui.workspace import Workspace

NEW = "New from School / education"


def _reported(repo: CaseRepository) -> tuple[str, str]:
    child = str(repo.create("child", {**CHILD, "first_name": "Wren"}).id)
    data = {
        "school": "Hillside Primary",
        "notified_at": "2026-05-01",
        "source_agency": "school_education",
        "reliability": "confirmed",
        "partner_report_id": str(uuid.uuid4()),
    }
    cme = repo.create("cme_episode", data, child_id=child)
    return child, str(cme.id)


def _flags(qtbot, workspace: Workspace) -> dict[str, str]:
    panel = workspace.caseload
    with qtbot.waitSignal(panel.sig_loaded, timeout=5000):
        panel.reload()
    return {
        panel.proxy.index(r, 0).data(ChildIdRole): panel.proxy.index(r, Col.flags).data() or ""
        for r in range(panel.proxy.rowCount())
    }


def test_new_from_a_partner_until_the_worker_opens_it(qtbot, ctx):
    child, cme = db(ctx, _reported)
    workspace = Workspace(ctx)
    qtbot.addWidget(workspace)
    assert NEW in _flags(qtbot, workspace)[child]

    chronology = screens.open_tab(qtbot, ctx, child, ChronologyTab)
    titles = {e.record_id: e.new_from for e in chronology.model.entries}
    assert titles[cme] == NEW
    row = [e.record_id for e in chronology.model.entries].index(cme)
    assert chronology.model.index(row, 2).data().startswith(NEW)

    tab = screens.open_tab(qtbot, ctx, child, EducationTab)
    assert NEW in tab.heading.text()
    settle(qtbot, ctx.tasks)
    qtbot.waitUntil(lambda: db(ctx, lambda repo: repo.partner_news(child)) == {}, timeout=5000)
    assert NEW not in _flags(qtbot, workspace)[child]


def test_the_name_is_bold_and_a_quick_filter_finds_the_new_reports(qtbot, ctx):
    # The Flags column is off to the right at 1366 wide: the name itself
    # says there is something new (bold, and its tooltip in words).
    child, _ = db(ctx, _reported)
    other = db(ctx, lambda repo: str(repo.create("child", {**CHILD, "first_name": "Ash"}).id))
    workspace = Workspace(ctx)
    qtbot.addWidget(workspace)
    _flags(qtbot, workspace)
    panel = workspace.caseload
    rows = {panel.proxy.index(r, 0).data(ChildIdRole): r for r in range(panel.proxy.rowCount())}
    name = panel.proxy.index(rows[child], Col.child_name)
    assert name.data(Qt.ItemDataRole.FontRole).bold()
    assert NEW in name.data(Qt.ItemDataRole.ToolTipRole)
    plain = panel.proxy.index(rows[other], Col.child_name)
    assert plain.data(Qt.ItemDataRole.FontRole) is None
    panel.proxy.set_quick("new_from_partner", True)
    shown = [panel.proxy.index(r, 0).data(ChildIdRole) for r in range(panel.proxy.rowCount())]
    assert shown == [child]


def test_seen_state_stays_on_the_laptop_and_a_later_report_is_new_again(ctx):
    child, cme = db(ctx, _reported)

    def open_then_report_again(repo: CaseRepository) -> tuple[bool, bool, dict[str, str]]:
        first = repo.mark_partner_seen(cme)
        again = repo.mark_partner_seen(cme)
        repo.update(cme, {"partner_report_id": str(uuid.uuid4())})
        return first, again, repo.partner_news(child)

    first, again, news = db(ctx, open_then_report_again)
    assert (first, again) == (True, False)
    assert news == {cme: NEW}
    assert partner_news.words("nonsense") == "New from a partner"


def test_a_schools_report_on_the_central_record_reaches_the_laptop_as_new(
    qtbot, laptops, service, tasks, shown_errors
):
    # The real loop without the browser (tests/console has it with one): the
    # school's report goes through the service's one write path, a real
    # laptop syncs over HTTP, and shows it as new until it is opened.
    from sync.server import partner_reports
    from sync.server.partner_reports import Account
    from tests.helpers import PASSWORD
    from tests.ui.two_laptops import laptop_ctx, sync

    sw = laptops("sw.reports")
    ctx = laptop_ctx(tasks, sw, shown_errors)
    child = db(ctx, lambda r: r.create("child", {**CHILD, "first_name": "Wren"}))
    sync(ctx, sw)
    service.add_worker("hillside", PASSWORD, role="partner", agency="school_education")
    with service.engine.connect() as conn:
        from sync.server.schema import workers

        wid = conn.execute(workers.select().where(workers.c.name == "hillside")).one().id
    school = Account(wid, "hillside", "partner", "school_education")
    form = {k: CHILD[k] for k in ("last_name", "date_of_birth")} | {"first_name": "Wren"}
    partner_reports.submit(
        service.engine, school, "cme", form | {"school": "Hillside", "reliability": "confirmed"}
    )
    sync(ctx, sw)
    news = db(ctx, lambda r: r.partner_news(str(child.id)))
    assert list(news.values()) == [NEW]
    tab = screens.open_tab(qtbot, ctx, str(child.id), EducationTab)
    assert NEW in tab.heading.text()
    qtbot.waitUntil(lambda: db(ctx, lambda r: r.partner_news(str(child.id))) == {}, timeout=5000)
    # Opening it sent nothing: nothing waits in the laptop's outbox.
    from desktop import outbox

    def waiting(repo: CaseRepository) -> int:
        with repo.store.transaction() as conn:
            return outbox.pending_count(conn)

    assert db(ctx, waiting) == 0
