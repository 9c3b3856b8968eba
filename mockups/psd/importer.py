"""A Photoshop mockup (a PSD or PSB whose design sits in a smart object) as a template.

The print area is the smart object's placement quad. The layers are drawn one at a time at
the template's size (3000 px on the long side), never the whole stack at full size: below
the smart object they make the scene, above it the scene plus the print's shading,
highlight and overlay (see `psd_layers`). The template folder is written into the user's
templates folder and validated like any other.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PIL import Image, ImageDraw

from mockups.authoring.folder import publish, slug, staged_template, write_manifest
from mockups.errors import TemplateError, printable
from mockups.geometry import (
    Box,
    Quad,
    as_quad,
    bounding_box,
    quad_problem,
    scaled_to_long_side,
)
from mockups.memory import return_large_blocks_at_once
from mockups.psd.blend import Canvas, flatten_on_white
from mockups.psd.layers import LayerWalk
from mockups.psd.light import PrintLight, fold_overlay
from mockups.psd.outline import LinkedFile, read_outline
from mockups.psd.read import Decoder, Scale, open_document
from mockups.psd.warp import (
    WarpedPrint,
    WarpOutOfReach,
    read_warp,
    warped_print,
    write_print_map,
)
from mockups.render.backdrop import save_scene
from mockups.templates.library import user_templates_dir
from mockups.templates.model import MIN_LONG_SIDE, MIN_SHORT_SIDE, Template

if TYPE_CHECKING:
    from psd_tools.api.layers import SmartObjectLayer

PRINT_MAP = "printmap.png"
THUMBNAIL_SIDE = 400
PREVIEW_SIDE = 900
# A quad may overshoot the document by a pixel or two (Photoshop's own rounding).
EDGE_TOLERANCE = 2.0


@dataclass
class ImportResult:
    template: Template
    smart_object: str
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SmartObjectChoice:
    layer: SmartObjectLayer
    quad: Quad
    note: str | None = None  # said when it was chosen among several


def import_psd(
    path: Path,
    *,
    layer_name: str | None = None,
    template_id: str | None = None,
    root: Path | None = None,
) -> ImportResult:
    """Import the PSD at `path` as the template `template_id` (else named after the file)."""
    path = Path(path)
    root = Path(root) if root is not None else user_templates_dir()
    template_id = template_id or slug(path.stem)
    name = printable(path.name)
    if not path.is_file():
        raise TemplateError(f"{name}: no such file")
    outline = read_outline(path)
    header = outline.header
    size = scaled_to_long_side((header.width, header.height), MIN_LONG_SIDE)
    if min(size) < MIN_SHORT_SIDE:
        raise TemplateError(
            f"{name} is {header.width} x {header.height}: a template needs at least "
            f"{MIN_SHORT_SIDE / MIN_LONG_SIDE:.2f} of the long side on the short side; "
            "crop it nearer to 3:2"
        )
    # the layers' scene-sized arrays come and go: served by mmap, each goes back when freed,
    # where glibc's arenas would keep them (the 8000 px worst case: 269 -> 236 MB)
    return_large_blocks_at_once()
    warnings = []
    if header.mode != "RGB" or header.depth != 8:
        warnings.append(f"{header.mode} {header.depth}-bit document converted to 8-bit sRGB")
    with staged_template(root, template_id) as folder:
        with open_document(path, outline) as (document, source):
            chosen = choose_smart_object(document, layer_name, path.name)
            scale = Scale(size[0] / header.width, size)
            quad = scaled_quad(chosen.quad, scale.factor, size, path.name)
            warped = placed_warp(chosen, scale.factor, size, path.name)
            print_box = warped.box if warped else bounding_box(quad, size)
            decoder = Decoder(header, scale, path.name, outline.icc_profile, source.release)
            warnings += [chosen.note] if chosen.note else []
            warnings += smart_object_warnings(chosen.layer, outline.linked_files)
            try:
                walk = compose(document, chosen.layer, decoder, print_box, size)
            except (ValueError, OSError, NotImplementedError, EOFError) as error:
                raise TemplateError(
                    f"{name}: a layer could not be decoded ({type(error).__name__}); "
                    "re-save it from Photoshop"
                ) from None
            chosen_name = chosen.layer.name
            walk.smart_object = None
            del document, chosen
        warnings += walk.warnings
        manifest = write_images(folder, walk, warped.edge if warped else list(quad), size)
        del walk
        manifest.update(
            {"format": 1, "name": printable(path.stem, 80), "product": "mockup", "size": list(size)}
        )
        manifest["placement"] = placement(folder, quad, warped)
        write_manifest(folder, manifest)
        template = publish(folder, root)
    return ImportResult(template, chosen_name, one_line_per_layer(warnings))


def placed_warp(
    chosen: SmartObjectChoice, factor: float, size, file_name: str
) -> WarpedPrint | None:
    """The smart object's custom warp in output pixels, or None (no warp, or a preset one)."""
    warp = read_warp(chosen.layer.smart_object)
    if warp is None or not warp.is_mapped:
        return None
    try:
        return warped_print(warp, chosen.quad, factor, size)
    except WarpOutOfReach:
        raise TemplateError(
            f"{printable(file_name)}: the warp of the smart object "
            f"'{printable(chosen.layer.name)}' reaches far outside the document; "
            "a template's print must lie inside the scene"
        ) from None


def placement(folder: Path, quad: Quad, warped: WarpedPrint | None) -> dict:
    """The manifest's placement: the print map of a warp (written here), else the quad."""
    if warped is None:
        return {"type": "perspective", "corners": [[round(x, 2), round(y, 2)] for x, y in quad]}
    write_print_map(warped, folder / PRINT_MAP)
    box = warped.box
    return {
        "type": "uvmap",
        "map": PRINT_MAP,
        "box": [box.left, box.top, box.width, box.height],
        "print": list(warped.print_size),
    }


def one_line_per_layer(warnings: list[str]) -> list[str]:
    """Warnings about the same layer joined into one line, in the order first said."""
    lines: dict[str, list[str]] = {}
    for warning in warnings:
        subject, separator, message = warning.partition("': ")
        if not (separator and subject.startswith("layer '")):
            subject, message = warning, ""
        lines.setdefault(subject, [])
        if message:
            lines[subject].append(message)
    return [
        f"{subject}': {'; '.join(said)}" if said else subject for subject, said in lines.items()
    ]


def smart_objects(document) -> list:
    return [layer for layer in document.descendants() if layer.kind == "smartobject"]


def choose_smart_object(document, layer_name: str | None, file_name: str) -> SmartObjectChoice:
    """The smart object named `layer_name`, else the largest visible one (saying which others
    there were); a one-line refusal when there is none, or none of that name."""
    file_name = printable(file_name)
    found = smart_objects(document)
    if not found:
        raise TemplateError(
            f"{file_name} has no smart object: a mockup PSD holds the design in one"
        )
    names = ", ".join(f"'{printable(layer.name)}'" for layer in found)
    if layer_name is not None:
        named = [layer for layer in found if layer.name == layer_name]
        if not named:
            raise TemplateError(
                f"{file_name} has no smart object '{printable(layer_name)}'; it has {names}"
            )
        candidates = named
    else:
        candidates = [layer for layer in found if layer.is_visible()] or found
    placed = [(layer, quad) for layer in candidates if (quad := smart_object_quad(layer))]
    if not placed:
        raise TemplateError(
            f"{file_name}: the smart object '{printable(candidates[0].name)}' has no placement"
        )
    layer, quad = max(placed, key=lambda item: quad_area(item[1]))
    note = None
    if len(placed) > 1:
        listed = ", ".join(f"'{printable(other.name)}'" for other, _ in placed)
        note = (
            f"layer '{printable(layer.name)}': the largest of {len(placed)} smart objects "
            f"({listed}) holds the design; choose another with --layer"
        )
    return SmartObjectChoice(layer, quad, note)


def quad_area(quad: Quad) -> float:
    """The area inside four corners (the shoelace formula)."""
    return (
        abs(
            sum(
                x0 * y1 - x1 * y0
                for (x0, y0), (x1, y1) in zip(quad, quad[1:] + quad[:1], strict=True)
            )
        )
        / 2
    )


def smart_object_quad(layer) -> Quad | None:
    """Where the smart object's content lies: its corners clockwise from top-left, doc px."""
    values = layer.smart_object.transform_box
    if values is None or not any(values):
        values = _descriptor_quad(layer)
    if values is None:
        return None
    return as_quad((values[i], values[i + 1]) for i in range(0, 8, 2))


def _descriptor_quad(layer) -> tuple[float, ...] | None:
    config = layer.smart_object._config
    if config is None:
        return None
    for key in (b"nonAffineTransform", b"Trnf"):
        if key in config.data:
            values = [float(getattr(v, "value", v)) for v in config.data[key]]
            if len(values) == 8:
                return tuple(values)
    return None


def scaled_quad(quad: Quad, factor: float, size: tuple[int, int], file_name: str) -> Quad:
    width, height = size
    file_name = printable(file_name)
    scaled = as_quad((x * factor, y * factor) for x, y in quad)
    tolerance = EDGE_TOLERANCE * max(1.0, factor)
    if not all(math.isfinite(value) for point in scaled for value in point) or any(
        x < -tolerance or y < -tolerance or x > width + tolerance or y > height + tolerance
        for x, y in scaled
    ):
        raise TemplateError(
            f"{file_name}: the smart object reaches outside the document; "
            "a template's print must lie inside the scene"
        )
    clamped = as_quad((min(max(x, 0.0), width), min(max(y, 0.0), height)) for x, y in scaled)
    problem = quad_problem(clamped)
    if problem is not None:
        raise TemplateError(f"{file_name}: the smart object is flipped or folded over: {problem}")
    return clamped


def smart_object_warnings(layer, linked_files: dict[str, LinkedFile]) -> list[str]:
    """What the smart object itself has that the template keeps only approximately."""
    warnings = []
    name = printable(layer.name)
    smart = layer.smart_object
    warp = read_warp(smart)
    if warp is not None and not warp.is_mapped:
        warnings.append(f"layer '{name}': {warp.approximation}")
    try:
        linked = linked_files.get(smart.unique_id)
    except ValueError:
        linked = None
    if linked is not None and linked.kind == "external":
        warnings.append(
            f"layer '{name}': links to '{printable(linked.filename)}', not embedded; its "
            "placement is all the template needs"
        )
    return warnings


def compose(document, smart_object, decoder: Decoder, box: Box, size) -> LayerWalk:
    light_box = (box.left, box.top, box.right, box.bottom)
    walk = LayerWalk(
        decoder=decoder,
        smart_object=smart_object,
        light=PrintLight(light_box),
        scene=Canvas.transparent(*size),
        print_mask=np.full((box.height, box.width), 255, np.uint8),
    )
    walk.walk(document, walk.scene, 1.0)
    return walk


def write_images(folder: Path, walk: LayerWalk, edge: list[tuple[float, float]], size) -> dict:
    """The scene, mask, shading and highlight files; the manifest's fields naming them.
    `edge` is the print's outline (its quad, or a warp's curved edge)."""
    left, top, right, bottom = walk.light.box
    scene = flatten_on_white(walk.scene)
    del walk.scene  # the layered canvas is flattened: free it before the files are written
    inside = (slice(top, bottom), slice(left, right))
    mask = walk.print_mask
    light = walk.light
    if light.overlay is not None:
        coverage = _print_coverage(edge, walk.light.box)
        coverage = (coverage.astype(np.uint16) * mask // 255).astype(np.uint8)
        assert light.overlay_alpha is not None, "cover() makes the overlay and its alpha together"
        scene[inside], mask = fold_overlay(
            scene[inside], coverage, mask, light.overlay, light.overlay_alpha
        )
    fields = {"scene": "scene.jpg", "thumbnail": "thumbnail.jpg"}
    picture = Image.fromarray(scene, "RGB")
    del scene
    save_scene(picture, folder / "scene.jpg")
    picture.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
    picture.save(folder / "thumbnail.jpg", quality=85)
    del picture
    layers = {"mask": (mask, 0), "shading": (light.shading, 255), "highlight": (light.highlight, 0)}
    for name, (region, outside) in layers.items():
        if region is None or (name == "mask" and bool((region == 255).all())):
            continue
        full = Image.new("L", size, outside)
        full.paste(Image.fromarray(region, "L"), (left, top))
        full.save(folder / f"{name}.png", optimize=False)
        fields[name] = f"{name}.png"
    return fields


def _print_coverage(edge: list[tuple[float, float]], box: tuple[int, int, int, int]) -> np.ndarray:
    left, top, right, bottom = box
    image = Image.new("L", (right - left, bottom - top), 0)
    ImageDraw.Draw(image).polygon([(x - left, y - top) for x, y in edge], fill=255)
    return np.asarray(image)


def preview_import(result: ImportResult, artwork: Path, side: int = PREVIEW_SIDE) -> Image.Image:
    """`artwork` rendered on the imported template, at most `side` px, to judge the import."""
    from mockups.artwork.intake import load_artwork
    from mockups.render.compose import render_mockup

    template = result.template
    art = load_artwork(artwork, template.print_size)
    mockup = render_mockup(art.image, template).image()
    del art
    mockup.thumbnail((side, side), Image.Resampling.LANCZOS)
    return mockup


def describe_result(result: ImportResult) -> str:
    template = result.template
    width, height = template.size
    return f"{template.id}: {width} x {height}, print from '{printable(result.smart_object)}'"
