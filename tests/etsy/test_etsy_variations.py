"""Which photo each colour gets, and what the inventory and variation images are set to:
pure functions of the plan and of what Etsy answered."""

from __future__ import annotations

from pathlib import Path

import pytest

from etsy_sync.errors import PlanError
from etsy_sync.run_images import PlannedImage
from etsy_sync.variations import (
    Offer,
    inventory_body,
    inventory_matches,
    plan_colour_variations,
    variation_images_body,
)


def planned(*templates: str) -> list[PlannedImage]:
    return [
        PlannedImage(rank, Path(f"{rank:02d}.jpg"), template, "0" * 64, "")
        for rank, template in enumerate(templates, start=1)
    ]


def test_each_colour_gets_the_first_photo_that_shows_it():
    plan = plan_colour_variations(planned("poster", "tshirt@navy", "mug@white", "tote@white"))

    assert plan is not None
    assert [(c.value, c.rank) for c in plan.colours] == [("Navy", 2), ("White", 3)]
    assert plan.repeated == ("tote@white",)


def test_a_run_without_colours_has_no_variations():
    assert plan_colour_variations(planned("poster", "mug")) is None


def test_more_than_70_colours_are_refused_before_any_call():  # etsy/open-api #567
    with pytest.raises(PlanError, match="at most 70"):
        plan_colour_variations(planned(*(f"tshirt@c{n}" for n in range(71))))


def test_stock_colours_are_sent_by_etsys_id_and_others_by_name_alone():
    plan = plan_colour_variations(planned("tshirt@navy", "tshirt@white"))

    body = inventory_body(plan, Offer("24.50", 3), {"white": 10})

    values = [product["property_values"][0] for product in body["products"]]
    assert [(v["value_ids"], v["values"]) for v in values] == [([], ["Navy"]), ([10], ["White"])]
    assert body["products"][0]["offerings"] == [
        {"price": 24.5, "quantity": 3, "is_enabled": True, "readiness_state_id": None}
    ]


def etsy_inventory(colours: list[str], amount: int = 2450, quantity: int = 3) -> dict:
    """An inventory as getListingInventory answers it (seller-side value ids, Money)."""
    return {
        "products": [
            {
                "is_deleted": False,
                "property_values": [
                    {"property_id": 200, "value_ids": [49_000 + n], "values": [colour]}
                ]
                if colour
                else [],
                "offerings": [
                    {
                        "is_deleted": False,
                        "quantity": quantity,
                        "price": {"amount": amount, "divisor": 100, "currency_code": "USD"},
                    }
                ],
            }
            for n, colour in enumerate(colours)
        ]
    }


def test_an_inventory_already_as_planned_is_not_sent_again():
    plan = plan_colour_variations(planned("tshirt@navy", "tshirt@white"))
    offer = Offer("24.50", 3)

    assert inventory_matches(etsy_inventory(["White", "Navy"]), plan, offer)
    assert not inventory_matches(etsy_inventory(["Navy"]), plan, offer)
    assert not inventory_matches(etsy_inventory(["White", "Navy"], amount=2500), plan, offer)
    assert not inventory_matches(etsy_inventory(["White", "Navy"], quantity=1), plan, offer)
    assert inventory_matches(etsy_inventory([""]), None, offer)
    assert not inventory_matches(etsy_inventory(["Navy"]), None, offer)


def test_colour_photos_take_stock_ids_for_stock_colours_and_the_inventorys_for_others():
    plan = plan_colour_variations(planned("poster", "tshirt@navy", "tshirt@white"))
    assert plan is not None

    items = variation_images_body(
        plan, {"white": 10}, etsy_inventory(["Navy", "White"]), {1: 501, 2: 502, 3: 503}
    )

    assert items == [
        {"property_id": 200, "value_id": 49_000, "image_id": 502},
        {"property_id": 200, "value_id": 10, "image_id": 503},
    ]
