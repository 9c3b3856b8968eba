"""A template: a folder holding `template.json` and its images, loaded into dataclasses.

The manifest's shape is checked against `template.schema.json`; what a schema cannot say
(files exist, image sizes match, the print area lies inside the scene) is checked here.
Every message names the manifest file and the field.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

from mockups.artwork.imagefile import TEMPLATE_LAYER_LIMITS, ImageRefused, open_image
from mockups.errors import TemplateError, first_line
from mockups.geometry import (
    Cylinder,
    Quad,
    Size,
    as_quad,
    bounding_box,
    is_axis_aligned,
    print_size,
    quad_problem,
    rect_quad,
)
from mockups.templates.manifest_schema import schema_problem
from mockups.templates.uvmap import UVMap, check_print_size, reduction

MANIFEST = "template.json"
BUILTIN_DIR = Path(__file__).parents[1] / "library"
MIN_LONG_SIDE = 3000
MIN_SHORT_SIDE = 2000
MAX_MANIFEST_BYTES = 256 * 1024


Colour = tuple[int, int, int]
SafeArea = tuple[float, float, float, float]  # left, top, right, bottom, fractions of the print


@dataclass(frozen=True)
class Grain:
    """A camera's sensor grain over the whole frame: `levels` of spread in 8-bit levels,
    `seed` the template's own (see mockups/render/grain.py)."""

    levels: float
    seed: int


@dataclass(frozen=True)
class Displacement:
    """Fabric folds move the print: by a height map's slope, or the scene's light if no map."""

    strength: float
    map: Path | None = None


@dataclass(frozen=True)
class Edge:
    """A wrapped edge: `depth` px of the print's `side` border, mirrored onto the side face."""

    quad: Quad
    side: str
    depth: int


@dataclass(frozen=True)
class Variants:
    """Product colours, multiplied into the scene under `mask`; the first is the default."""

    mask: Path
    colours: dict[str, Colour]


@dataclass(frozen=True)
class Template:
    id: str
    name: str
    product: str
    size: Size
    folder: Path
    scene: Path
    quad: Quad
    fit: str = "cover"
    substrate: Colour | None = (255, 255, 255)
    mask: Path | None = None
    shading: Path | None = None
    highlight: Path | None = None
    reflection: Path | None = None
    ink_black: float = 0.0
    grain: Grain | None = None
    safe: SafeArea | None = None
    thumbnail: Path | None = None
    cylinder: Cylinder | None = None
    displacement: Displacement | None = None
    edge: Edge | None = None
    variants: Variants | None = None
    variant: str | None = None
    uvmap: UVMap | None = None

    @property
    def key(self) -> str:
        """How a run names this template: `id`, or `id@variant` for a product colour."""
        return f"{self.id}@{self.variant}" if self.variant else self.id

    @property
    def slug(self) -> str:
        """The key as it appears in file names."""
        return f"{self.id}-{self.variant}" if self.variant else self.id

    @property
    def tint(self) -> Colour | None:
        return self.variants.colours[self.variant] if self.variants and self.variant else None

    @property
    def print_size(self) -> Size:
        if self.uvmap:
            return self.uvmap.print_size
        return self.cylinder.print_size() if self.cylinder else print_size(self.quad)

    @property
    def lit_by_scene(self) -> bool:
        """True when the shading is the scene itself: the print takes the light the blank
        product was rendered in, colour and grain included."""
        return self.shading is not None and self.shading == self.scene

    @property
    def is_flat(self) -> bool:
        """True when the print is an upright rectangle: placed without a warp."""
        curved = self.cylinder or self.uvmap or self.displacement
        return curved is None and is_axis_aligned(self.quad)

    @property
    def placement(self) -> str:
        if self.uvmap:
            return "uvmap"
        if self.cylinder:
            return "cylinder"
        return "flat" if is_axis_aligned(self.quad) else "perspective"

    def with_variant(self, variant: str) -> Template:
        if not self.variants or variant not in self.variants.colours:
            known = ", ".join(self.variants.colours) if self.variants else "none"
            raise TemplateError(
                f"template '{self.id}' has no colour '{variant}'; its colours: {known}"
            )
        return replace(self, variant=variant)


def load_template(folder: Path) -> Template:
    folder = Path(folder)
    manifest_path = folder / MANIFEST
    data, text = _read_manifest(manifest_path)
    problem = schema_problem(data, text)
    if problem is not None:
        raise TemplateError(f"{manifest_path}: {problem}")
    template = _build(folder, data)
    _check_files(template, manifest_path)
    return template


def _read_manifest(path: Path) -> tuple[dict, bytes]:
    """The manifest's JSON object and the bytes it was parsed from."""
    if not path.exists():
        raise TemplateError(f"{path}: file not found")
    if not path.is_file():  # a folder, a FIFO that would block the reader, a device
        raise TemplateError(f"{path}: not a regular file")
    if path.stat().st_size > MAX_MANIFEST_BYTES:
        raise TemplateError(f"{path}: over {MAX_MANIFEST_BYTES // 1024} KB; not a manifest")
    try:
        text = path.read_bytes()
        data = json.loads(text.decode("utf-8"))
    except (ValueError, RecursionError) as error:
        # ValueError covers JSON syntax, bad UTF-8 and numbers too long to convert
        raise TemplateError(f"{path}: not valid JSON ({first_line(error, 200)})") from None
    except OSError as error:
        raise TemplateError(f"{path}: cannot be read ({error.strerror})") from None
    if not isinstance(data, dict):
        raise TemplateError(f"{path}: the manifest must be a JSON object")
    return data, text


def _build(folder: Path, data: dict) -> Template:
    placement = data["placement"]
    cylinder = uvmap = None
    if placement["type"] == "uvmap":
        box = tuple(placement["box"])
        uvmap = UVMap(folder / placement["map"], box, tuple(placement["print"]))
        quad = rect_quad(*box)
    elif placement["type"] == "rect":
        quad = rect_quad(*placement["box"])
    elif placement["type"] == "cylinder":
        fields = ("center_x", "radius", "top", "bottom", "arc_degrees")
        cylinder = Cylinder(rim=placement.get("rim", 0.0), **{k: placement[k] for k in fields})
        quad = rect_quad(*_box_of(cylinder.bounds()))
    else:
        quad = _quad(placement["corners"])
    substrate = data.get("substrate", "#ffffff")
    files = ("mask", "shading", "highlight", "reflection", "thumbnail")
    optional = {key: folder / data[key] for key in files if key in data}
    if "displacement" in data:
        found = data["displacement"]
        path = folder / found["map"] if "map" in found else None
        optional["displacement"] = Displacement(strength=found["strength"], map=path)
    if "edge" in data:
        edge = data["edge"]
        optional["edge"] = Edge(_quad(edge["corners"]), edge["side"], edge["depth"])
    if "safe" in data:
        optional["safe"] = tuple(data["safe"])
    if "grain" in data:
        optional["grain"] = Grain(float(data["grain"]["levels"]), int(data["grain"]["seed"]))
    if "variants" in data:
        colours = {name: _hex_colour(hex_) for name, hex_ in data["variants"]["colours"].items()}
        optional["variants"] = Variants(folder / data["variants"]["mask"], colours)
    return Template(
        cylinder=cylinder,
        uvmap=uvmap,
        id=folder.name,
        name=data["name"],
        product=data["product"],
        size=tuple(data["size"]),
        folder=folder,
        scene=folder / data["scene"],
        quad=quad,
        fit=data.get("fit", "cover"),
        substrate=None if substrate is None else _hex_colour(substrate),
        ink_black=data.get("ink_black", 0.0),
        **optional,
    )


def _quad(corners: list[list[float]]) -> Quad:
    return as_quad(corners)


def _box_of(bounds: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    left, top, right, bottom = bounds
    return (left, top, right - left, bottom - top)


def _hex_colour(text: str) -> Colour:
    return (int(text[1:3], 16), int(text[3:5], 16), int(text[5:7], 16))


def _check_files(template: Template, manifest: Path) -> None:
    width, height = template.size
    if max(width, height) != MIN_LONG_SIDE or min(width, height) < MIN_SHORT_SIDE:
        raise TemplateError(
            f"{manifest}: field 'size': {width} x {height} must be {MIN_LONG_SIDE} px on the "
            f"long side and at least {MIN_SHORT_SIDE} px on the short side"
        )
    if template.cylinder is not None and template.cylinder.bottom <= template.cylinder.top:
        raise TemplateError(f"{manifest}: field 'placement.bottom': must be below 'top'")
    if template.safe is not None:
        left, top, right, bottom = template.safe
        if not (left < right and top < bottom):
            raise TemplateError(f"{manifest}: field 'safe': right must exceed left, bottom top")
    _check_quad(template.quad, template.size, manifest, "placement")
    if template.edge is not None:
        _check_quad(template.edge.quad, template.size, manifest, "edge.corners")
    full_size = {
        "scene": template.scene,
        "variants.mask": template.variants.mask if template.variants else None,
    }
    # layers read only over the print's box may be stored cropped to it; shading and
    # highlight light a wrapped edge too, so with an edge they cover the whole scene
    box_or_full = {
        "mask": template.mask,
        "displacement.map": template.displacement.map if template.displacement else None,
    }
    lighting = {
        "shading": template.shading,
        "highlight": template.highlight,
        "reflection": template.reflection,
    }
    (box_or_full if template.edge is None else full_size).update(lighting)
    box = bounding_box(template.quad, template.size).size
    for field, path in full_size.items():
        if path is not None:
            _check_image(path, template.size, manifest, field)
    for field, path in box_or_full.items():
        if path is not None:
            _check_image(path, template.size, manifest, field, box=box)
    if template.uvmap is not None:
        _check_uvmap(template.uvmap, manifest)
    if template.thumbnail is not None:
        _check_image(template.thumbnail, None, manifest, "thumbnail")


def _check_uvmap(uvmap: UVMap, manifest: Path) -> None:
    """The print map: an image the box's size or a whole fraction of it, of u and v bands."""
    field = "placement.map"
    _check_image(uvmap.path, None, manifest, field)
    with open_image(uvmap.path, TEMPLATE_LAYER_LIMITS, f"{manifest}: field {field!r}") as image:
        found, bands = image.size, len(image.getbands())
    box_size = uvmap.box[2:]
    if reduction(box_size, found) is None:
        raise TemplateError(
            f"{manifest}: field '{field}': {uvmap.path.name} is {found[0]} x {found[1]}; the box "
            f"is {box_size[0]} x {box_size[1]}, so the map must be that size divided by 1 to 8"
        )
    if bands < 2:
        raise TemplateError(f"{manifest}: field '{field}': {uvmap.path.name} needs u and v bands")
    check_print_size(uvmap.print_size, f"{manifest}: field 'placement.print'")


def _check_quad(quad: Quad, size: Size, manifest: Path, field: str) -> None:
    width, height = size
    if not all(0 <= x <= width and 0 <= y <= height for x, y in quad):
        raise TemplateError(f"{manifest}: field '{field}': the print area leaves the scene")
    problem = quad_problem(quad)
    if problem is not None:
        raise TemplateError(f"{manifest}: field '{field}': {problem}")


def _check_image(
    path: Path, size: Size | None, manifest: Path, field: str, box: Size | None = None
) -> None:
    if not path.exists():
        raise TemplateError(f"{manifest}: field '{field}': {path.name} not found")
    label = f"{manifest}: field '{field}': {path.name}"
    try:
        with open_image(path, TEMPLATE_LAYER_LIMITS, label) as image:
            found = image.size
    except ImageRefused as refused:
        raise TemplateError(str(refused)) from None
    if size is not None and found != size and found != box:
        also = f" (or the print box's, {box[0]} x {box[1]})" if box is not None else ""
        raise TemplateError(
            f"{manifest}: field '{field}': {path.name} is {found[0]} x {found[1]}, "
            f"the template's size is {size[0]} x {size[1]}{also}"
        )
