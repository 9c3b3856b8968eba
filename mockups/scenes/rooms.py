"""Paper products in rooms: framed print, poster, greeting card, canvas, desk frame."""

from __future__ import annotations

import numpy as np

from mockups.geometry import rect_quad
from mockups.scenes.draw import (
    Plane,
    corners,
    grey,
    paint,
    polygon_mask,
    shading_gradient,
    soft_shadow,
    to_image,
    wall,
    wood,
)


def framed_wall() -> dict:
    size = (3000, 2250)
    shape = (size[1], size[0])
    canvas = wall(shape, (226, 220, 208), seed=11)
    canvas[1900:] = wood((shape[0] - 1900, size[0]), seed=12) * 0.9
    canvas[1880:1900] = (236, 232, 224)
    frame = Plane(1000, 1300, ((1030, 270), (2010, 330), (1990, 1660), (1020, 1700)))
    outer = frame.rect(0, 0, 1000, 1300)
    canvas *= soft_shadow(size, outer, (22, 30), 28, 0.45)[..., None]
    paint(canvas, outer, (38, 34, 31))
    paint(canvas, frame.rect(60, 60, 880, 1180), (246, 244, 238))
    paint(canvas, frame.rect(140, 140, 720, 1020), (214, 210, 202))
    print_quad = frame.rect(148, 148, 704, 1004)
    shading = np.full(shape, 255.0, np.float32)
    glass = shading_gradient(shape, (0.3, 0.0), 0.86)
    inner_shadow = soft_shadow(size, frame.rect(140, 120, 720, 40), (0, 0), 8, 0.25)
    shading = glass * inner_shadow
    y, x = np.mgrid[0 : shape[0], 0 : shape[1]].astype(np.float32)
    glare = np.exp(-(((x - 0.8 * y - 1160) / 120.0) ** 2)) * 46.0
    glare *= np.asarray(polygon_mask(size, frame.rect(60, 60, 880, 1180)), np.float32) / 255.0
    canvas += glare[..., None] * 0.5
    return {
        "id": "framed-wall",
        "manifest": {
            "name": "Framed print on a wall",
            "product": "framed-print",
            "size": list(size),
            "placement": {
                "type": "perspective",
                "corners": corners(print_quad),
            },
            "fit": "cover",
            "substrate": "#ffffff",
        },
        "scene": to_image(canvas),
        "shading": grey(shading),
        "highlight": grey(glare),
    }


def poster() -> dict:
    size = (2400, 3000)
    shape = (size[1], size[0])
    canvas = wall(shape, (150, 168, 150), seed=21)
    left, top, width, height = 500, 520, 1400, 1960
    border = 40
    sheet = rect_quad(left - border, top - border, width + 2 * border, height + 2 * border)
    canvas *= soft_shadow(size, sheet, (10, 16), 14, 0.35)[..., None]
    paint(canvas, sheet, (244, 243, 238))
    tape = [
        rect_quad(left + 80, top - 70, 220, 110),
        rect_quad(left + width - 300, top - 70, 220, 110),
    ]
    mask = np.full(shape, 255.0, np.float32)
    for strip in tape:
        paint(canvas, strip, (236, 228, 200))
        strip_mask = np.asarray(polygon_mask(size, strip), np.float32) / 255.0
        mask *= 1.0 - 0.7 * strip_mask
    ripple = np.sin(np.linspace(0, 5 * np.pi, shape[0], dtype=np.float32))[:, None]
    shading = shading_gradient(shape, (0.25, 0.05), 0.88) * (1.0 - 0.015 * (1 + ripple))
    return {
        "id": "poster",
        "manifest": {
            "name": "Poster taped to a wall",
            "product": "poster",
            "size": list(size),
            "placement": {"type": "rect", "box": [left, top, width, height]},
            "fit": "cover",
            "substrate": "#ffffff",
        },
        "scene": to_image(canvas),
        "mask": grey(mask),
        "shading": grey(shading),
    }


def greeting_card() -> dict:
    size = (3000, 2000)
    shape = (size[1], size[0])
    canvas = wood(shape, seed=31)
    table = Plane(1000, 1000, ((600, 250), (2550, 250), (2950, 1950), (150, 1950)))
    envelope = table.rect(560, 380, 360, 480)
    canvas *= soft_shadow(size, envelope, (6, 10), 10, 0.4)[..., None]
    paint(canvas, envelope, (196, 160, 118))
    card_plane = table.rect(150, 300, 450, 630)
    canvas *= soft_shadow(size, card_plane, (8, 12), 12, 0.5)[..., None]
    paint(canvas, card_plane, (250, 249, 246))
    shading = shading_gradient(shape, (0.35, 0.2), 0.84)
    return {
        "id": "greeting-card",
        "manifest": {
            "name": "Greeting card on a table",
            "product": "greeting-card",
            "size": list(size),
            "placement": {
                "type": "perspective",
                "corners": corners(card_plane),
            },
            "fit": "cover",
            "substrate": "#ffffff",
        },
        "scene": to_image(canvas),
        "shading": grey(shading),
    }


def desk_frame() -> dict:
    size = (3000, 2250)
    shape = (size[1], size[0])
    room = wall(shape, (208, 214, 220), seed=101)
    room[1420:] = wood((shape[0] - 1420, size[0]), seed=102) * 1.05
    frame = Plane(600, 800, ((1280, 520), (1880, 545), (1872, 1440), (1286, 1452)))
    outer = frame.rect(0, 0, 600, 800)
    foot = ((1300, 1452), (1880, 1440), (2010, 1520), (1420, 1540))
    room *= soft_shadow(size, foot, (0, 6), 26, 0.55)[..., None]
    paint(room, outer, (196, 160, 112))
    paint(room, frame.rect(34, 34, 532, 732), (166, 128, 84))
    paint(room, frame.rect(48, 48, 504, 704), (244, 242, 236))
    print_quad = frame.rect(92, 92, 416, 616)
    grain = wood(shape, seed=103) / 150.0
    room_frame = np.asarray(polygon_mask(size, outer), np.float32)[..., None] / 255.0
    room *= 1.0 + room_frame * 0.08 * (grain - grain.mean())
    y, x = np.mgrid[0 : shape[0], 0 : shape[1]].astype(np.float32)
    glare = np.exp(-(((x - 0.9 * y - 280) / 90.0) ** 2)) * 70.0
    glare *= np.asarray(polygon_mask(size, frame.rect(48, 48, 504, 704)), np.float32) / 255.0
    room += glare[..., None] * 0.6
    shading = shading_gradient(shape, (0.35, 0.1), 0.86)
    shading *= soft_shadow(size, frame.rect(92, 80, 416, 30), (0, 0), 6, 0.2)
    return {
        "id": "desk-frame",
        "manifest": {
            "name": "Photo frame on a desk",
            "product": "desk-frame",
            "size": list(size),
            "placement": {"type": "perspective", "corners": corners(print_quad)},
            "fit": "cover",
            "substrate": "#ffffff",
        },
        "scene": to_image(room),
        "shading": grey(shading),
        "highlight": grey(glare),
    }
