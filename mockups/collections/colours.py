"""An artwork's colours from the collection's CSV, as colour variants of its templates.

A row whose `colours` cell says `navy, white` renders `tshirt@navy` and `tshirt@white` where
the collection has the t-shirt (the draft push then lists each as one of Etsy's colour
variations, with its photo); a template without colours of its own renders as chosen, and
one the collection names with its colour already (`tshirt@sand`) stays so. A colour that
none of the collection's templates comes in fails its row alone, naming what they come in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from mockups.collections.record import CSV_ROW
from mockups.templates.model import Template

Offered = Mapping[str, Sequence[str]]


def offered_colours(library: Mapping[str, Template], keys: Sequence[str]) -> dict[str, tuple]:
    """The colour names each of `keys` comes in, for those chosen without a colour and made
    with colour variants."""
    offered = {}
    for key in keys:
        template = library.get(key)
        if template is not None and template.variants is not None:
            offered[key] = tuple(template.variants.colours)
    return offered


def with_colours(keys: Sequence[str], colours: Sequence[str], offered: Offered) -> list[str]:
    """The artwork's template keys: each that comes in any of `colours`, once per such colour
    in the row's order (`ID@colour`, the template's own spelling); the others as they are."""
    result: list[str] = []
    for key in keys:
        names = {name.lower(): name for name in offered.get(key, ())}
        chosen = dict.fromkeys(names[c.lower()] for c in colours if c.lower() in names)
        if chosen:
            result.extend(f"{key}@{name}" for name in chosen)
        else:
            result.append(key)
    return result


def colour_problem(line: int, colours: Sequence[str], offered: Offered) -> str | None:
    """One line for a CSV row naming a colour no template of the collection comes in."""
    known = {name.lower() for names in offered.values() for name in names}
    unknown = [colour for colour in colours if colour.lower() not in known]
    if not unknown:
        return None
    named = ", ".join(repr(colour[:40]) for colour in unknown[:5])
    if not offered:
        return f"{CSV_ROW} {line}: colour {named}, but no chosen template comes in colours"
    choices = "; ".join(f"{key}: {', '.join(names)}" for key, names in offered.items())
    return f"{CSV_ROW} {line}: no chosen template comes in {named} ({choices})"
