"""A gallery-wrapped canvas on a wall, seen from the left: the print runs round its edge."""

from __future__ import annotations

import kit
import numpy as np
import props
import shapes

TEMPLATE = {
    "id": "canvas",
    "name": "Stretched canvas, wrapped edges",
    "product": "canvas",
    "size": [3000, 2250],
    "fit": "cover",
    "substrate": "#ffffff",
    "weave": {"kind": "plain", "threads_per_cm": 6, "depth": 0.12},  # artist's canvas
}
WIDTH, HEIGHT, DEPTH = 0.6, 0.8, 0.038
CENTRE_Z = 1.5


def canvas(material):
    """Front and four sides, each a quad grid; a side's UVs mirror the print's border strip,
    as a gallery wrap folds the image round the stretcher bars."""
    w, h, d = WIDTH / 2, HEIGHT / 2, DEPTH
    n = 12
    vertices, uvs, faces = [], [], []

    def patch(corner, along, across, uv_of):
        start = len(vertices)
        for i in range(n):
            for j in range(n):
                a, b = i / (n - 1), j / (n - 1)
                point = np.array(corner) + a * np.array(along) + b * np.array(across)
                vertices.append(point)
                uvs.append(uv_of(point))
        faces.extend((start + f[0], start + f[1], start + f[2], start + f[3])
                     for f in shapes.grid_faces(n, n))  # fmt: skip

    def front_uv(p):
        return ((p[0] + w) / WIDTH, (p[2] + h) / HEIGHT)

    patch((-w, -d, -h), (0, 0, 2 * h), (2 * w, 0, 0), front_uv)
    patch(
        (-w, 0, -h), (0, 0, 2 * h), (0, -d, 0), lambda p: ((p[1] + d) / WIDTH, (p[2] + h) / HEIGHT)
    )
    patch(
        (w, -d, -h),
        (0, 0, 2 * h),
        (0, d, 0),
        lambda p: (1 - (p[1] + d) / WIDTH, (p[2] + h) / HEIGHT),
    )
    patch(
        (-w, -d, h),
        (2 * w, 0, 0),
        (0, d, 0),
        lambda p: ((p[0] + w) / WIDTH, 1 - (p[1] + d) / HEIGHT),
    )
    patch(
        (-w, 0, -h), (2 * w, 0, 0), (0, -d, 0), lambda p: ((p[0] + w) / WIDTH, (p[1] + d) / HEIGHT)
    )
    obj = shapes.mesh_object("canvas", vertices, faces, np.array(uvs), material)
    joined(obj)
    obj.location = (0, -0.004, CENTRE_Z)
    return obj


def joined(obj):
    """The five patches as one surface: their shared edges welded."""
    import bmesh

    mesh = bmesh.new()
    mesh.from_mesh(obj.data)
    bmesh.ops.remove_doubles(mesh, verts=mesh.verts, dist=1e-6)
    mesh.to_mesh(obj.data)
    mesh.free()
    for polygon in obj.data.polygons:
        polygon.use_smooth = False


def stretched_canvas():
    """The print's carrier with its edges rounded in the shading, as the cloth rounds over
    the stretcher bars (2.5 mm): the threads come from the template's weave."""
    material = kit.carrier_white(roughness=0.85)
    nodes = material.node_tree
    bevel = nodes.nodes.new("ShaderNodeBevel")
    bevel.samples = 6
    bevel.inputs["Radius"].default_value = 0.0025
    nodes.links.new(bevel.outputs["Normal"], nodes.nodes["Principled BSDF"].inputs["Normal"])
    return material


def room():
    """The wall the canvas hangs on, a sideboard below it with a vase, a bowl and a candle."""
    kit.box("wall", (6.0, 0.1, 3.2), (0, 0.05, 1.6), kit.plaster("#e4ddd2"), bevel=0)
    floor = kit.wood(light="#b8906a", dark="#7c583a", roughness=0.4, board=(1.4, 0.15), turn=90)
    kit.box("floor", (6.0, 4.0, 0.1), (0, -2.0, -0.05), floor, bevel=0)
    cabinet = kit.matte("#3f4a45", 0.45, name="cabinet")
    kit.box("sideboard", (1.5, 0.42, 0.72), (0.05, -0.22, 0.36), cabinet, 0.01)
    top = kit.wood(light="#b58a5e", dark="#7a5534", board=(1.54, 0.23))
    kit.box("sideboard-top", (1.54, 0.45, 0.03), (0.05, -0.225, 0.735), top, 0.004)
    props.vase("vase", (-0.45, -0.22, 0.75), height=0.24, radius=0.085, glaze="#c9b9a3",
               roughness=0.5)  # fmt: skip
    props.bowl("bowl", (0.42, -0.2, 0.75), radius=0.12, height=0.05)
    props.candle("candle", (0.16, -0.16, 0.75), radius=0.035, height=0.1)


def build() -> kit.Shot:
    room()
    surface = canvas(stretched_canvas())
    kit.hdri("interior", 0.9, key_from=330)
    kit.area_light("window", (3.4, -2.2, 2.4), (0, 0, 1.4), 2.6, 700, "#fff2e1", 1.8,
                   reflected=False)  # fmt: skip
    kit.camera((-1.05, -2.45, 1.42), (0.02, 0, 1.38), lens=50, focus=surface, fstop=5.6)
    return kit.Shot(carrier=surface, print_size=(60, 80), map_reduction=2)
