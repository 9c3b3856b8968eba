"""Colour variations with their photos: which photo each colour gets, then Etsy's inventory
and variation images set to match.

A run's colour variants (`tshirt@navy`, `workspace-mug@sage`) become values of Etsy's standard
colour property ("Primary color", property 200), each showing the listing photo of its
mockup. What Etsy is reported to do, and what is done about it (etsy/open-api issues):
- updateVariationImages overwrites every variation image of the listing (the spec's text) and
  takes one property per call (#452, #436: only `property_id`, `value_id`, `image_id` per
  item): one call with the whole plan, never a partial one.
- For the standard colour property only Etsy's own value ids work (#355; #300 is the refusal
  "variation with property_id 200 and value_id ... is invalid"): a stock colour ("White") is
  sent with its stock id from the taxonomy's properties, never the seller-side id the inventory
  answers with (#343); a colour Etsy has no value for ("Navy") gets the id the inventory gave it.
- updateListingInventory can clear the variation images (#351, #200, #384): the inventory is
  set first and only when it differs, the images after.
- At most 70 values per property (#567): a plan with more is refused before any call.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from etsy_sync.errors import PlanError
from etsy_sync.run_images import PlannedImage, humanise

COLOUR_PROPERTY = 200
COLOUR_PROPERTY_NAME = "Primary color"
MAX_VALUES = 70


@dataclass(frozen=True)
class ColourPhoto:
    """One colour of the listing, and the photo that shows it."""

    colour: str
    """The run's name for it: `navy`."""
    value: str
    """Its value on Etsy: `Navy`."""
    rank: int
    template: str
    file: str


@dataclass(frozen=True)
class VariationPlan:
    """Which photo each colour gets; what the dashboard shows before a push."""

    colours: tuple[ColourPhoto, ...]
    repeated: tuple[str, ...] = ()
    """Mockups whose colour an earlier photo already shows (the first photo wins)."""
    property_id: int = COLOUR_PROPERTY

    def values(self) -> list[str]:
        return [colour.value for colour in self.colours]


@dataclass(frozen=True)
class Offer:
    price: str
    quantity: int


@dataclass
class VariationResult:
    inventory_set: bool = False
    images_set: bool = False
    sent: list[dict[str, int]] = field(default_factory=list)
    """The variation images as sent (or found already so)."""


def plan_colour_variations(images: Sequence[PlannedImage]) -> VariationPlan | None:
    """The colour variations of the planned images; None when no mockup has a colour."""
    colours: list[ColourPhoto] = []
    repeated: list[str] = []
    seen: set[str] = set()
    for image in sorted(images, key=lambda i: i.rank):
        _, _, colour = image.template.partition("@")
        if not colour:
            continue
        value = colour_value(colour)
        if value.lower() in seen:
            repeated.append(image.template)
            continue
        seen.add(value.lower())
        colours.append(ColourPhoto(colour, value, image.rank, image.template, image.file.name))
    if not colours:
        return None
    if len(colours) > MAX_VALUES:
        raise PlanError(
            f"{len(colours)} colours; Etsy takes at most {MAX_VALUES} values for a property"
        )
    return VariationPlan(tuple(colours), tuple(repeated))


def colour_value(colour: str) -> str:
    """`rose-gold` -> `Rose gold` (Etsy refuses parentheses in values)."""
    text = humanise(colour).replace("(", "").replace(")", "").strip()
    return text[:1].upper() + text[1:]


def stock_colours(properties: list[dict[str, Any]]) -> dict[str, int]:
    """Etsy's own colour values for a taxonomy, name (lower case) -> value id; PlanError when
    the taxonomy's colour property does not take variations."""
    for prop in properties:
        if prop.get("property_id") == COLOUR_PROPERTY:
            if not prop.get("supports_variations", True):
                break
            return {
                str(value["name"]).lower(): int(value["value_id"])
                for value in prop.get("possible_values") or []
                if value.get("value_id")
            }
    raise PlanError(
        f"this taxonomy has no '{COLOUR_PROPERTY_NAME}' variations on Etsy; choose another "
        "--taxonomy, or push without colours (--no-variations)"
    )


def inventory_body(plan: VariationPlan | None, offer: Offer, stock: dict[str, int]) -> dict:
    """The inventory updateListingInventory is sent: a product per colour, or one without."""
    offering = {
        "price": float(Decimal(offer.price)),
        "quantity": offer.quantity,
        "is_enabled": True,
        "readiness_state_id": None,
    }
    if plan is None:
        return {"products": [{"sku": "", "property_values": [], "offerings": [offering]}]}
    products = []
    for colour in plan.colours:
        stock_id = stock.get(colour.value.lower())
        value = {
            "property_id": plan.property_id,
            "property_name": COLOUR_PROPERTY_NAME,
            "value_ids": [stock_id] if stock_id else [],
            "values": [colour.value],
        }
        products.append({"sku": "", "property_values": [value], "offerings": [offering]})
    return {
        "products": products,
        "price_on_property": [],
        "quantity_on_property": [],
        "sku_on_property": [],
    }


def check_inventory_is_ours(inventory: dict[str, Any], listing_id: int) -> None:
    """Refuse, in one line, to replace an inventory with variations we did not make (sizes,
    materials: the seller's), as setting ours would drop them."""
    others = sorted(
        {
            int(pv["property_id"])
            for product in inventory.get("products") or []
            if not product.get("is_deleted")
            for pv in product.get("property_values") or []
            if pv.get("property_id") != COLOUR_PROPERTY
        }
    )
    if others:
        raise PlanError(
            f"listing {listing_id} has variations Mockup Lab did not make (property "
            f"{others[0]}); setting its price and colours would remove them: edit them on Etsy"
        )


def inventory_matches(current: dict[str, Any], plan: VariationPlan | None, offer: Offer) -> bool:
    """Whether the listing's inventory already is what `inventory_body` would set: then it is
    not sent (sending it would clear the variation images, #351)."""
    products = [p for p in current.get("products") or [] if not p.get("is_deleted")]
    wanted = [] if plan is None else [colour.value for colour in plan.colours]
    found = []
    for product in products:
        values = [
            value
            for pv in product.get("property_values") or []
            if pv.get("property_id") == COLOUR_PROPERTY
            for value in pv.get("values") or []
        ]
        offerings = [o for o in product.get("offerings") or [] if not o.get("is_deleted")]
        if len(offerings) != 1 or not _same_offer(offerings[0], offer):
            return False
        found += values or [None]
    if plan is None:
        return found == [None]
    return sorted(v for v in found if v) == sorted(wanted) and None not in found


def variation_images_body(
    plan: VariationPlan,
    stock: dict[str, int],
    inventory: dict[str, Any],
    image_ids: dict[int, int],
) -> list[dict[str, int]]:
    """Each colour's value id and its photo's Etsy id (`image_ids`: rank -> image id)."""
    seller_ids = _inventory_value_ids(inventory)
    items = []
    for colour in plan.colours:
        value_id = stock.get(colour.value.lower()) or seller_ids.get(colour.value.lower())
        if value_id is None:
            raise PlanError(
                f"Etsy's inventory for this listing has no colour {colour.value!r}; run the "
                "same command again"
            )
        items.append(
            {
                "property_id": plan.property_id,
                "value_id": value_id,
                "image_id": image_ids[colour.rank],
            }
        )
    return items


def same_variation_images(current: list[dict[str, Any]], wanted: list[dict[str, int]]) -> bool:
    def key(item: dict[str, Any]) -> tuple[int, int, int]:
        return (int(item["property_id"]), int(item["value_id"]), int(item["image_id"]))

    return sorted(map(key, current)) == sorted(map(key, wanted))


def _inventory_value_ids(inventory: dict[str, Any]) -> dict[str, int]:
    ids: dict[str, int] = {}
    for product in inventory.get("products") or []:
        for pv in product.get("property_values") or []:
            if pv.get("property_id") != COLOUR_PROPERTY:
                continue
            for value, value_id in zip(
                pv.get("values") or [], pv.get("value_ids") or [], strict=False
            ):
                ids.setdefault(str(value).lower(), int(value_id))
    return ids


def _same_offer(offering: dict[str, Any], offer: Offer) -> bool:
    price = offering.get("price") or {}
    try:
        amount = Decimal(int(price["amount"])) / Decimal(int(price["divisor"]))
    except (KeyError, TypeError, ValueError, ArithmeticError):
        return False
    return amount == Decimal(offer.price) and offering.get("quantity") == offer.quantity
