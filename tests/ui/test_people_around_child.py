"""The people around the child on the laptop: the Summary shows where the
child lives, the household and carers, the parents' contacts, the school,
the GP and the professionals; each is edited in a form that saves like the
others ("Saved on this laptop · not yet sent") and names a refused field in
the form's words."""

from __future__ import annotations

import logging

from PySide6.QtGui import QTextDocument

from tests.helpers import db
from tests.ui.screens import open_tab, refused, save, unnamed
from ui.child_tabs.child_places import ChildPlacesForm
from ui.child_tabs.family import FamilyTab
from ui.child_tabs.form_tab import NOT_SENT
from ui.child_tabs.professionals import ProfessionalsTab
from ui.child_tabs.summary import SummaryTab

PLACES = {
    "placement_address": {"street": "2 Example Close", "town": "Fizzwick", "postcode": "ZZ4 5GH"},
    "address": {"street": "17 Puddle Lane", "town": "Wobbleton", "postcode": "ZZ3 4EF"},
    "school": {"name": "Puddingstone Academy", "contact": "Mrs Inkwhistle",
               "phone": "01632 960123"},
    "gp": {"name": "Dapplewood Surgery", "phone": "01632 960456"},
}  # fmt: skip
CARER = {"name": "Marigold Fernhollow", "relationship": "foster_carer",
         "lives_with_child": True, "carer": True, "phone": "07700 900301"}  # fmt: skip
MOTHER = {"name": "Hyacinth Puddingstone", "relationship": "mother",
          "parental_responsibility": True, "phone": "07700 900302",
          "address": {"street": "9 Kettlebrook Close", "postcode": "ZZ4 2JU"},
          "notes": "Family time supervised"}  # fmt: skip
PROFESSIONAL = {"name": "Ambrose Jollyfield", "agency": "police",
                "role": "Missing person coordinator", "phone": "01632 960402"}  # fmt: skip


def _people(ctx, child_id) -> dict[str, str]:
    db(ctx, lambda r: r.update(child_id, PLACES))
    ids = {}
    for key, kind, data in (("carer", "family_member", CARER), ("mother", "family_member", MOTHER),
                            ("police", "involvement", PROFESSIONAL)):  # fmt: skip
        ids[key] = str(db(ctx, lambda r, k=kind, d=data: r.create(k, d, child_id=child_id)).id)
    # Someone who has moved on is not named.
    moved_on = {"name": "Basil Nutkins", "agency": "health", "end": "2026-03-01"}
    db(ctx, lambda r: r.create("involvement", moved_on, child_id=child_id))
    return ids


def shown(tab: SummaryTab) -> str:
    doc = QTextDocument()
    doc.setHtml(tab.text.text())
    return doc.toPlainText()


def section(text: str, heading: str, following: str) -> str:
    return text.split(heading, 1)[1].split(following, 1)[0]


def test_the_summary_shows_where_the_child_lives_who_with_and_who_to_call(qtbot, ctx, child_id):
    _people(ctx, child_id)
    tab = open_tab(qtbot, ctx, child_id, SummaryTab)
    text = shown(tab)
    where = section(text, "Where the child lives", "Household and carers")
    assert where.index("Placement address") < where.index("Home address")  # placed: first
    assert "2 Example Close, Fizzwick ZZ4 5GH" in where
    assert "17 Puddle Lane, Wobbleton ZZ3 4EF" in where
    assert "Puddingstone Academy · Mrs Inkwhistle · 01632 960123" in where
    assert "Dapplewood Surgery · 01632 960456" in where
    household = section(text, "Household and carers", "Parents' contacts")
    assert "Marigold Fernhollow — Foster carer · carer" in household
    assert "07700 900301" in household and "Hyacinth" not in household
    parents = section(text, "Parents' contacts", "Professionals involved")
    assert "Hyacinth Puddingstone — Mother" in parents
    assert "07700 900302 · 9 Kettlebrook Close, ZZ4 2JU" in parents
    assert "Family time supervised" in parents and "Marigold" not in parents
    professionals = text.split("Professionals involved", 1)[1]
    assert "Ambrose Jollyfield — Police · Missing person coordinator" in professionals
    assert "01632 960402" in professionals and "Basil Nutkins" not in professionals
    assert unnamed(tab) == []


def test_a_child_with_nobody_recorded_says_so(qtbot, ctx, child_id):
    text = shown(open_tab(qtbot, ctx, child_id, SummaryTab))
    assert "Where the child lives\nAddress\nNone recorded\n" in text
    for heading, following in (("Household and carers", "Parents' contacts"),
                               ("Parents' contacts", "Professionals involved")):  # fmt: skip
        assert section(text, heading, following).strip() == "None recorded"
    assert text.split("Professionals involved", 1)[1].strip() == "None recorded"


def test_the_summarys_edit_section_saves_the_school_phone_and_names_a_bad_one(qtbot, ctx, child_id):
    _people(ctx, child_id)
    tab = open_tab(qtbot, ctx, child_id, SummaryTab)
    form: ChildPlacesForm = tab.places
    qtbot.waitUntil(lambda: form.current is not None, timeout=5000)
    assert not form.isVisibleTo(tab)
    tab.edit_places.click()
    assert form.isVisibleTo(tab) and unnamed(form) == []
    assert form.fields["school.phone"].text() == "01632 960123"

    form.fields["school.phone"].setText("the school office")
    form.edited()
    assert refused(qtbot, form) == (
        "Not saved yet: School phone — is not a phone number (for example 07700 900123)."
        " Your typing is kept on this laptop."
    )
    form.fields["school.phone"].setText("01632 960999")
    form.fields["gp.contact"].setText("Dr Hobnail")
    with qtbot.waitSignal(tab.sig_loaded, timeout=5000):
        save(qtbot, form)
    assert form.state.text() == NOT_SENT == "Saved on this laptop · not yet sent"
    stored = db(ctx, lambda r: r.get(child_id)).data
    assert stored["school"] == {**PLACES["school"], "phone": "01632 960999"}
    assert stored["gp"]["contact"] == "Dr Hobnail"
    assert stored["first_name"] == "Thistle"  # the rest of the child's record is untouched
    assert "Puddingstone Academy · Mrs Inkwhistle · 01632 960999" in shown(tab)
    assert "Dapplewood Surgery · Dr Hobnail · 01632 960456" in shown(tab)


def test_a_carers_phone_is_edited_in_family_and_carers_and_saved(qtbot, ctx, child_id, caplog):
    caplog.set_level(logging.DEBUG)
    ids = _people(ctx, child_id)
    tab = open_tab(qtbot, ctx, child_id, FamilyTab)
    # The household first, then the parents.
    assert [tab.model.index(row, 0).data() for row in range(2)] == [
        "Marigold Fernhollow",
        "Hyacinth Puddingstone",
    ]
    assert tab.heading.text() == "Marigold Fernhollow — Foster carer · lives with the child · carer"
    assert unnamed(tab) == []

    tab.fields["phone"].setText("077OO 9OO3O1")
    tab.edited()
    assert refused(qtbot, tab) == (
        "Not saved yet: Phone — is not a phone number (for example 07700 900123)."
        " Your typing is kept on this laptop."
    )
    tab.fields["phone"].setText("07700 900388")
    assert save(qtbot, tab) == ids["carer"]
    assert tab.state.text() == "Saved on this laptop · not yet sent"
    assert tab.model.index(0, 3).data() == "07700 900388"
    assert tab.model.index(0, 4).data() == "Not yet sent"
    stored = db(ctx, lambda r: r.get(ids["carer"])).data
    assert stored == {**stored, **CARER, "phone": "07700 900388", "address": None}
    for typed in ("077OO", "900388", "Fernhollow"):
        assert typed not in caplog.text


def test_a_new_family_member_needs_a_relationship_and_keeps_an_address(qtbot, ctx, child_id):
    tab = open_tab(qtbot, ctx, child_id, FamilyTab)
    tab.new_button.click()
    assert tab.heading.text() == "New family member or carer"
    tab.fields["name"].setText("Horatio Puddingstone")
    tab.fields["phone"].setText("07700 900555")
    tab.fields["address.postcode"].setText("zz7 8np")
    tab.edited()
    assert refused(qtbot, tab) == (
        "Not saved yet: Relationship — fill it in. Your typing is kept on this laptop."
    )
    assert db(ctx, lambda r: r.records_for_child(child_id, "family_member")) == []
    relationship = tab.fields["relationship"]
    relationship.setCurrentIndex(relationship.findData("father"))
    new_id = save(qtbot, tab)
    stored = db(ctx, lambda r: r.get(new_id)).data
    assert stored["relationship"] == "father" and stored["lives_with_child"] is False
    assert stored["address"] == {"street": None, "town": None, "postcode": "ZZ7 8NP"}
    assert tab.state.text() == NOT_SENT


def test_a_professional_is_added_and_a_moved_on_one_says_until_when(qtbot, ctx, child_id):
    _people(ctx, child_id)
    tab = open_tab(qtbot, ctx, child_id, ProfessionalsTab)
    assert sorted(tab.model.index(row, 4).data() for row in range(2)) == ["", "Sun 01 Mar 2026"]
    tab.new_button.click()
    tab.fields["name"].setText("Clementine Kettlebrook")
    agency = tab.fields["agency"]
    agency.setCurrentIndex(agency.findData("school_education"))
    tab.fields["role"].setText("Designated safeguarding lead")
    tab.edited()
    new_id = save(qtbot, tab)
    assert db(ctx, lambda r: r.get(new_id)).data["agency"] == "school_education"
    assert tab.state.text() == NOT_SENT
    assert unnamed(tab) == []


def test_a_record_sent_without_its_defaults_reads_no_not_the_first_choice(qtbot, ctx, child_id):
    """The demo's records come compact (defaults left out): an absent "carer"
    is No, never the combo's first item, Yes."""
    tab = open_tab(qtbot, ctx, child_id, FamilyTab)
    tab.fill(None, {"name": "Pip Puddingstone", "relationship": "sibling"})
    assert tab.fields["carer"].currentText() == "No"
    assert tab.fields["lives_with_child"].currentText() == "No"
    assert tab.form_data()["carer"] is False


def test_typing_the_edit_section_could_not_save_comes_back_open(qtbot, ctx, child_id):
    tab = open_tab(qtbot, ctx, child_id, SummaryTab)
    qtbot.waitUntil(lambda: tab.places.current is not None, timeout=5000)
    tab.edit_places.click()
    tab.places.fields["gp.phone"].setText("ask at reception")
    tab.places.edited()
    assert refused(qtbot, tab.places).startswith("Not saved yet: GP phone — ")

    again = SummaryTab(ctx)  # the child opened again, as after a lock or another child
    qtbot.addWidget(again)
    with qtbot.waitSignal(again.places.sig_loaded, timeout=5000):
        again.load(child_id)
    assert again.edit_places.isChecked() and again.places.isVisibleTo(again)
    assert again.places.fields["gp.phone"].text() == "ask at reception"
    assert again.places.message.text().startswith("Not saved yet: GP phone — ")


def test_the_family_list_reads_carers_household_parents_elsewhere_then_others():
    from uuid import uuid4

    from sync.wire import Record
    from ui.child_tabs.family import reading_order

    def member(name: str, **data) -> Record:
        return Record(id=uuid4(), kind="family_member", child_id=uuid4(), rev=0,
                      updated_at="2026-06-01T12:00:00Z", updated_by="x",
                      data={"name": name, **data})  # fmt: skip

    people = [
        member("Acorn Friend", relationship="family_friend"),
        member("Barnaby Dad", relationship="father"),
        member("Pip Sibling", relationship="sibling", lives_with_child=True),
        member("Zinnia Carer", relationship="foster_carer", carer=True, lives_with_child=True),
    ]
    ordered = [p.data["name"] for p in sorted(people, key=reading_order)]
    assert ordered == ["Zinnia Carer", "Pip Sibling", "Barnaby Dad", "Acorn Friend"]
