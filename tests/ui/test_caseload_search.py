"""Searching the caseload from the keyboard: Enter or Down moves into the
results and Enter opens the first; an exact name ranks first; "Found in"
shows the words that matched (issue 15, item 8)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop.records import put_records, refresh_children
from tests.helpers import CHILD, db, visit_record
from ui.caseload_model import ChildIdRole, Col
from ui.caseload_panel import CaseloadPanel


def _child(ctx, first: str, last: str) -> str:
    data = {**CHILD, "first_name": first, "last_name": last}
    return str(db(ctx, lambda r: r.create("child", data)).id)


def _note(ctx, child_id: str, text: str) -> None:
    visit = {"visit_type": "cin", "start": "2026-05-01T10:00:00+00:00", "observations": text}
    db(ctx, lambda r: r.create("visit", visit, child_id=child_id))


def _panel(qtbot, ctx) -> CaseloadPanel:
    panel = CaseloadPanel(ctx)
    qtbot.addWidget(panel)
    panel.resize(1366, 600)
    panel.show()
    with qtbot.waitSignal(panel.sig_loaded, timeout=5000):
        panel.reload()
    return panel


def _search(qtbot, panel: CaseloadPanel, text: str) -> None:
    panel.search.setFocus()
    with qtbot.waitSignal(panel.sig_searched, timeout=5000):
        qtbot.keyClicks(panel.search, text)
    qtbot.waitUntil(lambda: panel.search.text() == text)


def _shown(panel: CaseloadPanel) -> list[str]:
    proxy = panel.proxy
    return [proxy.index(r, 0).data(ChildIdRole) for r in range(proxy.rowCount())]


def test_enter_in_the_search_box_goes_to_the_results_and_enter_opens_the_first(qtbot, ctx):
    ash = _child(ctx, "Ash", "Wren")
    _child(ctx, "Birch", "Stone")
    panel = _panel(qtbot, ctx)
    _search(qtbot, panel, "Ash")
    qtbot.keyClick(panel.search, Qt.Key.Key_Return)
    assert panel.table.hasFocus()
    assert panel.current_child() == ash
    with qtbot.waitSignal(panel.sig_child_chosen, timeout=5000) as chosen:
        qtbot.keyClick(panel.table, Qt.Key.Key_Return)
    assert chosen.args == [ash]


def test_down_in_the_search_box_selects_the_first_result(qtbot, ctx):
    _child(ctx, "Ash", "Wren")
    birch = _child(ctx, "Birch", "Stone")
    panel = _panel(qtbot, ctx)
    _search(qtbot, panel, "Birch")
    qtbot.keyClick(panel.search, Qt.Key.Key_Down)
    assert panel.table.hasFocus() and panel.current_child() == birch


def test_an_exact_name_ranks_first(qtbot, ctx):
    ash = _child(ctx, "Ash", "Wren")
    _child(ctx, "Ash", "Wrenfield")  # the name begins the same
    abigail = _child(ctx, "Abigail", "Stone")  # and sorts first by name
    for _ in range(3):
        _note(ctx, abigail, "Ash Wren came round; Ash Wren and Abigail went to the park.")
    panel = _panel(qtbot, ctx)
    _search(qtbot, panel, "ash wren")
    shown = _shown(panel)
    assert len(shown) == 3
    assert shown[0] == ash
    # Clearing the search gives the table back in the order it had.
    with qtbot.waitSignal(panel.sig_searched, timeout=5000):
        panel.search.clear()
    names = [panel.proxy.index(r, Col.child_name).data() for r in range(panel.proxy.rowCount())]
    assert names == sorted(names)


def test_found_in_shows_the_matched_words_for_every_child(qtbot, ctx):
    ids = [_child(ctx, first, "Tester") for first in ("Alder", "Birch", "Cedar", "Damson")]
    store = ctx.session.repo.store
    filler = " ".join(["The visit went on with talk about school and friends."] * 4)
    notes = [
        visit_record(
            child_id,
            f"2026-0{1 + n % 9}-01T10:00:00Z",
            observations=f"{filler} At the end we spoke about vapes.",
        )
        for child_id in ids
        for n in range(80)  # 320 matching notes: more than the snippets first made
    ]

    def seed() -> None:
        with store.transaction() as conn:
            put_records(conn, notes, pending=False)
            refresh_children(conn, ids)

    ctx.tasks.db_now(seed)
    panel = _panel(qtbot, ctx)
    _search(qtbot, panel, "vapes")
    assert not panel.table.isColumnHidden(Col.found)
    for row in range(panel.proxy.rowCount()):
        found = panel.proxy.index(row, Col.found).data()
        # The match leads, with a few words before it for context, so the
        # cell shows it however narrow the column.
        assert "«vapes»" in found, found
        assert len(found.split("«vapes»")[0].split()) <= 6, found
