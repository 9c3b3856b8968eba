"""How photographic each built-in template's mockups are: the README's template table.

Usage: python -m bench.photographic [--artwork examples/artwork.jpg] [TEMPLATE ...]

Per template, from mockups written as a run writes them (JPEG, quality 90): an all-white
artwork's mean difference from the product's rendered white over the print (levels, signed),
the grain of the flat areas of a mockup of the artwork, and what halving and enlarging that
mockup loses once a 3x3 median has taken its grain out (`scenes.measure`, which the tests
use too).
"""

from __future__ import annotations

import argparse
from dataclasses import astuple
from pathlib import Path

from PIL import Image

from mockups.templates.library import builtin_ids, load_library
from scenes.measure import figures

ROOT = Path(__file__).resolve().parents[1]
HEADERS = ["template", "white print - rendered white", "flat-area noise", "halving loss"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.photographic", description=__doc__)
    parser.add_argument("templates", nargs="*", help="template ids (default: the built-ins)")
    parser.add_argument("--artwork", type=Path, default=ROOT / "examples" / "artwork.jpg")
    args = parser.parse_args(argv)
    library = load_library()
    keys = args.templates or sorted(builtin_ids())
    artwork = Image.open(args.artwork).convert("RGB")
    print(f"| {' | '.join(HEADERS)} |")
    print(f"|{'|'.join(['---'] + ['---:'] * (len(HEADERS) - 1))}|")
    for key in keys:
        row = astuple(figures(library[key], artwork))
        print(f"| {key} | " + " | ".join(f"{value:.3f}" for value in row) + " |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
