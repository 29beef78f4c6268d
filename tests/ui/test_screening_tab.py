"""The Screening tab through the real store: ticking a tool's indicators
scores it live, the practitioner's level and reasons are required and kept
beside the tool's category, the history says where the two disagree, and a
screening reaches a second laptop that holds the child."""

from __future__ import annotations

import json
from importlib import resources

from PySide6.QtCore import QDate, Qt

from desktop import audit
from desktop.chronology import chronology
from desktop.screening import load_tool_file, load_tools
from desktop.summary import caseload_summary
from tests.helpers import NOW, child_data, db
from tests.ui.screens import refused, save, unnamed
from tests.ui.sync_states import accept_all, answer_conflict, unreachable_by_tab
from ui.caseload_model import Col, make_row
from ui.child_tabs.screening import CHOOSE_LEVEL, ScreeningTab
from ui.conflicts_view import ConflictsView
from ui.context import AppContext, Events, Session

SERAF = "seraf-like"


def open_tab(qtbot, ctx, child_id, source=None) -> ScreeningTab:
    tab = ScreeningTab(ctx)
    if source is not None:
        tab.tool_source = source
    qtbot.addWidget(tab)
    ctx.events.sig_records_changed.connect(lambda cid: tab.load(cid))
    with qtbot.waitSignal(tab.sig_loaded, timeout=5000):
        tab.load(child_id)
    return tab


def tick(tab: ScreeningTab, *texts: str) -> None:
    """Tick indicators as the worker does (a click each)."""
    boxes = {box.text(): box for box in tab.indicators.ticks()}
    for text in texts:
        boxes[text].click()


def choose(box, value) -> None:
    """Pick a combo's item by its stored value, as the keyboard or mouse does."""
    box.setCurrentIndex(box.findData(value))
    box.activated.emit(box.currentIndex())


def screenings(ctx, child_id):
    return db(ctx, lambda r: r.records_for_child(child_id, "assessment"))


def row_words(tab, row=0) -> list[str]:
    model = tab.screenings
    return [model.index(row, c).data() for c in range(model.columnCount())]


def test_ticking_scores_live_and_both_judgements_are_stored_and_shown(qtbot, ctx, child_id):
    tab = open_tab(qtbot, ctx, child_id)
    assert tab.fields["tool_id"].currentData() == SERAF  # the first tool, by its name
    assert tab.tool_result.text() == "Low (score 0)"
    tick(tab, "Living in care or a hostel")
    assert tab.tool_result.text() == "Low (score 1)"
    tick(tab, "Missing overnight or repeatedly")  # significant: 5 now
    assert tab.tool_result.text() == "Medium (score 6)"
    assert tab.fields["practitioner_level"].currentText() == CHOOSE_LEVEL
    assert tab.compared.text() == "Choose your level to compare it with the tool's"
    choose(tab.fields["practitioner_level"], "high")
    assert tab.compared.text() == "Practitioner High · tool Medium · higher than tool"
    tab.fields["rationale"].setPlainText("Picked up by older males twice this week")
    tab.fields["date"].edit.setDate(QDate(2026, 5, 28))
    saved = save(qtbot, tab)

    stored = db(ctx, lambda r: r.get(saved)).data
    assert stored["tool_category"] == "Medium" and stored["tool_score"] == 6
    assert stored["practitioner_level"] == "high"  # beside the tool's, never replaced by it
    assert (stored["tool_id"], stored["tool_version"]) == (SERAF, "1")
    assert {i["text"] for i in stored["indicators"]} == {
        "Living in care or a hostel",
        "Missing overnight or repeatedly",
    }
    assert stored["assessor"] == ctx.session.worker
    words = row_words(tab)
    assert words[:4] == ["Thu 28 May", "Medium", "High", "Higher than tool"]
    assert words[4] == ctx.session.worker
    assert words[5] == "Due Fri 28 Aug"  # three months on, by the rules
    assert tab.heading.text().endswith("Practitioner High · tool Medium · higher than tool")

    # The caseload's risk is the practitioner's, with the screening's day.
    summary = db(ctx, lambda r: caseload_summary(r.store.conn, NOW))[0]
    assert (summary.risk_level, str(summary.risk_date)) == ("high", "2026-05-28")
    assert make_row(summary, NOW.date()).cells[Col.risk] == "High · Thu 28 May"


def test_no_reasons_names_the_field_and_nothing_is_stored(qtbot, ctx, child_id):
    tab = open_tab(qtbot, ctx, child_id)
    tick(tab, "Living in care or a hostel")
    text = refused(qtbot, tab)  # no level either: the level is asked for first
    assert text.startswith("Not saved yet: Your level — choose one of Not at risk, Low")
    choose(tab.fields["practitioner_level"], "low")
    with qtbot.waitSignal(tab.sig_kept, timeout=5000):  # the message shown is the last one's
        tab.save_button.click()
    text = tab.message.text()
    assert text.startswith("Not saved yet: Your reasons — give your reasons for the level")
    assert text.endswith("Your typing is kept on this laptop.")
    assert tab.focusWidget() is tab.fields["rationale"]  # focus goes to the field named
    assert screenings(ctx, child_id) == []
    assert tab.state.text() == "Changes not saved yet"
    # Cancel: the new screening's typing goes, after asking; nothing was stored.
    tab.discard()
    assert tab.indicators.value() == [] and screenings(ctx, child_id) == []


def test_a_new_version_of_the_tool_scores_the_same_ticks_differently(
    qtbot, ctx, child_id, tmp_path
):
    shipped_file = resources.files("resources") / "tools" / "seraf_like.json"
    raw = json.loads(shipped_file.read_text(encoding="utf-8"))
    raw["version"] = "2"
    raw["domains"][0]["weight"] = {"any": 3}  # the council weighs vulnerabilities more
    path = tmp_path / "seraf_v2.json"
    path.write_text(json.dumps(raw))

    def council_tools():
        return {**load_tools(), SERAF: load_tool_file(path)}

    shipped, council = open_tab(qtbot, ctx, child_id), open_tab(qtbot, ctx, child_id, council_tools)
    for tab in (shipped, council):
        tick(tab, "Living in care or a hostel", "History of abuse or neglect")
    assert shipped.tool_result.text() == "Low (score 2)"
    assert council.tool_result.text() == "Medium (score 6)"
    assert "version 2" in council.tool_note.text()


def test_every_control_of_the_screening_tab_is_named(qtbot, ctx, child_id):
    tab = open_tab(qtbot, ctx, child_id)
    assert unnamed(tab) == []
    choose(tab.fields["tool_id"], "exploitation-levels")
    assert unnamed(tab) == []


def test_the_levels_tool_takes_a_level_per_indicator_and_its_highest(qtbot, ctx, child_id):
    tab = open_tab(qtbot, ctx, child_id)
    choose(tab.fields["tool_id"], "exploitation-levels")
    assert tab.tool_result.text() == "No indicators present"
    by_name = {box.accessibleName(): box for box in tab.findChildren(type(tab.fields["tool_id"]))}
    choose(by_name["Associates of concern"], "medium")
    choose(by_name["Sharing images"], "high")
    assert tab.tool_result.text() == "High"
    choose(tab.fields["practitioner_level"], "medium")
    assert tab.compared.text() == "Practitioner Medium · tool High · lower than tool"
    tab.fields["rationale"].setPlainText("Images shared once, now blocked; parents engaged")
    saved = save(qtbot, tab)
    stored = db(ctx, lambda r: r.get(saved)).data
    assert stored["tool_category"] == "High" and stored["tool_score"] is None
    assert stored["practitioner_level"] == "medium"
    assert sorted(i["level"] for i in stored["indicators"]) == ["high", "medium"]
    assert row_words(tab)[2:4] == ["Medium", "Lower than tool"]


def test_a_screening_is_audited_searchable_and_titled_on_the_chronology(qtbot, ctx, child_id):
    tab = open_tab(qtbot, ctx, child_id)
    tick(tab, "Missing overnight or repeatedly")
    choose(tab.fields["practitioner_level"], "high")
    tab.fields["rationale"].setPlainText("Seen getting into a taxi with unknown adults")
    saved = save(qtbot, tab)
    events = db(ctx, lambda r: audit.events_for_child(r.store.conn, child_id))
    assert "edit" in [action for _at, _actor, action in events]
    (hit,) = db(ctx, lambda r: r.search("taxi"))
    assert hit.record_id == saved
    assert hit.title == "Risk screening: High (tool: Low)"
    entry = next(
        e for e in db(ctx, lambda r: chronology(r.store.conn, child_id)) if e.record_id == saved
    )
    assert entry.title == "Risk screening: High (tool: Low)"
    assert entry.summary == "Seen getting into a taxi with unknown adults"


def test_the_keyboard_reaches_every_control(qtbot, ctx, child_id):
    tab = open_tab(qtbot, ctx, child_id)
    tab.resize(1366, 768)
    tab.show()
    qtbot.waitExposed(tab)
    tick(tab, "Goes missing for short periods")  # its "when" is enabled
    # A table's header is clicked, not tabbed to: the table itself is reached.
    assert [name for name in unreachable_by_tab(tab) if name] == []
    assert tab.table in _chain(tab) and tab.indicators.ticks()[0] in _chain(tab)


def _chain(root) -> list:
    chain, widget = [], root.nextInFocusChain()
    while widget is not root and widget not in chain:
        chain.append(widget)
        widget = widget.nextInFocusChain()
    return chain


def test_a_screening_in_conflict_shows_both_levels_in_words(qtbot, ctx, child_id):
    data = {"tool_id": SERAF, "tool_version": "1", "date": "2026-05-20", "tool_score": 1,
            "tool_category": "Low", "practitioner_level": "medium",
            "rationale": "first view"}  # fmt: skip
    record = db(ctx, lambda r: r.create("assessment", data, child_id=child_id))
    accept_all(ctx)
    db(ctx, lambda r: r.update(record.id, {"practitioner_level": "high"}))
    answer_conflict(ctx, {"practitioner_level": "low"})
    view = ConflictsView(ctx)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.sig_opened, timeout=5000):
        view.reload()
    assert "Risk screening" in view.list.item(0).text()
    (choice,) = view.choices
    assert choice.title() == "Practitioner level"
    assert (choice.theirs.toPlainText(), choice.mine.toPlainText()) == ("Low", "High")


def test_a_screening_reaches_the_other_laptop_that_holds_the_child(qtbot, tasks, laptops, service):
    sw, nurse = laptops("social.worker"), laptops("health.worker")

    def context(laptop) -> AppContext:
        session = tasks.db_now(lambda: Session(laptop.vault, clock=lambda: NOW))
        return AppContext(tasks=tasks, session=session, events=Events(), show_error=print)

    here, there = context(sw), context(nurse)
    child = db(here, lambda r: r.create("child", child_data()))
    tab = open_tab(qtbot, here, str(child.id))
    tick(tab, "Unexplained gifts or money", "Picked up in cars by unknown adults")
    choose(tab.fields["practitioner_level"], "medium")
    tab.fields["rationale"].setPlainText("Gifts explained by an aunt; the car was a cousin's")
    saved = save(qtbot, tab)
    assert tab.state.text() == "Saved on this laptop · not yet sent"
    assert tasks.db_now(sw.sync).pushed == 2
    service.assign("health.worker", child.id)
    tasks.db_now(nurse.sync)

    theirs = open_tab(qtbot, there, str(child.id))
    assert [str(r.id) for r in theirs.screenings.records] == [saved]
    words = row_words(theirs)
    assert words[1:4] == ["Medium", "Medium", "Agrees with tool"]
    assert words[4] == "social.worker"
    assert theirs.state.text() == "Sent to the central record"
    assert theirs.fields["rationale"].toPlainText().startswith("Gifts explained")
    assert theirs.tool_result.text() == "Medium (score 6)"


def test_a_screening_entered_in_error_hands_the_review_to_the_one_before(qtbot, ctx, child_id):
    def stored(day: str, level: str) -> str:
        data = {"tool_id": SERAF, "tool_version": "1", "date": day, "tool_score": 1,
                "tool_category": "Low", "practitioner_level": level,
                "rationale": "reasons"}  # fmt: skip
        return str(db(ctx, lambda r: r.create("assessment", data, child_id=child_id)).id)

    stored("2026-02-20", "medium")
    wrong = stored("2026-05-20", "high")
    db(ctx, lambda r: r.update(wrong, {"entered_in_error": True,
                                      "entered_in_error_reason": "wrong child"}))  # fmt: skip
    tab = open_tab(qtbot, ctx, child_id)
    assert [row_words(tab, n)[5] for n in (0, 1)] == [
        "Entered in error",
        "Overdue (due Wed 20 May)",  # three months after 20 February; NOW is 1 June
    ]
    summary = db(ctx, lambda r: caseload_summary(r.store.conn, NOW))[0]
    assert (summary.risk_level, str(summary.risk_date)) == ("medium", "2026-02-20")
    assert summary.overdue_reviews == 1
    assert tab.screenings.index(1, 5).data(Qt.ItemDataRole.ForegroundRole) is not None
