"""The concerns tab through the real store: a concern from a partner agency
with rows of places, persons and vehicles, normalised by the schema."""

from __future__ import annotations

from tests.helpers import db
from tests.ui import screens
from tests.ui.screens import save, unnamed
from ui.child_tabs.concerns import ConcernsTab


def open_tab(qtbot, ctx, child_id) -> ConcernsTab:
    return screens.open_tab(qtbot, ctx, child_id, ConcernsTab)


def type_row(editor, *values) -> None:
    """Add a row and type its cells, as the table's cell editor would."""
    editor.add_button.click()
    row = editor.model.rowCount() - 1
    for column, value in enumerate(values):
        editor.model.setData(editor.model.index(row, column), value)


def concerns(ctx, child_id):
    return db(ctx, lambda r: r.records_for_child(child_id, "concern"))


def test_a_concern_is_stored_with_its_places_persons_and_vehicles(qtbot, ctx, child_id):
    tab = open_tab(qtbot, ctx, child_id)
    assert tab.heading.text() == "New concern"
    f = tab.fields
    f["source"].setText("School DSL")
    f["source_agency"].setCurrentIndex(f["source_agency"].findData("school_education"))
    f["category"].setCurrentIndex(f["category"].findData("cse"))
    f["reliability"].setCurrentIndex(f["reliability"].findData("single_source"))
    f["narrative"].setPlainText("Seen getting into a car after school")
    f["sharing_restriction"].setText("Not to be shared with the family")
    type_row(tab.parts["places"], "Canal towpath", "zz1 1aa")
    type_row(tab.parts["persons"], "'Jay'", "19", "Tall, red jacket")
    type_row(tab.parts["vehicles"], "zz12 abc", "Ford", "Fiesta", "Blue")
    type_row(tab.parts["vehicles"], "", "", "", "")  # a blank row is dropped
    assert tab.dirty
    concern_id = save(qtbot, tab)

    d = db(ctx, lambda r: r.get(concern_id)).data
    assert d["source"] == "School DSL" and d["source_agency"] == "school_education"
    assert d["category"] == "cse" and d["reliability"] == "single_source"
    assert d["narrative"] == "Seen getting into a car after school"
    assert d["places"] == [{"name": "Canal towpath", "type": None, "postcode": "ZZ1 1AA"}]
    assert d["persons"] == [{"name": "'Jay'", "aliases": [], "approx_age": 19,
                             "description": "Tall, red jacket"}]  # fmt: skip
    assert d["vehicles"] == [{"registration": "ZZ12ABC", "make": "Ford", "model": "Fiesta",
                              "colour": "Blue"}]  # fmt: skip
    model = tab.concerns
    assert model.rowCount() == 1
    assert model.index(0, 1).data() == "School DSL"
    assert model.index(0, 4).data() == "Single source"
    assert model.index(0, 5).data() == "1 place · 1 person · 1 vehicle"
    # The form shows the stored (normalised) rows.
    assert tab.parts["vehicles"].model.index(0, 0).data() == "ZZ12ABC"


def test_rows_are_removed_and_a_bad_registration_is_named_by_its_row(qtbot, ctx, child_id):
    tab = open_tab(qtbot, ctx, child_id)
    tab.fields["source"].setText("Police PCSO")
    vehicles = tab.parts["vehicles"]
    type_row(vehicles, "AB12 CDE")
    type_row(vehicles, "not a reg!!")
    tab.save_button.click()
    qtbot.waitUntil(lambda: tab.message.isVisibleTo(tab), timeout=5000)
    assert tab.message.text() == (
        "Not saved yet: Vehicles — row 2, registration: must be letters and digits only,"
        " at most 8. Your typing is kept on this laptop."
    )
    assert concerns(ctx, child_id) == []

    vehicles.table.setCurrentIndex(vehicles.model.index(1, 0))
    vehicles.remove_button.click()
    assert vehicles.model.rowCount() == 1
    concern_id = save(qtbot, tab)
    assert [v["registration"] for v in db(ctx, lambda r: r.get(concern_id)).data["vehicles"]] == [
        "AB12CDE"
    ]


def test_a_concern_without_a_source_is_refused_and_a_stored_one_edited(qtbot, ctx, child_id):
    stored = db(ctx, lambda r: r.create("concern", {
        "received_at": "2026-05-28T16:00:00+01:00", "source": "Youth worker",
        "reliability": "corroborated", "places": [{"name": "Skatepark", "postcode": "ZZ9 9ZZ"}],
    }, child_id=child_id))  # fmt: skip
    tab = open_tab(qtbot, ctx, child_id)
    assert tab.current is not None and tab.current.id == stored.id
    assert tab.heading.text() == "Concern received Thu 28 May 2026 16:00"
    assert tab.parts["places"].model.index(0, 1).data() == "ZZ9 9ZZ"

    tab.new_button.click()
    tab.fields["narrative"].setPlainText("Unsigned note")
    tab.save_button.click()
    qtbot.waitUntil(lambda: tab.message.isVisibleTo(tab), timeout=5000)
    assert tab.message.text().startswith("Not saved yet: Source — fill it in.")
    assert len(concerns(ctx, child_id)) == 1

    tab.fields["source"].setText("Neighbour")
    save(qtbot, tab)
    tab.table.selectRow(1)  # the older one, after the new one
    assert tab.current.id == stored.id
    type_row(tab.parts["persons"], "Unknown male", "30")
    assert save(qtbot, tab) == str(stored.id)
    persons = db(ctx, lambda r: r.get(stored.id)).data["persons"]
    assert [(p["name"], p["approx_age"]) for p in persons] == [("Unknown male", 30)]


def test_every_control_of_the_concerns_tab_is_named(qtbot, ctx, child_id):
    tab = open_tab(qtbot, ctx, child_id)
    type_row(tab.parts["places"], "Canal towpath")
    assert unnamed(tab) == []


def test_a_concern_seen_only_by_police_and_social_care_says_so(qtbot, ctx, child_id):
    tab = open_tab(qtbot, ctx, child_id)
    picker = tab.fields["restricted_to"]
    assert picker.text() == "Everyone who holds the child"
    tab.fields["source"].setText("Neighbourhood officer")
    # Ticked from the keyboard's menu, as a worker would: police, then social care.
    picker.actions_by_code["police"].trigger()
    picker.actions_by_code["csc"].trigger()
    assert tab.dirty
    assert picker.text() == "Children's social care, Police"
    concern_id = save(qtbot, tab)

    data = db(ctx, lambda r: r.get(concern_id)).data
    assert data["restricted_to"] == ["csc", "police"]
    assert tab.heading.text().endswith("· Seen only by: Children's social care, Police")
    assert tab.concerns.index(0, 6).data() == "Children's social care, Police"

    # Unticked again: seen by everyone who holds the child, and no field stored.
    picker.actions_by_code["police"].trigger()
    picker.actions_by_code["csc"].trigger()
    save(qtbot, tab)
    data = db(ctx, lambda r: r.get(concern_id)).data
    assert "restricted_to" not in data
    assert tab.concerns.index(0, 6).data() == ""
    assert "Seen only by" not in tab.heading.text()
