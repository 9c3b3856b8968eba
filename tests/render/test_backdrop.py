"""A mockup spliced into its scene's JPEG: the window the render draws on is cut from the
scene's own segments, and the written mockup is the scene's bytes beyond it."""

import io
from dataclasses import replace

import numpy as np
import pytest
from PIL import Image

from mockups.artwork.colour import srgb_icc_bytes
from mockups.errors import MockupLabError
from mockups.geometry import Box
from mockups.render.backdrop import read_backdrop, save_scene
from mockups.render.budget import mockup_bytes
from mockups.render.compose import render_mockup
from mockups.render.jpegsplice import cut, read_segmented, restart_interval, spliced, window
from mockups.render.mockup import Mockup, thumbnail_factor
from mockups.render.window import held_scene_box
from mockups.templates.library import load_library
from tests.conftest import gradient_artwork

BORDER = 2  # px by a window's edge where 4:2:0 colour is upsampled from beyond the window
LIBRARY = load_library()


def photo(size: tuple[int, int], seed: int = 1) -> Image.Image:
    """Smooth colour with sensor-like noise: every block of it codes differently."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0 : size[1], 0 : size[0]]
    bands = [128 + 90 * np.sin(x / rng.uniform(20, 60) + y / rng.uniform(20, 60)) for _ in "rgb"]
    pixels = np.dstack(bands) + rng.normal(0, 5, (size[1], size[0], 3))
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB")


def scene_bytes(image: Image.Image) -> bytes:
    encoded = io.BytesIO()
    save_scene(image, encoded)
    return encoded.getvalue()


def decoded(data: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(data)) as image:
        return np.asarray(image.convert("RGB"), dtype=np.int16)


def inner(levels: np.ndarray, part: Box) -> np.ndarray:
    """`part` of `levels` without its BORDER."""
    return levels[
        part.top + BORDER : part.bottom - BORDER, part.left + BORDER : part.right - BORDER
    ]


def outside(levels: np.ndarray, part: Box) -> np.ndarray:
    """The pixels further than BORDER from `part`."""
    keep = np.ones(levels.shape[:2], bool)
    keep[
        max(0, part.top - BORDER) : part.bottom + BORDER,
        max(0, part.left - BORDER) : part.right + BORDER,
    ] = False
    return levels[keep]


def restart_numbers_in_order(data: bytes) -> bool:
    """Whether the restart markers of `data`'s scan count 0 to 7 and round again, as a
    decoder expects them (libjpeg decodes a misnumbered scan all the same, with a warning)."""
    scan = read_segmented(data)
    assert scan is not None
    numbers = [data[int(end) + 1] - 0xD0 for end in scan.ends[:-1]]
    return numbers == [index & 7 for index in range(len(numbers))]


def test_a_window_is_whole_segments_round_the_box_and_clipped_to_the_image():
    scan = read_segmented(scene_bytes(photo((1000, 700))))
    assert scan is not None and scan.interval == restart_interval(1000) == 7  # 63 MCUs a row
    part = window(scan, Box(120, 95, 300, 301))
    assert part == Box(112, 80, 336, 304)  # 112 px segments across, 16 px rows down
    assert window(scan, Box(-8, -8, 990, 699)) == Box(0, 0, 1000, 700)


def test_a_window_cut_from_a_scene_decodes_to_the_scenes_own_pixels():
    data = scene_bytes(photo((1000, 700)))
    scan = read_segmented(data)
    part = window(scan, Box(210, 130, 620, 500))
    piece_bytes = cut(scan, part)
    assert restart_numbers_in_order(piece_bytes)
    piece = decoded(piece_bytes)
    assert piece.shape == (part.height, part.width, 3)
    whole = decoded(data)
    assert (inner(whole, part) == piece[BORDER:-BORDER, BORDER:-BORDER]).all()


def test_a_spliced_jpeg_is_the_scene_beyond_the_window_and_the_patch_within():
    data = scene_bytes(photo((1000, 700)))
    scan = read_segmented(data)
    part = window(scan, Box(210, 130, 620, 500))
    patch_image = photo(part.size, seed=2)
    patch = scene_bytes(patch_image)
    result_bytes = spliced(scan, part, read_segmented(patch))
    assert restart_numbers_in_order(result_bytes)
    result = decoded(result_bytes)
    assert (outside(result, part) == outside(decoded(data), part)).all()
    assert (inner(result, part) == decoded(patch)[BORDER:-BORDER, BORDER:-BORDER]).all()


def test_a_patch_encoded_with_other_tables_is_refused():
    data = scene_bytes(photo((1000, 700)))
    scan = read_segmented(data)
    part = window(scan, Box(210, 130, 620, 500))
    other = io.BytesIO()
    interval = scan.interval
    photo(part.size).save(other, "JPEG", quality=75, restart_marker_blocks=interval)
    with pytest.raises(ValueError, match="tables"):
        spliced(scan, part, read_segmented(other.getvalue()))


def saved(image: Image.Image, **options) -> bytes:
    encoded = io.BytesIO()
    image.save(encoded, **options)
    return encoded.getvalue()


@pytest.mark.parametrize(
    "options",
    [
        {"format": "JPEG", "quality": 90},  # no restart markers
        {"format": "JPEG", "quality": 90, "restart_marker_blocks": 2},  # 63 MCUs: rows split
        {"format": "JPEG", "quality": 90, "progressive": True, "restart_marker_blocks": 3},
        {"format": "PNG"},
    ],
    ids=["no-markers", "interval-across-rows", "progressive", "png"],
)
def test_only_a_baseline_jpeg_marked_in_whole_rows_of_segments_is_spliceable(options):
    assert read_segmented(saved(photo((1000, 700)), **options)) is None


def test_a_scene_cut_short_is_not_spliceable():
    data = scene_bytes(photo((1000, 700)))
    assert read_segmented(data[: len(data) // 2] + b"\xff\xd9") is None
    assert read_segmented(data[:-2]) is None


def test_every_built_in_scene_is_a_backdrop():
    """The library's scenes are saved by `save_scene`: none falls back to a whole decode."""
    for key, template in LIBRARY.items():
        backdrop = read_backdrop(template.scene, key)
        assert backdrop is not None and backdrop.scan.size == template.size, key


def test_a_scene_at_another_quality_is_decoded_whole(tmp_path):
    path = tmp_path / "scene.jpg"
    path.write_bytes(saved(photo((1000, 700)), format="JPEG", quality=95, restart_marker_blocks=3))
    assert read_segmented(path.read_bytes()) is not None
    assert read_backdrop(path, "scene.jpg") is None


def twins(template, tmp_path):
    """`template` on its scene as a backdrop, and on the same pixels stored losslessly."""
    whole = tmp_path / f"{template.key}.png"
    with Image.open(template.scene) as scene:
        scene.save(whole)
    return template, replace(template, scene=whole)


def with_photo_scene(template, tmp_path):
    """A test template (plain PNG scene) given a photo scene saved as a backdrop."""
    path = tmp_path / f"{template.key}-scene.jpg"
    path.write_bytes(scene_bytes(photo(template.size)))
    return replace(template, scene=path)


EDGE = {"corners": [[1800, 500], [1880, 540], [1880, 1460], [1800, 1500]], "side": "right"}


@pytest.fixture(
    params=["framed-wall", "tshirt@navy", "on-segment-edges", "wrapped-edge", "lit-and-tinted"],
)
def template(request, template_factory, tmp_path):
    """Templates that take each route through the render: a print map; a tinted product;
    a flat print whose box starts on a segment's edge (64 px) and a row's (16 px), inside a
    thumbnail's cell (5 px); a perspective print with a wrapped edge; a print lit by its
    scene, its product tinted."""
    if request.param == "framed-wall":
        return LIBRARY["framed-wall"]
    if request.param == "on-segment-edges":
        placement = {"type": "rect", "box": [704, 96, 800, 1000]}
        return with_photo_scene(template_factory(placement=placement), tmp_path)
    if request.param == "tshirt@navy":
        return LIBRARY["tshirt"].with_variant("navy")
    if request.param == "wrapped-edge":
        return with_photo_scene(template_factory(edge={**EDGE, "depth": 60}), tmp_path)
    product = Image.new("L", (3000, 2000), 0)
    product.paste(255, (700, 300, 2300, 1700))
    tinted = template_factory(
        files={"product.png": product},
        shading="scene.png",
        substrate=None,
        variants={"mask": "product.png", "colours": {"white": "#ffffff", "navy": "#202840"}},
    )
    return with_photo_scene(tinted, tmp_path).with_variant("navy")


def test_a_mockup_on_a_backdrop_is_the_mockup_of_its_scene_decoded_whole(template, tmp_path):
    on_backdrop, on_whole = twins(template, tmp_path)
    artwork = gradient_artwork((900, 1100))
    spliced_mockup = render_mockup(artwork, on_backdrop)
    whole_mockup = render_mockup(artwork, on_whole)
    assert spliced_mockup.backdrop is not None and whole_mockup.backdrop is None
    part = spliced_mockup.part
    assert part.width * part.height < 0.8 * template.size[0] * template.size[1]
    drawn, whole = (np.asarray(m.image(), np.int16) for m in (spliced_mockup, whole_mockup))
    assert (outside(drawn, part) == outside(whole, part)).all()
    assert np.abs(drawn - whole).mean() < 0.01
    written = decoded(spliced_mockup.jpeg(srgb_icc_bytes()))
    assert np.abs(written - decoded(whole_mockup.jpeg(srgb_icc_bytes()))).mean() < 0.5
    with Image.open(on_backdrop.scene) as scene:  # beyond the window: the scene's own bytes
        assert (outside(written, part) == outside(np.asarray(scene, np.int16), part)).all()


def test_a_thumbnail_is_the_whole_mockup_reduced_cold_or_cached(template, tmp_path):
    mockup = render_mockup(gradient_artwork((900, 1100)), template)
    expected = np.asarray(mockup.image().reduce(thumbnail_factor(mockup.size)), np.int16)
    for _ in ("cold", "cached"):
        assert np.abs(np.asarray(mockup.thumbnail(), np.int16) - expected).max() <= 1


def test_a_mockup_without_a_backdrop_is_written_and_reduced_whole():
    image = photo((1200, 900))
    mockup = Mockup.whole(image)
    expected = saved(image, format="JPEG", quality=90, icc_profile=srgb_icc_bytes())
    assert mockup.jpeg(srgb_icc_bytes()) == expected
    assert mockup.thumbnail().size == (600, 450)
    assert mockup.image() is not image and mockup.image().tobytes() == image.tobytes()


def test_a_backdrop_cut_short_is_refused_in_one_line(tmp_path):
    template = LIBRARY["framed-wall"]
    data = template.scene.read_bytes()
    broken = tmp_path / "scene.jpg"
    broken.write_bytes(data[: len(data) // 2])
    with pytest.raises(MockupLabError) as refused:
        render_mockup(gradient_artwork((900, 1100)), replace(template, scene=broken))
    assert "\n" not in str(refused.value) and "scene.jpg" in str(refused.value)


def test_the_budget_counts_a_backdrops_window_and_any_other_scene_whole(tmp_path):
    template = LIBRARY["pillow"]
    on_backdrop, on_whole = twins(template, tmp_path)
    whole = Box(0, 0, *template.size)
    rendered = render_mockup(gradient_artwork((900, 1100)), on_backdrop)
    assert held_scene_box(on_backdrop) == rendered.part != whole
    assert held_scene_box(on_whole) == whole
    navy = LIBRARY["tshirt"].with_variant("navy")
    assert held_scene_box(navy) == Box(0, 0, *navy.size), "tinted: its box is in its mask"
    assert mockup_bytes(on_whole) > mockup_bytes(on_backdrop)


def test_only_a_large_print_libvips_maps_before_its_scene_is_counted_at_the_lower_factor():
    from mockups.render.budget import _mapped_before_scene

    zoom = LIBRARY["zoom-canvas-corner"]  # a 4.3 MP print through a print map
    assert _mapped_before_scene(zoom)
    assert not _mapped_before_scene(replace(zoom, uvmap=None))  # warped by Pillow: all copies
    assert not _mapped_before_scene(LIBRARY["pillow"])  # under 3 MP: mapped beside its scene
