"""A list-over-form tab is a small subclass: its kind, columns and fields.
Built here for information shared with another agency (a tab the casework
part adds), it lists, saves, refuses and keeps typing like the others.

And the app has one error label: every form and page says what went wrong
in a label made by `ui.widgets.message_label`."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QWidget

from sync.kinds.common import Agency
from sync.kinds.people import Consent
from tests.helpers import db
from tests.ui.screens import open_tab, refused, save, unnamed
from ui.child_tabs.list_form import ListFormTab
from ui.labels import label
from ui.record_table import Column
from ui.text import day_text
from ui.widgets import combo, line_edit, text_edit

UI = Path(__file__).parents[2] / "ui"


class SharingTab(ListFormTab):
    title = "Information shared"
    kind = "sharing"
    new_noun = "sharing"
    order = "date"
    blank = {"consent": "sought_given"}
    titles = ("&What was shared", "&Agency", "&Consent", "Consent &reason", "&Date")

    def columns(self) -> list[Column]:
        return [
            Column("Date", lambda r: day_text(r.data.get("date"))),
            Column("Agency", lambda r: label(r.data.get("agency"))),
            Column("What", lambda r: r.data.get("what") or ""),
        ]

    def make_fields(self) -> dict[str, QWidget]:
        return {
            "what": text_edit(self, "What was shared"),
            "agency": combo(self, "Agency", Agency, blank=True),
            "consent": combo(self, "Consent", Consent, blank=False),
            "consent_reason": line_edit(self, "Consent reason"),
            "date": self.date_field("Date shared", with_time=False, optional=False),
        }


def shared(ctx, child_id):
    return db(ctx, lambda r: r.records_for_child(child_id, "sharing"))


def test_a_subclass_of_columns_and_fields_lists_and_saves_its_kind(qtbot, ctx, child_id):
    for day, what in (("2026-05-02", "School attendance"), ("2026-05-20", "Missing report")):
        db(ctx, lambda r, d=day, w=what: r.create("sharing", {
            "what": w, "agency": "police", "consent": "sought_given", "date": d,
        }, child_id=child_id))  # fmt: skip
    tab = open_tab(qtbot, ctx, child_id, SharingTab)
    # Newest first, and the newest is in the form.
    assert [tab.model.index(row, 2).data() for row in range(2)] == [
        "Missing report",
        "School attendance",
    ]
    assert tab.fields["what"].toPlainText() == "Missing report"
    assert tab.heading.text() == "Sharing: Wed 20 May 2026"
    assert unnamed(tab) == []

    tab.new_button.click()
    assert tab.heading.text() == "New sharing"
    assert tab.discard_button.text() == "&Cancel new sharing"
    tab.fields["what"].setPlainText("Chronology to health visitor")
    tab.fields["agency"].setCurrentIndex(tab.fields["agency"].findData("health"))
    tab.fields["consent"].setCurrentIndex(tab.fields["consent"].findData("not_sought"))
    tab.edited()
    # The schema's own rule comes back at the form, naming the field in its words.
    assert refused(qtbot, tab) == (
        "Not saved yet: Consent reason — is required when consent was not sought."
        " Your typing is kept on this laptop."
    )
    assert len(shared(ctx, child_id)) == 2

    tab.fields["consent_reason"].setText("Child at immediate risk")
    new_id = save(qtbot, tab)
    stored = db(ctx, lambda r: r.get(new_id)).data
    assert stored["what"] == "Chronology to health visitor"
    assert stored["agency"] == "health" and stored["consent"] == "not_sought"
    assert stored["date"] == "2026-06-01"  # the session's day
    assert tab.model.rowCount() == 3 and tab.current is not None
    assert str(tab.current.id) == new_id


def test_every_error_label_is_the_one_from_ui_widgets():
    """`fieldError` is the error label's style; only the factory sets it."""
    setters = sorted(
        str(path.relative_to(UI))
        for path in UI.rglob("*.py")
        if '"fieldError"' in path.read_text(encoding="utf-8")
    )
    assert setters == ["widgets.py"]
