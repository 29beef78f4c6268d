"""The people around the child travel like every other record: a carer's
phone number changed on one laptop reaches the other worker who holds the
child, and so do the child's addresses, school and GP."""

from __future__ import annotations

import logging

from tests.helpers import child_data

CARER = {
    "name": "Marigold Fernhollow",
    "relationship": "foster_carer",
    "lives_with_child": True,
    "carer": True,
    "phone": "07700 900301",
}


def test_a_carers_new_phone_number_reaches_the_other_laptop_holding_the_child(
    laptops, service, caplog
):
    caplog.set_level(logging.DEBUG)
    sw, nurse = laptops("social.worker"), laptops("health.worker")
    child = sw.repo.create("child", child_data())
    carer = sw.repo.create("family_member", CARER, child_id=child.id)
    sw.sync()
    service.assign("health.worker", child.id)
    nurse.sync()
    assert nurse.held()[str(carer.id)][1]["phone"] == "07700 900301"

    sw.repo.update(carer.id, {"phone": "07700 900388"})
    sw.repo.update(
        child.id,
        {
            "placement_address": {"street": "2 Example Close", "postcode": "zz3 4ef"},
            "gp": {"name": "Dapplewood Surgery", "phone": "01632 960777"},
        },
    )
    assert sw.sync().pushed == 2
    nurse.sync()

    rev, data = nurse.held()[str(carer.id)]
    assert data["phone"] == "07700 900388" and data["name"] == "Marigold Fernhollow"
    server = {str(r.id): r for r in service.current_records("health.worker")}
    assert rev == server[str(carer.id)].rev == 2
    child_there = nurse.held()[str(child.id)][1]
    assert child_there["placement_address"]["postcode"] == "ZZ3 4EF"  # normalised on the way
    assert child_there["gp"]["phone"] == "01632 960777"
    assert nurse.repo.get(str(carer.id)).data["phone"] == "07700 900388"
    # Whatever either end logged on the way, none of the people's details.
    for detail in ("900388", "900301", "Fernhollow", "Dapplewood", "960777"):
        assert detail not in caplog.text
    assert caplog.records, "the service and the laptops did log something"


def test_two_workers_changing_two_different_people_never_collide(laptops, service):
    sw, nurse = laptops("social.worker"), laptops("health.worker")
    child = sw.repo.create("child", child_data())
    mother = sw.repo.create(
        "family_member", {"name": "Poppy Mossgrove", "relationship": "mother"}, child_id=child.id
    )
    carer = sw.repo.create("family_member", CARER, child_id=child.id)
    sw.sync()
    service.assign("health.worker", child.id)
    nurse.sync()

    sw.repo.update(carer.id, {"phone": "07700 900399"})
    nurse.repo.update(mother.id, {"phone": "01632 960555"})
    sw.sync()
    assert nurse.sync().conflicts == 0
    sw.sync()
    for laptop in (sw, nurse):
        held = laptop.held()
        assert held[str(carer.id)][1]["phone"] == "07700 900399"
        assert held[str(mother.id)][1]["phone"] == "01632 960555"
