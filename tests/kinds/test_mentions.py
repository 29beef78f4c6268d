"""What a record names for hotspots, and the keys that make one thing of
its different spellings (sync.kinds.mentions)."""

from __future__ import annotations

from sync.kinds.mentions import Named, mentions, registration_key, text_key


def test_case_accents_punctuation_and_spacing_do_not_make_another_place():
    assert text_key("  Gnarly   PARK. ") == text_key("gnarly-park") == "gnarly park"
    assert text_key("Café Ëlan") == text_key("cafe elan")
    assert text_key("St. Mary's") == "st mary s"
    assert registration_key("zz11 abc") == registration_key("ZZ11-ABC") == "ZZ11ABC"
    assert text_key("") == text_key(None) == ""


def test_a_concern_names_each_thing_once_and_nothing_without_a_name():
    data = {
        "places": [{"name": "Gnarly Park"}, {"name": "gnarly park"}, {"name": " "}],
        "persons": [{"name": None, "aliases": ["Scrim"]}, {"description": "tall, thin"}],
        "vehicles": [{"registration": "ZZ22 DEF"}, {"colour": "silver"}],
    }
    found = {(m.what, m.key) for m in mentions("concern", data)}
    assert found == {
        (Named.place, "name:gnarly park"),
        (Named.person, "scrim"),
        (Named.vehicle, "ZZ22DEF"),
    }


def test_a_place_with_a_postcode_is_keyed_by_it_and_an_error_names_nothing():
    episode = {
        "locations": [{"name": "The flats", "postcode": "ZZ3 4EF"}],
        "found_location": "Puddle Lane flats",
        "found_postcode": "zz3 4ef",
        "associates": ["Tall Tobias"],
    }
    assert [(m.what, m.key) for m in mentions("missing_episode", episode)] == [
        (Named.place, "pc:ZZ34EF"),
        (Named.person, "tall tobias"),
    ]
    assert mentions("missing_episode", episode | {"entered_in_error": True}) == []
    assert mentions("visit", {"observations": "Gnarly Park"}) == []
