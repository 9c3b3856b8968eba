"""Warps that bend the print: a wrap around a cylinder and fabric displacement.

Each placement is an inverse map, from output pixels to the print's pixels, evaluated with
numpy on a grid of vertices; Pillow's MESH transform then resamples each grid cell with a
bilinear map in C. No Python loop runs per pixel and no per-pixel map (8 bytes a pixel) is
allocated. Pillow visits the cells in Python, so cells are as large as accuracy allows: on
a cylinder the map is linear down each column, so a cell is a full-height column 8 px wide;
folds change slowly, so their cells are 32 px squares.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from PIL import Image

from mockups.geometry import Box, Cylinder, Quad, Size, perspective_coefficients, rect_quad

CYLINDER_CELL = (8, None)
FOLD_CELL = (32, 32)
Cell = tuple[int, int | None]
InverseMap = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


def cylinder_map(cylinder: Cylinder, print_size: Size) -> InverseMap:
    """Scene (x, y) to print (u, v): the print's edges compress as the surface turns away."""
    width, height = print_size
    band = cylinder.bottom - cylinder.top

    def inverse(xs: np.ndarray, ys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        sine = np.clip((xs - cylinder.center_x) / cylinder.radius, -1.0, 1.0)
        angle = np.arcsin(sine)
        u = (angle + cylinder.half_arc) / (2 * cylinder.half_arc) * width
        top = cylinder.top - cylinder.rim * (1 - np.cos(angle))
        v = (ys - top) / band * height
        return u, v

    return inverse


def perspective_map(quad: Quad, print_size: Size) -> InverseMap:
    a, b, c, d, e, f, g, h = perspective_coefficients(quad, rect_quad(0, 0, *print_size))

    def inverse(xs: np.ndarray, ys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        w = g * xs + h * ys + 1.0
        return (a * xs + b * ys + c) / w, (d * xs + e * ys + f) / w

    return inverse


def displacement_offsets(height: Image.Image, strength: float) -> np.ndarray:
    """Per-vertex (dx, dy) shifts along the slope of a height map (fabric folds), in pixels.

    `height` covers the print's box; a rise from black to white over 100 px shifts the print
    by `strength` pixels, so a flat map shifts nothing. Shape: (rows, columns, 2).
    """
    columns, rows = _grid_counts(height.size, FOLD_CELL)
    small = height.convert("L").resize((columns, rows), Image.Resampling.BOX)
    surface = np.asarray(small, dtype=np.float32) / 255.0
    slope_y, slope_x = np.gradient(surface)
    return np.stack([slope_x, slope_y], axis=-1) * (strength * 100.0 / FOLD_CELL[0])


def warp_with_mesh(
    padded: Image.Image,
    box: Box,
    inverse: InverseMap,
    cell: Cell,
    offsets: np.ndarray | None = None,
) -> Image.Image:
    """Resample `padded` (the print with a one-pixel transparent border) into `box`.

    `inverse` maps scene coordinates to the print's; `offsets` (rows, columns, 2), from
    `displacement_offsets` with the same `cell`, move where each output vertex looks.
    """
    width, height = _cell_size(box.size, cell)
    columns, rows = _grid_counts(box.size, cell)
    xs = np.minimum(np.arange(columns) * width, box.width).astype(np.float64)
    ys = np.minimum(np.arange(rows) * height, box.height).astype(np.float64)
    grid_x, grid_y = np.meshgrid(xs, ys)
    look_x, look_y = grid_x + box.left, grid_y + box.top
    if offsets is not None:
        look_x = look_x + offsets[..., 0]
        look_y = look_y + offsets[..., 1]
    u, v = inverse(look_x, look_y)
    u, v = u + 1.0, v + 1.0
    return padded.transform(box.size, Image.Transform.MESH, _mesh(grid_x, grid_y, u, v), BICUBIC)


BICUBIC = Image.Resampling.BICUBIC


def _cell_size(size: Size, cell: Cell) -> tuple[int, int]:
    """A cell's width and height; a height of None spans the whole box."""
    return (cell[0], cell[1] or max(1, size[1]))


def _grid_counts(size: Size, cell: Cell) -> tuple[int, int]:
    """Vertices per row and per column: one every cell and one on the far edge."""
    width, height = _cell_size(size, cell)
    return (math.ceil(size[0] / width) + 1, math.ceil(size[1] / height) + 1)


def _mesh(grid_x, grid_y, u, v) -> list[tuple[tuple[int, ...], tuple[float, ...]]]:
    """Pillow's MESH data: each cell's output box and its source quad (NW, SW, SE, NE)."""
    boxes = np.stack(
        [grid_x[:-1, :-1], grid_y[:-1, :-1], grid_x[1:, 1:], grid_y[1:, 1:]], axis=-1
    ).astype(int)
    quads = np.stack(
        [
            u[:-1, :-1], v[:-1, :-1],
            u[1:, :-1], v[1:, :-1],
            u[1:, 1:], v[1:, 1:],
            u[:-1, 1:], v[:-1, 1:],
        ],
        axis=-1,
    )  # fmt: skip
    keep = (boxes[..., 2] > boxes[..., 0]) & (boxes[..., 3] > boxes[..., 1])
    box_rows = [tuple(b) for b in boxes[keep].tolist()]
    quad_rows = [tuple(q) for q in quads[keep].tolist()]
    return list(zip(box_rows, quad_rows, strict=True))
