"""A draft listing's own fields, checked against Etsy's rules before any call.

Etsy's rules, as its Seller Handbook and the spec's field texts give them: a title of at most
140 characters, of letters, numbers, punctuation, maths symbols, spaces and ™ © ®, with each
of % : & + at most once; at most 13 tags of at most 20 characters, of letters, numbers,
spaces, - ' ™ © ®; a positive price and quantity; a shipping profile, as every listing made
here is a physical one. A refusal is one line naming the field.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from dataclasses import asdict, dataclass
from decimal import Decimal, InvalidOperation

from etsy_sync.errors import PlanError

MAX_TITLE = 140
MAX_TAGS = 13
MAX_TAG = 20
ONCE_IN_TITLE = "%:&+"
WHO_MADE = ("i_did", "someone_else", "collective")
WHEN_MADE = (
    "made_to_order", "2020_2026", "2010_2019", "2007_2009", "before_2007", "2000_2006",
    "1990s", "1980s", "1970s", "1960s", "1950s", "1940s", "1930s", "1920s", "1910s", "1900s",
    "1800s", "1700s", "before_1700",
)  # fmt: skip
TAG_SYMBOLS = "-'™©®"
TITLE_SYMBOLS = "™©®"


@dataclass(frozen=True)
class DraftFields:
    """What a seller gives for a draft; `price` in the shop's currency (a string: exact)."""

    title: str
    price: str
    taxonomy_id: int
    description: str = ""
    tags: tuple[str, ...] = ()
    shipping_profile_id: int | None = None
    who_made: str = "i_did"
    when_made: str = "made_to_order"
    quantity: int = 1
    is_supply: bool = False

    @property
    def price_value(self) -> float:
        return float(Decimal(self.price))

    def listing_fields(self) -> dict[str, object]:
        """The fields createDraftListing and updateListing share (not price or quantity:
        updateListing ignores those; they live in the inventory)."""
        fields: dict[str, object] = {
            "title": self.title,
            "description": self.description or self.title,
            "taxonomy_id": self.taxonomy_id,
            "who_made": self.who_made,
            "when_made": self.when_made,
            "is_supply": self.is_supply,
            "tags": list(self.tags),
        }
        if self.shipping_profile_id is not None:
            fields["shipping_profile_id"] = self.shipping_profile_id
        return fields

    def create_fields(self) -> dict[str, object]:
        return {**self.listing_fields(), "price": self.price, "quantity": self.quantity}

    def digest(self) -> str:
        """Changes when any field does: a second draft from a run updates only then."""
        return hashlib.sha256(json.dumps(asdict(self), sort_keys=True).encode()).hexdigest()


def check_draft(fields: DraftFields) -> None:
    """Refuse, in one line and before any call, a draft Etsy would refuse."""
    _check_title(fields.title)
    _check_tags(fields.tags)
    _check_price(fields.price)
    if fields.quantity < 1:
        raise PlanError(f"quantity must be at least 1, not {fields.quantity}")
    if fields.taxonomy_id < 1:
        raise PlanError("--taxonomy must be an Etsy taxonomy id (a whole number from 1)")
    if fields.shipping_profile_id is None:
        raise PlanError(
            "a physical listing needs --shipping-profile (Etsy requires a shipping profile id)"
        )
    if fields.shipping_profile_id < 1:
        raise PlanError("--shipping-profile must be a shipping profile id (from 1)")
    if fields.who_made not in WHO_MADE:
        raise PlanError(f"--who-made must be one of {', '.join(WHO_MADE)}")
    if fields.when_made not in WHEN_MADE:
        raise PlanError(f"--when-made must be one of {', '.join(WHEN_MADE)}")


def parse_tags(text: str | None) -> tuple[str, ...]:
    """`a, b,c` -> ("a", "b", "c"); blanks dropped."""
    if not text:
        return ()
    return tuple(tag.strip() for tag in text.split(",") if tag.strip())


def _check_title(title: str) -> None:
    if not title.strip():
        raise PlanError("the title is empty")
    if len(title) > MAX_TITLE:
        raise PlanError(f"the title is {len(title)} characters; Etsy takes at most {MAX_TITLE}")
    bad = [ch for ch in title if not _title_character(ch)]
    if bad:
        raise PlanError(f"the title cannot hold {bad[0]!r} (Etsy takes letters, numbers, "
                        "punctuation, maths symbols, spaces and ™ © ®)")  # fmt: skip
    repeated = [ch for ch in ONCE_IN_TITLE if title.count(ch) > 1]
    if repeated:
        raise PlanError(f"the title uses {repeated[0]!r} more than once; Etsy allows each of "
                        "% : & + once")  # fmt: skip


def _check_tags(tags: tuple[str, ...]) -> None:
    if len(tags) > MAX_TAGS:
        raise PlanError(f"{len(tags)} tags; Etsy takes at most {MAX_TAGS}")
    for tag in tags:
        if len(tag) > MAX_TAG:
            raise PlanError(
                f"the tag {tag!r} is {len(tag)} characters; Etsy takes at most {MAX_TAG}"
            )
        bad = [ch for ch in tag if not _tag_character(ch)]
        if bad:
            raise PlanError(f"the tag {tag!r} cannot hold {bad[0]!r} (Etsy takes letters, "
                            "numbers, spaces and - ' ™ © ®)")  # fmt: skip
    lowered = [tag.lower() for tag in tags]
    if len(set(lowered)) != len(lowered):
        raise PlanError("a tag is given twice")


def _check_price(price: str) -> None:
    try:
        value = Decimal(price)
    except InvalidOperation:
        raise PlanError(f"the price must be a number, not {price!r}") from None
    if not value.is_finite() or value <= 0:
        raise PlanError(f"the price must be above 0, not {price}")
    if value != value.quantize(Decimal("0.01")):
        raise PlanError(f"the price {price} has more than two decimals")


def _title_character(ch: str) -> bool:
    category = unicodedata.category(ch)
    return category[0] in "LP" or category in ("Nd", "Sm", "Zs") or ch in TITLE_SYMBOLS


def _tag_character(ch: str) -> bool:
    category = unicodedata.category(ch)
    return category[0] == "L" or category in ("Nd", "Zs") or ch in TAG_SYMBOLS
