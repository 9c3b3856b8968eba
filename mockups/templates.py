"""Templates: a folder holding `template.json` and its images, loaded into dataclasses.

The manifest's shape is checked against `template.schema.json`; what a schema cannot say
(files exist, image sizes match, the print area lies inside the scene) is checked here.
Every message names the manifest file and the field.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jsonschema
from PIL import Image, UnidentifiedImageError

from mockups.errors import TemplateError
from mockups.geometry import Quad, Size, is_axis_aligned, is_convex_clockwise, print_size, rect_quad

MANIFEST = "template.json"
BUILTIN_DIR = Path(__file__).parent / "library"
SCHEMA_PATH = Path(__file__).parent / "template.schema.json"
MIN_LONG_SIDE = 3000
MIN_SHORT_SIDE = 2000


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
    substrate: tuple[int, int, int] | None = (255, 255, 255)
    mask: Path | None = None
    shading: Path | None = None
    thumbnail: Path | None = None

    @property
    def print_size(self) -> Size:
        return print_size(self.quad)

    @property
    def is_flat(self) -> bool:
        """True when the print is an upright rectangle: placed without a warp."""
        return is_axis_aligned(self.quad)


@cache
def _validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text())
    return jsonschema.Draft202012Validator(schema)


def load_template(folder: Path) -> Template:
    folder = Path(folder)
    manifest_path = folder / MANIFEST
    data = _read_manifest(manifest_path)
    _check_schema(data, manifest_path)
    template = _build(folder, data)
    _check_files(template, manifest_path)
    return template


def load_library(*folders: Path) -> dict[str, Template]:
    """Templates by id from every sub-folder holding a manifest; built-ins first."""
    library: dict[str, Template] = {}
    for root in (BUILTIN_DIR, *folders):
        for folder in sorted(p.parent for p in Path(root).glob(f"*/{MANIFEST}")):
            library[folder.name] = load_template(folder)
    return library


def select_templates(library: dict[str, Template], selection: str | list[str]) -> list[Template]:
    """`"all"`, a comma-separated string or a list of ids; ids may repeat."""
    if selection == "all":
        return list(library.values())
    ids = selection.split(",") if isinstance(selection, str) else list(selection)
    ids = [i.strip() for i in ids if i.strip()]
    if not ids:
        raise TemplateError("no templates selected")
    unknown = [i for i in ids if i not in library]
    if unknown:
        raise TemplateError(
            f"unknown template {', '.join(unknown)}; known: {', '.join(sorted(library))}"
        )
    return [library[i] for i in ids]


def _read_manifest(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TemplateError(f"{path}: file not found") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise TemplateError(f"{path}: not valid JSON ({error})") from None
    if not isinstance(data, dict):
        raise TemplateError(f"{path}: the manifest must be a JSON object")
    return data


def _check_schema(data: dict, path: Path) -> None:
    error = jsonschema.exceptions.best_match(_validator().iter_errors(data))
    if error is not None:
        field = ".".join(str(p) for p in error.absolute_path) or "(top level)"
        raise TemplateError(f"{path}: field '{field}': {error.message}")


def _build(folder: Path, data: dict) -> Template:
    placement = data["placement"]
    if placement["type"] == "rect":
        quad = rect_quad(*placement["box"])
    else:
        quad = tuple(tuple(float(c) for c in corner) for corner in placement["corners"])
    substrate = data.get("substrate", "#ffffff")
    optional = {key: folder / data[key] for key in ("mask", "shading", "thumbnail") if key in data}
    return Template(
        id=folder.name,
        name=data["name"],
        product=data["product"],
        size=tuple(data["size"]),
        folder=folder,
        scene=folder / data["scene"],
        quad=quad,
        fit=data.get("fit", "cover"),
        substrate=None if substrate is None else _hex_colour(substrate),
        **optional,
    )


def _hex_colour(text: str) -> tuple[int, int, int]:
    return (int(text[1:3], 16), int(text[3:5], 16), int(text[5:7], 16))


def _check_files(template: Template, manifest: Path) -> None:
    width, height = template.size
    if max(width, height) != MIN_LONG_SIDE or min(width, height) < MIN_SHORT_SIDE:
        raise TemplateError(
            f"{manifest}: field 'size': {width} x {height} must be {MIN_LONG_SIDE} px on the "
            f"long side and at least {MIN_SHORT_SIDE} px on the short side"
        )
    _check_print_area(template, manifest)
    for field in ("scene", "mask", "shading"):
        path = getattr(template, field)
        if path is not None:
            _check_image(path, template.size, manifest, field)
    if template.thumbnail is not None:
        _check_image(template.thumbnail, None, manifest, "thumbnail")


def _check_print_area(template: Template, manifest: Path) -> None:
    width, height = template.size
    field = "placement"
    if not all(0 <= x <= width and 0 <= y <= height for x, y in template.quad):
        raise TemplateError(f"{manifest}: field '{field}': the print area leaves the scene")
    if not is_convex_clockwise(template.quad):
        raise TemplateError(
            f"{manifest}: field '{field}': corners must form a convex quad, "
            "clockwise from the print's top-left"
        )


def _check_image(path: Path, size: Size | None, manifest: Path, field: str) -> None:
    try:
        with Image.open(path) as image:
            found = image.size
    except FileNotFoundError:
        raise TemplateError(f"{manifest}: field '{field}': {path.name} not found") from None
    except (UnidentifiedImageError, OSError):
        raise TemplateError(f"{manifest}: field '{field}': {path.name} is not an image") from None
    if size is not None and found != size:
        raise TemplateError(
            f"{manifest}: field '{field}': {path.name} is {found[0]} x {found[1]}, "
            f"the template's size is {size[0]} x {size[1]}"
        )
