"""Pure geometry for placing a print: quads, boxes, fits and perspective coefficients.

Coordinates are continuous: pixel (0, 0) covers [0, 1) x [0, 1), so an image of width w
spans x in [0, w]. Quads list corners clockwise from the print's top-left.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

Point = tuple[float, float]
Quad = tuple[Point, Point, Point, Point]
Size = tuple[int, int]


def as_quad(points: Iterable[Sequence[float]]) -> Quad:
    """Four (x, y) corners as a Quad; ValueError for any other count."""
    a, b, c, d = ((float(p[0]), float(p[1])) for p in points)
    return (a, b, c, d)


@dataclass(frozen=True)
class Box:
    """An integer pixel box: left, top inclusive; right, bottom exclusive."""

    left: int
    top: int
    right: int
    bottom: int

    @property
    def width(self) -> int:
        return self.right - self.left

    @property
    def height(self) -> int:
        return self.bottom - self.top

    @property
    def size(self) -> Size:
        return (self.width, self.height)

    @property
    def origin(self) -> tuple[int, int]:
        return (self.left, self.top)

    def as_tuple(self) -> tuple[int, int, int, int]:
        return (self.left, self.top, self.right, self.bottom)


@dataclass(frozen=True)
class Cylinder:
    """A print wrapped around an upright cylinder, seen from the front and a little above.

    `top` and `bottom` are the print's edges on the centre line; `rim` is how far those edges
    rise at the silhouette (the ellipse a circle makes when seen from above); `arc_degrees`
    is how much of the circumference the visible print covers.
    """

    center_x: float
    radius: float
    top: float
    bottom: float
    rim: float
    arc_degrees: float

    @property
    def half_arc(self) -> float:
        return math.radians(self.arc_degrees) / 2

    def print_size(self) -> Size:
        """The unrolled print: the arc's length by the band's height."""
        width = self.radius * 2 * self.half_arc
        return (max(1, math.ceil(width)), max(1, math.ceil(self.bottom - self.top)))

    def bounds(self) -> tuple[float, float, float, float]:
        half_width = self.radius * math.sin(min(self.half_arc, math.pi / 2))
        lift = self.rim * (1 - math.cos(min(self.half_arc, math.pi / 2)))
        return (
            self.center_x - half_width,
            self.top - lift,
            self.center_x + half_width,
            self.bottom,
        )


def rect_quad(left: float, top: float, width: float, height: float) -> Quad:
    return ((left, top), (left + width, top), (left + width, top + height), (left, top + height))


def bounding_box(quad: Quad, limit: Size) -> Box:
    """The pixels a quad touches, clipped to an image of size `limit`."""
    xs = [x for x, _ in quad]
    ys = [y for _, y in quad]
    return Box(
        left=max(0, math.floor(min(xs))),
        top=max(0, math.floor(min(ys))),
        right=min(limit[0], math.ceil(max(xs))),
        bottom=min(limit[1], math.ceil(max(ys))),
    )


def print_size(quad: Quad) -> Size:
    """Pixel size the print needs so the warp never enlarges it: its longest opposite edges."""
    top_left, top_right, bottom_right, bottom_left = quad
    width = max(math.dist(top_left, top_right), math.dist(bottom_left, bottom_right))
    height = max(math.dist(top_left, bottom_left), math.dist(top_right, bottom_right))
    return (max(1, math.ceil(width)), max(1, math.ceil(height)))


def is_axis_aligned(quad: Quad) -> bool:
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = quad
    return y0 == y1 and y2 == y3 and x0 == x3 and x1 == x2 and x1 > x0 and y3 > y0


def cover_crop(source: Size, target: Size) -> tuple[float, float, float, float]:
    """The centred box of `source` with the target's aspect ratio (fit = cover)."""
    sw, sh = source
    tw, th = target
    if sw * th > tw * sh:
        crop_w = sh * tw / th
        left = (sw - crop_w) / 2
        return (left, 0.0, left + crop_w, float(sh))
    crop_h = sw * th / tw
    top = (sh - crop_h) / 2
    return (0.0, top, float(sw), top + crop_h)


def contain_box(source: Size, target: Size) -> Box:
    """Where `source`, scaled to fit inside `target` (fit = contain), sits centred in it."""
    sw, sh = source
    tw, th = target
    scale = min(tw / sw, th / sh)
    width = max(1, min(tw, round(sw * scale)))
    height = max(1, min(th, round(sh * scale)))
    left = (tw - width) // 2
    top = (th - height) // 2
    return Box(left, top, left + width, top + height)


def fit_scale(source: Size, target: Size, fit: str) -> float:
    """The scale at which `source` is drawn into `target` for the given fit."""
    scales = (target[0] / source[0], target[1] / source[1])
    return max(scales) if fit == "cover" else min(scales)


def perspective_coefficients(output_quad: Quad, source_quad: Quad) -> tuple[float, ...]:
    """The 8 coefficients Pillow's PERSPECTIVE transform needs to map output to source.

    For an output point (x, y) the source point is
    ((a x + b y + c) / (g x + h y + 1), (d x + e y + f) / (g x + h y + 1)).
    Solved by hand: numpy.linalg would pin a 32 MiB BLAS buffer for the process's life.
    """
    rows: list[list[float]] = []
    for (x, y), (u, v) in zip(output_quad, source_quad, strict=True):
        rows.append([x, y, 1.0, 0.0, 0.0, 0.0, -u * x, -u * y, u])
        rows.append([0.0, 0.0, 0.0, x, y, 1.0, -v * x, -v * y, v])
    return tuple(solve_linear(rows))


def solve_linear(augmented: list[list[float]]) -> list[float]:
    """Solve a square system given as rows [coefficients..., constant] (Gaussian elimination)."""
    n = len(augmented)
    m = [row[:] for row in augmented]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
        if abs(m[pivot][col]) < 1e-12:
            raise ValueError("degenerate quad: its corners are collinear or repeated")
        m[col], m[pivot] = m[pivot], m[col]
        for r in range(col + 1, n):
            factor = m[r][col] / m[col][col]
            for c in range(col, n + 1):
                m[r][c] -= factor * m[col][c]
    solution = [0.0] * n
    for r in range(n - 1, -1, -1):
        tail = sum(m[r][c] * solution[c] for c in range(r + 1, n))
        solution[r] = (m[r][n] - tail) / m[r][r]
    return solution


def apply_perspective(coefficients: tuple[float, ...], point: Point) -> Point:
    a, b, c, d, e, f, g, h = coefficients
    x, y = point
    w = g * x + h * y + 1.0
    return ((a * x + b * y + c) / w, (d * x + e * y + f) / w)


MIN_CORNER_DISTANCE = 1.0  # px
MIN_CORNER_DEGREES = 5.0  # flatter than this and the print's perspective is all but singular


def quad_problem(quad: Quad) -> str | None:
    """Why `quad` cannot hold a print, in a few words, or None when it can: the one check of a
    print's corners, for a manifest, a Photoshop import and corners clicked on a photo.

    A print's quad is convex and runs clockwise from the print's top-left, and no corner is
    so flat (three corners almost on one line) that the perspective runs off to infinity.
    """
    for i, j in ((0, 1), (1, 2), (2, 3), (3, 0), (0, 2), (1, 3)):
        if math.dist(quad[i], quad[j]) < MIN_CORNER_DISTANCE:
            return f"corners {i + 1} and {j + 1} are on the same spot"
    for first, second in ((0, 2), (1, 3)):
        if _edges_cross(quad, first, second):
            return (
                f"the corners cross (edges {_edge_name(first)} and {_edge_name(second)}): "
                "place them clockwise from the print's top left"
            )
    turns = _turns(quad)
    if all(turn < 0 for turn in turns):
        return "the corners run anticlockwise: place them clockwise from the print's top left"
    for i in range(4):
        before, corner, after = quad[i - 1], quad[i], quad[(i + 1) % 4]
        if _sine(before, corner, after) < math.sin(math.radians(MIN_CORNER_DEGREES)):
            return f"corners {i % 4 or 4}, {i + 1} and {(i + 1) % 4 + 1} lie almost on one line"
    if not all(turn > 0 for turn in turns):
        inward = next(i for i, turn in enumerate(turns) if turn < 0)
        return f"corner {(inward + 1) % 4 + 1} bends inward: the print's outline must be convex"
    return None


def _turns(quad: Quad) -> list[float]:
    """The cross product of consecutive edges at each corner after the first: > 0 clockwise."""
    turns = []
    for i in range(4):
        (x0, y0), (x1, y1), (x2, y2) = quad[i], quad[(i + 1) % 4], quad[(i + 2) % 4]
        turns.append((x1 - x0) * (y2 - y1) - (y1 - y0) * (x2 - x1))
    return turns


def _sine(before: Point, corner: Point, after: Point) -> float:
    """|sin| of the angle at `corner` between its two edges."""
    ax, ay = before[0] - corner[0], before[1] - corner[1]
    bx, by = after[0] - corner[0], after[1] - corner[1]
    return abs(ax * by - ay * bx) / (math.hypot(ax, ay) * math.hypot(bx, by))


def _edges_cross(quad: Quad, first: int, second: int) -> bool:
    """Whether edge `first` (corner first to the next) and edge `second` properly intersect."""
    a, b = quad[first], quad[(first + 1) % 4]
    c, d = quad[second], quad[(second + 1) % 4]
    return _side(a, b, c) * _side(a, b, d) < 0 and _side(c, d, a) * _side(c, d, b) < 0


def _side(a: Point, b: Point, p: Point) -> float:
    return (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0])


def _edge_name(edge: int) -> str:
    return f"{edge + 1}-{(edge + 1) % 4 + 1}"


def scaled_to_long_side(size: Size, long_side: int) -> Size:
    """`size` scaled so its longer side is `long_side`, keeping the aspect ratio."""
    w, h = size
    scale = long_side / max(w, h)
    return (max(1, round(w * scale)), max(1, round(h * scale)))
