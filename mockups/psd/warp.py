"""A smart object's warp (Edit > Transform > Warp) as a per-pixel print map.

Photoshop keeps a warped smart object as a 4 x 4 grid of Bezier control points in the smart
object's own, unwarped pixels (`warp.customEnvelopeWarp.meshPoints` inside `warp.bounds`);
its placement quad then maps that rectangle into the document. The control points are
carried into the document by the homography from the bounds onto the quad, and the bicubic
Bezier patch they span is evaluated there (as Photoshop draws it: the perspective moves the
handles, the patch is a polynomial in the document; PhotoshopAPI #90 and its
`SmartObjectWarp.cpp` do the same). The patch is sampled densely in (u, v), cut into
triangles and rasterised, so every pixel of the map knows the print point it shows (where a
patch folds over itself, the part further down the print is drawn on top; which part
Photoshop shows there is not established).

Preset styles (warpArc, warpFlag, ...) are stored as a style and a bend value only; the mesh
Photoshop derives from them is not documented, so they stay approximated by the quad.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from mockups.errors import printable
from mockups.geometry import Box, Quad, Size
from mockups.templates.printmap import extrapolate, save_map, stored_map

CUSTOM = "warpCustom"
NONE = "warpNone"
GRID = 4  # control points a side: one bicubic patch
MARGIN = 6  # px of extrapolated map round the print, as the scene build keeps
MAP_REDUCTION = 4  # a bicubic patch is smooth: bilinear upsampling from every 4th px is exact
OUTLINE_SAMPLES = 64  # points along each edge of the print's outline
STRIP_ROWS = 16  # sampled rows rasterised at a time: memory stays a few MB
MAX_CANDIDATES = 1 << 18  # map pixels tested against triangles at once
MAX_PRINT_SIDE = 3000
MAX_COORDINATE = 1e6  # a mesh point or bound, in the smart object's pixels (a PSB's are 3e5)


@dataclass(frozen=True)
class Warp:
    """The warp as stored: its style and, for a custom warp, its 4 x 4 control points (x, y)
    in the smart object's pixels within `bounds` (left, top, right, bottom)."""

    style: str
    bounds: tuple[float, float, float, float] | None = None
    points: np.ndarray | None = None  # (4, 4, 2), rows top to bottom
    quilt: bool = False  # a grid split into more than one patch (Photoshop's "split warp")

    @property
    def is_mapped(self) -> bool:
        """True when the warp is represented exactly by a print map."""
        return self.style == CUSTOM and not self.quilt and self.rectangle is not None

    @property
    def approximation(self) -> str:
        """What the import says when the warp is not mapped but flattened to the quad."""
        if self.quilt:
            return (
                "its split warp is approximated by the perspective quad "
                "(only single-patch custom warps are mapped)"
            )
        if self.style == CUSTOM:
            return "its custom warp's mesh could not be read; approximated by the perspective quad"
        return (
            f"its {printable(self.style)} warp is approximated by the perspective quad "
            "(only custom warps are mapped)"
        )

    @property
    def rectangle(self) -> Quad | None:
        """The smart object's unwarped rectangle the control points lie in: its `bounds`, else
        the control grid's own corners; None without control points or area."""
        if self.points is None:
            return None
        if self.bounds is not None:
            left, top, right, bottom = self.bounds
        else:
            corners = self.points[[0, 0, -1, -1], [0, -1, -1, 0]]
            (left, top), (right, bottom) = corners.min(axis=0), corners.max(axis=0)
        if not (right > left and bottom > top):
            return None
        return ((left, top), (right, top), (right, bottom), (left, bottom))


def read_warp(smart) -> Warp | None:
    """The smart object's warp from its `SoLd` descriptor (else its `PlLd` block), or None if
    it has no warp."""
    config = getattr(smart, "_config", None)
    data = config.data if config is not None else {}
    if b"quiltWarp" in data:
        return Warp(style=_style(data[b"quiltWarp"]) or CUSTOM, quilt=True)
    descriptor = data.get(b"warp")
    if descriptor is None:
        placed = getattr(smart, "_placed_layer", None)
        descriptor = getattr(placed, "warp", None)
    if descriptor is None:
        return None
    style = _style(descriptor)
    if style is None or style == NONE:
        return None
    bounds, points = _bounds(descriptor), _mesh_points(descriptor)
    if points is not None and not _within_reason(points, bounds):
        points = None  # said as a mesh that could not be read
    return Warp(style=style, bounds=bounds, points=points)


def _within_reason(points: np.ndarray, bounds: tuple[float, ...] | None) -> bool:
    """Whether the mesh and its bounds are finite numbers a smart object's pixels can be."""
    values = np.concatenate([points.ravel(), np.asarray(bounds or (), float)])
    return bool(np.isfinite(values).all() and (np.abs(values) <= MAX_COORDINATE).all())


def _style(descriptor) -> str | None:
    style = descriptor.get(b"warpStyle")
    name = getattr(style, "enum", None)
    if name is None:
        return None
    return name.decode("ascii", "replace") if isinstance(name, bytes) else str(name)


def _bounds(descriptor) -> tuple[float, float, float, float] | None:
    bounds = descriptor.get(b"bounds")
    if bounds is None:
        return None
    try:
        left, top, right, bottom = (
            float(getattr(bounds[key], "value", bounds[key]))
            for key in (b"Left", b"Top ", b"Rght", b"Btom")
        )
    except (KeyError, TypeError, ValueError):
        return None
    return left, top, right, bottom


def _mesh_points(descriptor) -> np.ndarray | None:
    envelope = descriptor.get(b"customEnvelopeWarp")
    mesh = envelope.get(b"meshPoints") if envelope is not None else None
    if mesh is None or b"Hrzn" not in mesh or b"Vrtc" not in mesh:
        return None
    xs = [float(value) for value in mesh[b"Hrzn"]]
    ys = [float(value) for value in mesh[b"Vrtc"]]
    if len(xs) != GRID * GRID or len(ys) != GRID * GRID:
        return None
    return np.stack([xs, ys], axis=-1).reshape(GRID, GRID, 2)


# --- geometry (pure) ---


def homography(source: Quad, target: Quad) -> np.ndarray:
    """The 3 x 3 projective map taking the four `source` corners onto the `target` corners."""
    rows, values = [], []
    for (x, y), (X, Y) in zip(source, target, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -X * x, -X * y])
        rows.append([0, 0, 0, x, y, 1, -Y * x, -Y * y])
        values += [X, Y]
    solved = np.linalg.solve(np.array(rows, float), np.array(values, float))
    return np.append(solved, 1.0).reshape(3, 3)


def projected(matrix: np.ndarray, points: np.ndarray) -> np.ndarray:
    """`points` (..., 2) through the projective `matrix`."""
    flat = points.reshape(-1, 2)
    mapped = np.c_[flat, np.ones(len(flat))] @ matrix.T
    return (mapped[:, :2] / mapped[:, 2:]).reshape(points.shape)


def placed_control_points(warp: Warp, quad: Quad, factor: float) -> np.ndarray:
    """The warp's control points in output pixels: the smart object's bounds mapped onto its
    placement `quad` (document pixels), then scaled by `factor`."""
    rectangle = warp.rectangle
    assert warp.points is not None and rectangle is not None, "only a mapped warp is placed"
    return projected(homography(rectangle, quad), warp.points) * factor


def bernstein(t: np.ndarray) -> np.ndarray:
    """The four cubic Bernstein weights at each `t`: shape (len(t), 4)."""
    t = np.asarray(t, float)[:, None]
    s = 1 - t
    return np.hstack([s**3, 3 * s**2 * t, 3 * s * t**2, t**3])


def patch_points(control: np.ndarray, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """The Bezier patch at the grid of `v` (rows) by `u` (columns): shape (len(v), len(u), 2)."""
    return np.einsum("ri,ijc,kj->rkc", bernstein(v), control, bernstein(u))


def outline(control: np.ndarray, samples: int = OUTLINE_SAMPLES) -> list[tuple[float, float]]:
    """The print's edge in output pixels, clockwise from its top-left corner."""
    t = np.linspace(0.0, 1.0, samples + 1)[:-1]
    edges = [
        patch_points(control, t, np.zeros(1))[0],
        patch_points(control, np.ones(1), t)[:, 0],
        patch_points(control, 1 - t, np.ones(1))[0],
        patch_points(control, np.zeros(1), 1 - t)[:, 0],
    ]
    return [(float(x), float(y)) for x, y in np.concatenate(edges)]


def map_box(control: np.ndarray, size: Size, margin: int = MARGIN) -> Box:
    """The scene pixels the patch covers, grown by `margin`, inside the scene. Its inside
    too, not only its edge: a handle dragged far bulges the print past its own edges."""
    t = np.linspace(0.0, 1.0, OUTLINE_SAMPLES + 1)
    points = patch_points(control, t, t).reshape(-1, 2)
    (left, top), (right, bottom) = points.min(axis=0), points.max(axis=0)
    return Box(
        left=max(0, math.floor(left) - margin),
        top=max(0, math.floor(top) - margin),
        right=min(size[0], math.ceil(right) + margin),
        bottom=min(size[1], math.ceil(bottom) + margin),
    )


def print_pixels(control: np.ndarray) -> Size:
    """The print's pixel size: one print pixel per output pixel along its longest row and
    column, so the map never enlarges the artwork."""
    t = np.linspace(0.0, 1.0, 65)
    grid = patch_points(control, t, t)
    width = np.hypot(*np.diff(grid, axis=1).transpose(2, 0, 1)).sum(axis=1).max()
    height = np.hypot(*np.diff(grid, axis=0).transpose(2, 0, 1)).sum(axis=0).max()
    scale = min(1.0, MAX_PRINT_SIDE / max(width, height, 1e-9))
    return max(1, round(width * scale)), max(1, round(height * scale))


def sample_density(control: np.ndarray, factor: int) -> tuple[int, int]:
    """Samples across and down the patch so each triangle spans about a map pixel."""
    width, height = print_pixels(control)
    return (
        int(np.clip(math.ceil(width / factor) + 1, 8, 1024)),
        int(np.clip(math.ceil(height / factor) + 1, 8, 1024)),
    )


def rasterised_uv(control: np.ndarray, box: Box, factor: int) -> tuple[np.ndarray, np.ndarray]:
    """(u, v) at the centre of every `factor` x `factor` block of `box`, NaN off the print.

    The patch, sampled on a grid, is cut into triangles; each block centre inside one gets
    (u, v) interpolated from its corners (barycentric). The grid is cut a strip of rows at a
    time, so memory stays a few MB whatever the print's size.
    """
    columns, rows = math.ceil(box.width / factor), math.ceil(box.height / factor)
    u_map = np.full((rows, columns), np.nan, np.float32)
    v_map = np.full((rows, columns), np.nan, np.float32)
    across, down = sample_density(control, factor)
    us, vs = np.linspace(0.0, 1.0, across), np.linspace(0.0, 1.0, down)
    for start in range(0, down - 1, STRIP_ROWS):
        # a strip of the sampled grid at a time, overlapping by one row of samples
        rows_v = vs[start : start + STRIP_ROWS + 1]
        # map-grid coordinates: block (i, j) has its centre at integer (j, i)
        grid = (patch_points(control, us, rows_v) - [box.left, box.top]) / factor - 0.5
        params = np.stack(np.meshgrid(us, rows_v), axis=-1)
        for corners, uv in _triangles(grid, params):
            for part in _by_size(corners, u_map.shape):
                _fill(u_map, v_map, corners[part], uv[part])
    return u_map, v_map


def _pixel_range(corners: np.ndarray, shape: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Each triangle's first and last map pixel (x, y) it may cover, kept inside the map: a
    triangle reaching past the map costs only the pixels it can fill."""
    limit = np.array([shape[1] - 1, shape[0] - 1])
    low = np.clip(np.ceil(corners.min(axis=1)), 0, limit).astype(int)
    high = np.clip(np.floor(corners.max(axis=1)), -1, limit).astype(int)
    return low, high


def _by_size(corners: np.ndarray, shape: tuple[int, ...]):
    """Index arrays over the triangles, grouped by the square of map pixels each spans and
    cut so that a group tests at most MAX_CANDIDATES pixels: a few stretched triangles (a
    strong warp) cost their own pixels, not every triangle's."""
    low, high = _pixel_range(corners, shape)
    extent = (high - low).max(axis=1) + 1
    side = 2 ** np.ceil(np.log2(np.maximum(extent, 1))).astype(int)
    for size in np.unique(side):
        chosen = np.flatnonzero(side == size)
        step = max(1, MAX_CANDIDATES // int(size) ** 2)
        for start in range(0, len(chosen), step):
            yield chosen[start : start + step]


def _triangles(grid: np.ndarray, params: np.ndarray):
    """Both triangles of every grid cell: (corner positions (n, 3, 2), their (u, v) (n, 3, 2))."""
    a, b = grid[:-1, :-1], grid[:-1, 1:]
    c, d = grid[1:, 1:], grid[1:, :-1]
    pa, pb, pc, pd = params[:-1, :-1], params[:-1, 1:], params[1:, 1:], params[1:, :-1]
    for corners, uv in (((a, b, c), (pa, pb, pc)), ((a, c, d), (pa, pc, pd))):
        yield (
            np.stack(corners, axis=-2).reshape(-1, 3, 2),
            np.stack(uv, axis=-2).reshape(-1, 3, 2),
        )


def _fill(u_map: np.ndarray, v_map: np.ndarray, corners: np.ndarray, uv: np.ndarray) -> None:
    rows, columns = u_map.shape
    low, high = _pixel_range(corners, u_map.shape)
    span = int(max(1, (high - low).max() + 1))
    offsets = np.arange(span)
    xs = low[:, 0, None, None] + offsets[None, None, :]  # (n, 1, span)
    ys = low[:, 1, None, None] + offsets[None, :, None]  # (n, span, 1)
    (x0, y0), (x1, y1), (x2, y2) = (corners[:, k].T for k in range(3))
    area = (x1 - x0) * (y2 - y0) - (x2 - x0) * (y1 - y0)
    usable = np.abs(area) > 1e-12
    area = np.where(usable, area, 1.0)[:, None, None]
    w1 = (
        (xs - x0[:, None, None]) * (y2 - y0)[:, None, None]
        - (x2 - x0)[:, None, None] * (ys - y0[:, None, None])
    ) / area
    w2 = (
        (x1 - x0)[:, None, None] * (ys - y0[:, None, None])
        - (xs - x0[:, None, None]) * (y1 - y0)[:, None, None]
    ) / area
    w0 = 1 - w1 - w2
    eps = -1e-9
    inside = (w0 >= eps) & (w1 >= eps) & (w2 >= eps) & usable[:, None, None]
    inside &= (xs >= 0) & (xs < columns) & (ys >= 0) & (ys < rows)
    triangle, row, column = np.nonzero(inside)
    if triangle.size == 0:
        return
    weights = np.stack([w0, w1, w2], axis=-1)[triangle, row, column]  # (m, 3)
    values = np.einsum("mk,mkc->mc", weights, uv[triangle])
    x = (low[triangle, 0] + column).astype(int)
    y = (low[triangle, 1] + row).astype(int)
    u_map[y, x] = values[:, 0]
    v_map[y, x] = values[:, 1]


@dataclass(frozen=True)
class WarpedPrint:
    """A custom warp placed in the output: its control points, edge and the map's box."""

    control: np.ndarray
    edge: list[tuple[float, float]]
    box: Box

    @property
    def print_size(self) -> Size:
        return print_pixels(self.control)


class WarpOutOfReach(ValueError):
    """A warp whose control points land far outside the scene (or nowhere)."""


def warped_print(warp: Warp, quad: Quad, factor: float, size: Size) -> WarpedPrint:
    """`warp` on the smart object placed on `quad` (document pixels), in output pixels;
    `WarpOutOfReach` if its handles reach beyond the scene grown by its own size."""
    control = placed_control_points(warp, quad, factor)
    width, height = size
    xs, ys = control[..., 0], control[..., 1]
    if not (
        np.isfinite(control).all()
        and xs.min() >= -width
        and ys.min() >= -height
        and xs.max() <= 2 * width
        and ys.max() <= 2 * height
    ):
        raise WarpOutOfReach("the warp's handles reach far outside the scene")
    edge = outline(control)
    return WarpedPrint(control, edge, map_box(control, size))


def write_print_map(warped: WarpedPrint, path: Path, reduction: int = MAP_REDUCTION) -> None:
    """The print map over `warped.box`, reduced by `reduction`, extrapolated past the edge."""
    u, v = rasterised_uv(warped.control, warped.box, reduction)
    steps = math.ceil(MARGIN / reduction) + 2
    save_map(stored_map(extrapolate(u, steps), extrapolate(v, steps), 1), path)
