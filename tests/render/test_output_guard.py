"""Speed work must not change the mockups: each studio-10 template rendered by the engine stays
within one level (mean, per channel, over the print's box) of the reference route.

The reference is the route every print map took before issue 31, kept live in the engine:
the print fitted and framed by Pillow, then mapped by libvips' `mapim`. Both run here on the
same photo-like artwork, so nothing is stored and the built-in library may change.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from PIL import Image

from mockups.render.compose import (
    composite,
    fit_print,
    framed,
    load_scene,
    load_scene_images,
    render_mockup,
)
from mockups.render.grain import grain_planes
from mockups.templates import uvmap
from mockups.templates.library import listing_ids, load_library
from mockups.templates.model import Template

MAX_MEAN_LEVELS = 1.0
STUDIO_10 = listing_ids(load_library())


def photo_like(size: tuple[int, int] = (1600, 2000), seed: int = 31) -> Image.Image:
    """Gradients, fine stripes and grain: a resampling or placement change shows in it."""
    width, height = size
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    bands = [
        96 + 64 * np.sin(x / rng.uniform(2, 9) + y / rng.uniform(2, 9)) + 48 * x / width
        for _ in range(3)
    ]
    pixels = np.dstack(bands) + rng.normal(0, 6, (height, width, 3))
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB")


def reference_mockup(artwork: Image.Image, template: Template) -> Image.Image:
    """The mockup by the reference route: Pillow fits and frames, libvips maps."""
    assert template.uvmap is not None and template.edge is None, "the guard covers print maps"
    images = load_scene_images(template)
    fitted = fit_print(
        artwork, template.print_size, template.fit, template.substrate, template.safe
    )
    placed = uvmap.place_print(framed(fitted), template.uvmap, images.box)
    scene = load_scene(template, images)
    grain = grain_planes(template.grain) if template.grain is not None else None
    at = scene.part.origin
    composite(scene.drawn, placed, images.front, images.mask, template.ink_black, grain, at=at)
    return scene.image()


def mean_levels(first: Image.Image, second: Image.Image, template: Template) -> np.ndarray:
    """Mean absolute difference per channel over the print's box."""
    box = load_scene_images(template).box.as_tuple()
    a = np.asarray(first.crop(box), dtype=np.int16)
    b = np.asarray(second.crop(box), dtype=np.int16)
    return np.abs(a - b).mean(axis=(0, 1))


@pytest.fixture(scope="module")
def artwork() -> Image.Image:
    return photo_like()


@pytest.fixture(scope="module")
def see_through(artwork) -> Image.Image:
    """The artwork as RGBA, opaque at its centre and fading to clear at its corners."""
    faded = artwork.convert("RGBA")
    faded.putalpha(Image.radial_gradient("L").resize(artwork.size).point(lambda v: 255 - v))
    return faded


@pytest.mark.parametrize("template_id", STUDIO_10)
def test_each_studio_template_renders_within_a_level_of_the_reference_route(artwork, template_id):
    template = load_library()[template_id]
    rendered = render_mockup(artwork, template, mapping_threads=2).image()
    difference = mean_levels(rendered, reference_mockup(artwork, template), template)
    assert rendered.size == template.size
    assert (difference <= MAX_MEAN_LEVELS).all(), f"{template_id}: {difference.round(3)}"


SEE_THROUGH = [t for t in STUDIO_10 if load_library()[t].substrate is None]


@pytest.mark.parametrize("template_id", SEE_THROUGH)
def test_a_see_through_artwork_renders_within_a_level_of_the_reference_route(
    see_through, template_id
):
    """An RGBA artwork with a soft edge, on the templates whose print has no substrate."""
    template = load_library()[template_id]
    rendered = render_mockup(see_through, template).image()
    difference = mean_levels(rendered, reference_mockup(see_through, template), template)
    assert (difference <= MAX_MEAN_LEVELS).all(), f"{template_id}: {difference.round(3)}"


def test_the_guard_sees_a_print_moved_by_one_pixel(artwork):
    """The measure is sharp enough: the same print one pixel over is more than a level off."""
    template = load_library()[STUDIO_10[0]]
    reference = reference_mockup(artwork, template)
    moved = reference_mockup(
        artwork.transform(artwork.size, Image.AFFINE, (1, 0, 1, 0, 1, 0)), template
    )
    assert (mean_levels(moved, reference, template) > MAX_MEAN_LEVELS).all()


ON_SUBSTRATE = [t for t in STUDIO_10 if load_library()[t].substrate is not None][:2]


@pytest.mark.parametrize("template_id", ON_SUBSTRATE)
def test_a_contained_artwork_lies_on_the_substrate_as_by_the_reference_route(template_id):
    """A wide artwork contained in a tall print leaves bands of bare print: the substrate
    (red here, so it cannot pass for the blank product's white), laid by libvips where the
    artwork does not reach."""
    template = replace(load_library()[template_id], fit="contain", substrate=(200, 40, 40))
    wide = photo_like((2400, 700), seed=7)
    rendered = render_mockup(wide, template, mapping_threads=2).image()
    difference = mean_levels(rendered, reference_mockup(wide, template), template)
    assert (difference <= MAX_MEAN_LEVELS).all(), f"{template_id}: {difference.round(3)}"


@pytest.mark.parametrize("template_id", ON_SUBSTRATE)
def test_a_see_through_artwork_shows_the_substrate_through_it_as_by_the_reference_route(
    see_through, template_id
):
    """Where the artwork fades, the substrate (red here) shows through it, laid under it by
    libvips as Pillow pasted it."""
    template = replace(load_library()[template_id], substrate=(200, 40, 40))
    rendered = render_mockup(see_through, template, mapping_threads=2).image()
    difference = mean_levels(rendered, reference_mockup(see_through, template), template)
    assert (difference <= MAX_MEAN_LEVELS).all(), f"{template_id}: {difference.round(3)}"
