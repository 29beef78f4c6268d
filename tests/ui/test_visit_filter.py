"""The Visits list of a child with thousands of notes, filtered by text and
by date (issue 15, item 8)."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate

from desktop.records import put_records, refresh_children
from sync.wire import Record
from tests.helpers import visit_record
from ui.child_tabs.visits import RecordRole, VisitsTab

NOTES = 2500
FIRST_DAY = date(2019, 1, 1)


def _visits(child_id: str) -> list[Record]:
    out = []
    for n in range(NOTES):
        day = FIRST_DAY + timedelta(days=n)
        words = "Saw the zebra crossing near school." if n == 1234 else "Tidy room, calm visit."
        out.append(
            visit_record(
                child_id,
                f"{day.isoformat()}T10:00:00Z",
                observations=words,
                childs_words="“Fine.”",
            )
        )
    return out


def test_thousands_of_notes_filter_by_text_and_date(qtbot, ctx, child_id):
    store = ctx.session.repo.store

    def seed() -> None:
        with store.transaction() as conn:
            put_records(conn, _visits(child_id), pending=False)
            refresh_children(conn, [child_id])

    ctx.tasks.db_now(seed)
    tab = VisitsTab(ctx)
    qtbot.addWidget(tab)
    tab.resize(1366, 700)
    tab.show()
    with qtbot.waitSignal(tab.sig_loaded, timeout=20000):
        tab.load(child_id)
    shown = tab.list.model()
    assert shown.rowCount() == NOTES

    with qtbot.waitSignal(tab.filter.sig_changed, timeout=5000):
        tab.filter.text.setText("ZEBRA cross")
    assert shown.rowCount() == 1
    record, _pending = shown.index(0, 0).data(RecordRole)
    assert "zebra" in record.data["observations"]
    assert "1 of 2,500" in tab.filter.count.text()

    tab.filter.text.clear()
    since = FIRST_DAY + timedelta(days=100)
    with qtbot.waitSignal(tab.filter.sig_changed, timeout=5000):
        tab.filter.since.setDate(QDate(since.year, since.month, since.day))
    with qtbot.waitSignal(tab.filter.sig_changed, timeout=5000):
        until = since + timedelta(days=9)
        tab.filter.until.setDate(QDate(until.year, until.month, until.day))
    assert shown.rowCount() == 10
    days = {shown.index(r, 0).data(RecordRole)[0].data["start"][:10] for r in range(10)}
    assert min(days) == since.isoformat() and max(days) == until.isoformat()

    # Opening a filtered row opens that note.
    tab.list.setCurrentIndex(shown.index(0, 0))
    tab.list.activated.emit(shown.index(0, 0))
    qtbot.waitUntil(lambda: tab.editor.record_id is not None)
    assert tab.editor.record_id == str(shown.index(0, 0).data(RecordRole)[0].id)

    tab.filter.clear()
    assert shown.rowCount() == NOTES


def test_opening_another_child_clears_the_filter(qtbot, ctx, child_id):
    from tests.helpers import CHILD, db

    other = str(db(ctx, lambda r: r.create("child", {**CHILD, "first_name": "Rowan"})).id)
    for cid, words in ((child_id, "zebra"), (other, "giraffe")):
        visit = {"visit_type": "cin", "start": "2026-05-01T10:00:00+00:00", "observations": words}
        db(ctx, lambda r, c=cid, v=visit: r.create("visit", v, child_id=c))
    tab = VisitsTab(ctx)
    qtbot.addWidget(tab)
    with qtbot.waitSignal(tab.sig_loaded, timeout=5000):
        tab.load(child_id)
    tab.filter.text.setText("zebra")
    assert tab.list.model().rowCount() == 1
    with qtbot.waitSignal(tab.sig_loaded, timeout=5000):
        tab.load(other)
    assert tab.filter.text.text() == "" and tab.list.model().rowCount() == 1
