"""Council-wide hotspots (sync.server.hotspots) on crafted records, on SQLite
and PostgreSQL: one place, person or car however it was typed, ranked by
children not mentions, within the period, need to know respected, and the
children behind each named."""

from __future__ import annotations

from sync.kinds.mentions import Named
from sync.server import children
from sync.server.hotspots import children_behind, deidentified, hotspot, hotspots
from sync.server.trends import Period
from tests.server.trend_data import NOW, child, concern, episode, load, meeting

THREE = Period(3, NOW)


def _load(engine) -> dict[str, str]:
    a, ra = child("Acorn")
    b, rb = child("Burdock")
    c, rc = child("Cobnut")
    load(
        engine,
        [
            ra,
            rb,
            rc,
            # One park, typed three ways, for three children.
            concern(a, places=[{"name": "Gnarly Park"}], vehicles=[{"registration": "ZZ11 ABC"}]),
            concern(b, places=[{"name": "  gnarly   PARK."}], persons=[{"name": "Mister Grue"}]),
            meeting(c, places=[{"name": "Gnarly-park"}], vehicles=[{"registration": "zz11abc"}]),
            # One child's many mentions of the flats do not outrank the park.
            concern(a, places=[{"name": "Puddle Lane flats", "postcode": "ZZ3 4EF"}]),
            concern(a, places=[{"name": "Puddle Lane flats", "postcode": "ZZ3 4EF"}]),
            concern(b, places=[{"name": "Flats on Puddle Lane", "postcode": "zz34ef"}]),
            # A person in an episode's associates and its "found with".
            episode(
                c,
                "2026-10-10T20:00:00Z",
                "2026-10-11T08:00:00Z",
                associates=["mister  grue"],
                found_with="MISTER GRUE",
            ),
            # Seen only by the police: a person csc's readers never count.
            concern(a, persons=[{"name": "Tall Tobias"}], restricted_to=["police"]),
            concern(b, persons=[{"name": "Tall Tobias"}], restricted_to=["police"]),
            # Before the period.
            concern(
                c,
                "2026-05-01T10:00:00Z",
                places=[{"name": "Puddle Lane flats", "postcode": "ZZ3 4EF"}],
            ),
            # Entered in error.
            concern(c, places=[{"name": "Hotel Snoozeville"}], entered_in_error=True),
            concern(a, places=[{"name": "Hotel Snoozeville"}]),
        ],
    )
    return {"a": a, "b": b, "c": c}


def test_mentions_typed_differently_are_one_hotspot_ranked_by_children(engine):
    _load(engine)
    with engine.connect() as conn:
        found = hotspots(conn, agency="csc", period=THREE)
    places = [(h.label, h.children, h.last_named) for h in found[Named.place]]
    assert places == [("Gnarly Park", 3, "2026-10-05"), ("Flats on Puddle Lane", 2, "2026-10-01")]
    assert [(h.label, h.children) for h in found[Named.vehicle]] == [("ZZ11ABC", 2)]
    assert [(h.key, h.children) for h in found[Named.person]] == [("mister grue", 2)]


def test_need_to_know_holds_for_hotspots(engine):
    _load(engine)
    with engine.connect() as conn:
        police = hotspots(conn, agency="police", period=THREE)[Named.person]
    assert [(h.key, h.children) for h in police] == [("mister grue", 2), ("tall tobias", 2)]


def test_the_period_and_the_threshold_decide_what_counts(engine):
    _load(engine)
    with engine.connect() as conn:
        a_year = hotspots(conn, agency="csc", period=Period(12, NOW))[Named.place]
        alone = hotspots(conn, agency="csc", period=THREE, min_children=1)[Named.place]
    # May's mention makes the flats three children's too; the park, named later, ranks first.
    assert [(h.key, h.children) for h in a_year][:2] == [("name:gnarly park", 3), ("pc:ZZ34EF", 3)]
    assert ("name:hotel snoozeville", 1) in [(h.key, h.children) for h in alone]


def test_the_children_behind_a_hotspot_are_named_most_mentions_first(engine):
    ids = _load(engine)
    with engine.connect() as conn:
        one = hotspot(conn, agency="csc", period=THREE, what=Named.place, key="pc:ZZ34EF")
        behind = children_behind(
            conn, agency="csc", period=THREE, what=Named.place, key="pc:ZZ34EF"
        )
        nobody = hotspot(conn, agency="csc", period=THREE, what=Named.person, key="tall tobias")
        grue = children_behind(
            conn, agency="csc", period=THREE, what=Named.person, key="mister grue"
        )
    # The episode names Mister Grue twice (associates, found with): one mention of him.
    assert [(c.child_id, c.mentions) for c in grue] == [(ids["b"], 1), (ids["c"], 1)]
    assert one is not None and one.children == 2
    assert [(c.child_id, c.name, c.mentions) for c in behind] == [
        (ids["a"], "Acorn Fernhollow", 2),
        (ids["b"], "Burdock Fernhollow", 1),
    ]
    assert nobody is None


def test_de_identified_hotspots_need_five_children_and_name_no_person_or_car(engine):
    kids = [child(f"Kid{n}") for n in range(5)]
    load(engine, [r for _, r in kids])
    five_park = [concern(cid, places=[{"name": "Gnarly Park"}]) for cid, _ in kids]
    four_flats = [concern(cid, places=[{"name": "Puddle Lane flats"}]) for cid, _ in kids[:4]]
    cars = [concern(cid, vehicles=[{"registration": "ZZ22DEF"}]) for cid, _ in kids]
    people = [concern(cid, persons=[{"name": "Auntie Scrimshaw"}]) for cid, _ in kids[:4]]
    load(engine, five_park + four_flats + cars + people)
    with engine.connect() as conn:
        view = deidentified(conn, agency="csc", period=THREE)
    assert [(h.label, h.children) for h in view.places] == [("Gnarly Park", 5)]
    assert (view.persons, view.vehicles) == (0, 1)


def test_a_merged_child_is_one_child_behind_a_hotspot(engine):
    ids = _load(engine)
    with engine.begin() as conn:
        children.merge(conn, from_id=ids["c"], into_id=ids["a"], by="coordinator")
    with engine.connect() as conn:
        found = hotspots(conn, agency="csc", period=THREE)
        behind = children_behind(
            conn, agency="csc", period=THREE, what=Named.place, key="name:gnarly park"
        )
    assert [(h.label, h.children) for h in found[Named.place]][0] == ("Gnarly Park", 2)
    assert [c.child_id for c in behind] == [ids["a"], ids["b"]]
