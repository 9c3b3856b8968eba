"""Warnings for an artwork that prints badly: far smaller than a print, or a shape `cover` crops.

Pure: sizes and templates in, one line per problem out (at most two), each naming the
templates it hits, worst first.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from mockups.geometry import Size, fit_scale
from mockups.templates.model import Template

# Enlarged more than this, an artwork looks blurry on a mockup (a 1 x 1 one looks blank).
MAX_ENLARGEMENT = 3.0
# `cover` keeping less than this share of the artwork's width (or height) crops its subject
# away: a 4:1 logo keeps two letters on a portrait print; a square artwork keeps 44 % of its
# width on a phone case, which sellers accept.
MIN_VISIBLE_SHARE = 0.4


def fit_warnings(
    artwork_size: Size, templates: Sequence[Template], fit: str | None = None
) -> list[str]:
    """What would go wrong rendering an artwork of `artwork_size` on `templates`.

    `fit` ('cover' or 'contain') replaces each template's own fit, as a run's choice does.
    """
    warnings = [
        _enlargement_warning(artwork_size, templates, fit),
        _crop_warning(artwork_size, templates, fit),
    ]
    return [warning for warning in warnings if warning]


def enlargement(artwork_size: Size, template: Template, fit: str | None = None) -> float:
    """How many times the artwork is enlarged to fill the template's print (below 1: reduced)."""
    if template.safe is not None:
        return _placement(artwork_size, template, fit)[2] / artwork_size[0]
    return fit_scale(artwork_size, template.print_size, fit or template.fit)


def visible_share(artwork_size: Size, template: Template, fit: str | None = None) -> float:
    """The share of the artwork's width or height that stays on the print (1 for `contain`)."""
    if template.safe is not None:
        x, y, width, height = _placement(artwork_size, template, fit)
        shown = [
            (min(start + length, side) - max(start, 0.0)) / length
            for start, length, side in ((x, width, template.print_size[0]),
                                        (y, height, template.print_size[1]))
        ]  # fmt: skip
        return min(shown)
    if (fit or template.fit) != "cover":
        return 1.0
    artwork_aspect = artwork_size[0] / artwork_size[1]
    print_aspect = template.print_size[0] / template.print_size[1]
    return min(artwork_aspect / print_aspect, print_aspect / artwork_aspect)


def _placement(artwork_size: Size, template: Template, fit: str | None):
    from mockups.render.compose import artwork_placement

    assert template.safe is not None
    return artwork_placement(artwork_size, template.print_size, fit or template.fit, template.safe)


def _enlargement_warning(
    artwork_size: Size, templates: Sequence[Template], fit: str | None
) -> str | None:
    scales = {t.key: enlargement(artwork_size, t, fit) for t in templates}
    hit = sorted((k for k, s in scales.items() if s > MAX_ENLARGEMENT), key=lambda k: -scales[k])
    if not hit:
        return None
    worst = scales[hit[0]]
    width, height = artwork_size
    needed = (
        math.ceil(width * worst / MAX_ENLARGEMENT),
        math.ceil(height * worst / MAX_ENLARGEMENT),
    )
    return (
        f"the artwork is only {width} x {height} px: it is enlarged up to {worst:.0f}x on "
        f"{_names(hit)}, so those mockups will look blurry or blank; use an artwork of at "
        f"least {needed[0]} x {needed[1]} px"
    )


def _crop_warning(artwork_size: Size, templates: Sequence[Template], fit: str | None) -> str | None:
    shares = {t.key: visible_share(artwork_size, t, fit) for t in templates}
    hit = sorted((k for k, s in shares.items() if s < MIN_VISIBLE_SHARE), key=lambda k: shares[k])
    if not hit:
        return None
    worst = next(t for t in templates if t.key == hit[0])
    return (
        f"the artwork's shape ({_aspect(artwork_size)}) is far from the print's: 'cover' keeps "
        f"only {shares[hit[0]]:.0%} of its {_cropped_side(artwork_size, worst.print_size)} on "
        f"{_names(hit)}; choose the 'contain' fit to show all of it"
    )


def _aspect(size: Size) -> str:
    ratio = size[0] / size[1]
    return f"{ratio:.3g}:1" if ratio >= 1 else f"1:{1 / ratio:.3g}"


def _cropped_side(artwork_size: Size, print_size: Size) -> str:
    wider = artwork_size[0] * print_size[1] > print_size[0] * artwork_size[1]
    return "width" if wider else "height"


def _names(keys: list[str]) -> str:
    return ", ".join(keys)
