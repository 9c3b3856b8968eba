"""The studio every scene script builds on; runs inside Blender's Python (bpy and numpy only).

Geometry helpers (boxes with soft bevels, planes with a print's UVs), procedural materials
(plaster, wood and oak, linen, ceramic, paper, glass, leaf, soil: noise and wave textures, no
image files), soft lights, a camera with depth of field, and the three renders a template
needs: the beauty image, a matte one (no gloss, no glass) for the shading, and a data render
in which the print carrier emits its own UV so the filtered pixels give an antialiased print
map and coverage.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import bpy
import numpy as np

SEED = 14
CARRIER_ALBEDO = 0.86  # the white of paper, primed canvas, cotton or glaze under the print


@dataclass
class Shot:
    """What a scene script hands back: its print carrier and how the template is made."""

    carrier: bpy.types.Object
    print_size: tuple[int, int]
    glossy: list = field(default_factory=list)  # objects hidden in the matte render (glass)
    glossy_carrier: bool = False  # a glaze or gloss case: its highlight is rendered apart
    product: list = field(default_factory=list)  # objects tinted by colour variants
    exposure: float = 0.0  # stops, applied when the template is built
    map_reduction: int = 4


def reset(seed: int = SEED) -> bpy.types.Scene:
    bpy.ops.wm.read_factory_settings(use_empty=True)
    scene = bpy.context.scene
    scene.render.engine = "CYCLES"
    scene.cycles.device = "CPU"
    scene.cycles.seed = seed
    scene.cycles.use_animated_seed = False
    scene.render.threads_mode = "FIXED"
    scene.render.threads = 2
    scene.render.resolution_percentage = 100
    scene.render.use_persistent_data = False
    return scene


# --- geometry ---------------------------------------------------------------------------


def box(name, size, location, material, bevel=0.004, segments=3, subdivide=0, rotation=None):
    bpy.ops.mesh.primitive_cube_add(size=1, location=location)
    obj = bpy.context.active_object
    obj.name = name
    obj.scale = size
    if rotation:
        obj.rotation_euler = rotation
    bpy.ops.object.transform_apply(location=False, rotation=False, scale=True)
    if bevel:
        modifier = obj.modifiers.new("bevel", "BEVEL")
        modifier.width = bevel
        modifier.segments = segments
        modifier.limit_method = "NONE"
    if subdivide:
        subsurf(obj, subdivide)
    smooth(obj)
    assign(obj, material)
    return obj


def plane(name, width, height, location, rotation, material, cuts=0):
    """A width x height plane; its UVs run 0..1 with u rightwards and v upwards."""
    bpy.ops.mesh.primitive_plane_add(size=1, location=location, rotation=rotation)
    obj = bpy.context.active_object
    obj.name = name
    obj.scale = (width, height, 1)
    bpy.ops.object.transform_apply(location=False, rotation=False, scale=True)
    if cuts:
        bpy.ops.object.mode_set(mode="EDIT")
        bpy.ops.mesh.subdivide(number_cuts=cuts)
        bpy.ops.object.mode_set(mode="OBJECT")
    assign(obj, material)
    return obj


def cylinder(name, radius, depth, location, material, vertices=96):
    bpy.ops.mesh.primitive_cylinder_add(
        vertices=vertices, radius=radius, depth=depth, location=location
    )
    obj = bpy.context.active_object
    obj.name = name
    smooth(obj)
    assign(obj, material)
    return obj


def subsurf(obj, levels=1):
    """Catmull-Clark subdivision, without pushing vertices to the limit surface: the same
    smoothness at level 1, and seconds faster on the cloth's irregular triangles."""
    modifier = obj.modifiers.new("subdivide", "SUBSURF")
    modifier.levels = modifier.render_levels = levels
    modifier.use_limit_surface = False
    return modifier


def smooth(obj) -> None:
    for polygon in obj.data.polygons:
        polygon.use_smooth = True


def assign(obj, material) -> None:
    if material is not None:
        obj.data.materials.clear()
        obj.data.materials.append(material)


def set_uvs(obj, uv_of_vertex) -> None:
    """UVs from a function of each loop's vertex position (object space)."""
    mesh = obj.data
    layer = mesh.uv_layers.active or mesh.uv_layers.new()
    for loop in mesh.loops:
        layer.data[loop.index].uv = uv_of_vertex(mesh.vertices[loop.vertex_index].co)


# --- materials --------------------------------------------------------------------------


class Nodes:
    """A material's node tree with terse helpers to add and link nodes."""

    def __init__(self, name: str):
        self.material = bpy.data.materials.new(name)
        self.material.use_nodes = True
        self.tree = self.material.node_tree
        self.bsdf = self.tree.nodes["Principled BSDF"]

    def add(self, kind: str, **settings):
        node = self.tree.nodes.new(kind)
        for key, value in settings.items():
            setattr(node, key, value)
        return node

    def link(self, output, node_input) -> None:
        self.tree.links.new(output, node_input)

    def set(self, **inputs):
        for key, value in inputs.items():
            self.bsdf.inputs[key.replace("_", " ")].default_value = value
        return self

    def coordinates(self, scale=(1, 1, 1), space="Object"):
        texcoord = self.add("ShaderNodeTexCoord")
        mapping = self.add("ShaderNodeMapping")
        mapping.inputs["Scale"].default_value = scale
        self.link(texcoord.outputs[space], mapping.inputs["Vector"])
        return mapping.outputs["Vector"]

    def noise(self, vector, scale, detail=6.0, distortion=0.0, roughness=0.55):
        node = self.add("ShaderNodeTexNoise")
        node.inputs["Scale"].default_value = scale
        node.inputs["Detail"].default_value = detail
        node.inputs["Distortion"].default_value = distortion
        node.inputs["Roughness"].default_value = roughness
        self.link(vector, node.inputs["Vector"])
        return node.outputs["Fac"]

    def ramp(self, fac, low, high, positions=(0.3, 0.7)):
        node = self.add("ShaderNodeValToRGB")
        elements = node.color_ramp.elements
        elements[0].position, elements[1].position = positions
        elements[0].color, elements[1].color = (*low, 1), (*high, 1)
        self.link(fac, node.inputs["Fac"])
        return node.outputs["Color"]

    def bump(self, height, strength, distance=0.01):
        node = self.add("ShaderNodeBump")
        node.inputs["Strength"].default_value = strength
        node.inputs["Distance"].default_value = distance
        self.link(height, node.inputs["Height"])
        self.link(node.outputs["Normal"], self.bsdf.inputs["Normal"])

    def multiply(self, a, b):
        node = self.add("ShaderNodeMath", operation="MULTIPLY")
        self.link(a, node.inputs[0])
        self.link(b, node.inputs[1])
        return node.outputs[0]

    def add_values(self, a, b):
        node = self.add("ShaderNodeMath", operation="ADD")
        self.link(a, node.inputs[0])
        self.link(b, node.inputs[1])
        return node.outputs[0]

    def in_contact(self, colour, distance=0.025, depth=0.5):
        """`colour` darkened where other objects come within `distance`: the contact shadow
        under what stands on a surface (the light there has few ways in; an ambient
        occlusion term, as product photographs' soft light shows it)."""
        occlusion = self.add("ShaderNodeAmbientOcclusion", samples=4, only_local=False)
        occlusion.inputs["Distance"].default_value = distance
        darker = self.ramp(occlusion.outputs["AO"], (1.0 - depth,) * 3, (1.0,) * 3, (0.0, 1.0))
        return self.mix_colour(colour, darker)

    def mix_colour(self, a, b, blend="MULTIPLY"):
        node = self.add("ShaderNodeMix", data_type="RGBA", blend_type=blend)
        node.inputs[0].default_value = 1.0
        self.link(a, node.inputs[6])
        self.link(b, node.inputs[7])
        return node.outputs[2]

    def wave(self, vector, scale, direction="X", distortion=0.0):
        node = self.add("ShaderNodeTexWave", wave_type="BANDS", bands_direction=direction)
        node.inputs["Scale"].default_value = scale
        node.inputs["Distortion"].default_value = distortion
        self.link(vector, node.inputs["Vector"])
        return node.outputs["Fac"]


def srgb(hex_colour: str) -> tuple[float, float, float]:
    """A display colour as Blender's linear RGB."""
    values = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    return tuple(v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4 for v in values)


def shade(colour, factor):
    return tuple(c * factor for c in colour)


def plaster(colour="#e9e4dc", sheen=0.35):
    """A painted plaster wall: the trowel's faint undulation and tone, a paint roller's fine
    orange-peel stipple (about 1.5 mm), eggshell paint that takes a soft sheen."""
    nodes = Nodes("plaster")
    base = srgb(colour)
    vector = nodes.coordinates()
    mottle = nodes.noise(vector, 1.2, detail=3)
    colour = nodes.ramp(mottle, shade(base, 0.975), shade(base, 1.015))
    nodes.link(nodes.in_contact(colour, 0.04), nodes.bsdf.inputs[0])
    stipple = nodes.noise(vector, 650.0, detail=2, roughness=0.5)
    trowel = nodes.noise(vector, 9.0, detail=3)
    nodes.bump(nodes.add_values(stipple, nodes.multiply(trowel, constant(nodes, 3.0))), 0.25,
               0.0004)  # fmt: skip
    return nodes.set(Roughness=0.62, Specular_IOR_Level=sheen).material


def wood(light="#b58a5e", dark="#7a5534", roughness=0.4, board=(1.4, 0.16), turn=0.0, coat=0.15):
    """Boards of `board` (length, width) metres laid along the object's X (turned `turn`
    degrees about Z), their ends staggered, each board its own tone and figure: growth rings
    meandering along it, open pores in streaks, hairline seams between boards."""
    nodes = Nodes("wood")
    vector = nodes.coordinates()
    if turn:
        rotate = nodes.add("ShaderNodeVectorRotate", rotation_type="Z_AXIS")
        rotate.inputs["Angle"].default_value = math.radians(turn)
        nodes.link(vector, rotate.inputs["Vector"])
        vector = rotate.outputs["Vector"]
    boards = nodes.add("ShaderNodeTexBrick", offset=0.37, offset_frequency=1)
    for key, value in (("Color1", (0, 0, 0, 1)), ("Color2", (1, 1, 1, 1)),
                       ("Mortar", (0, 0, 0, 1)), ("Scale", 1.0), ("Mortar Size", 0.0008),
                       ("Mortar Smooth", 0.4), ("Bias", 0.0), ("Brick Width", board[0]),
                       ("Row Height", board[1])):  # fmt: skip
        boards.inputs[key].default_value = value
    nodes.link(vector, boards.inputs["Vector"])
    tone = nodes.add("ShaderNodeRGBToBW")
    nodes.link(boards.outputs["Color"], tone.inputs[0])
    shifted = nodes.add("ShaderNodeVectorMath", operation="MULTIPLY_ADD")
    nodes.link(tone.outputs[0], shifted.inputs[0])
    shifted.inputs[1].default_value = (37.0, 11.0, 23.0)
    nodes.link(vector, shifted.inputs[2])
    grain = shifted.outputs[0]
    stretch = nodes.add("ShaderNodeVectorMath", operation="MULTIPLY")
    nodes.link(grain, stretch.inputs[0])
    stretch.inputs[1].default_value = (0.12, 1.0, 1.0)
    rings = nodes.add("ShaderNodeTexWave", wave_type="BANDS", bands_direction="Y",
                      wave_profile="SAW")  # fmt: skip
    for key, value in (("Scale", 45.0), ("Distortion", 9.0), ("Detail", 3.0),
                       ("Detail Scale", 1.2), ("Detail Roughness", 0.6)):  # fmt: skip
        rings.inputs[key].default_value = value
    nodes.link(stretch.outputs[0], rings.inputs["Vector"])
    figure = nodes.noise(scaled(nodes, grain, (1.2, 14.0, 14.0)), 1.0, detail=4)
    pores = nodes.noise(scaled(nodes, grain, (25.0, 1400.0, 1400.0)), 1.0, detail=2)
    body = nodes.ramp(figure, srgb(dark), srgb(light), positions=(0.25, 0.75))
    late = nodes.ramp(rings.outputs["Fac"], (1.0,) * 3, (0.78,) * 3, positions=(0.55, 1.0))
    open_pores = nodes.ramp(pores, (0.8,) * 3, (1.0,) * 3, positions=(0.3, 0.55))
    board_tone = nodes.ramp(tone.outputs[0], (0.86,) * 3, (1.08,) * 3, positions=(0.0, 1.0))
    seam = nodes.ramp(boards.outputs["Fac"], (1.0,) * 3, (0.45,) * 3, positions=(0.0, 1.0))
    colour = body
    for factor in (late, open_pores, board_tone, seam):
        colour = nodes.mix_colour(colour, factor)
    nodes.link(nodes.in_contact(colour), nodes.bsdf.inputs["Base Color"])
    height = nodes.add_values(
        nodes.multiply(pores, constant(nodes, 0.6)),
        nodes.multiply(boards.outputs["Fac"], constant(nodes, -2.0)),
    )
    nodes.bump(height, 0.25, 0.0004)
    gloss = nodes.add("ShaderNodeMapRange")
    nodes.link(pores, gloss.inputs["Value"])
    gloss.inputs["To Min"].default_value = roughness + 0.12
    gloss.inputs["To Max"].default_value = roughness - 0.05
    nodes.link(gloss.outputs["Result"], nodes.bsdf.inputs["Roughness"])
    return nodes.set(Coat_Weight=coat, Coat_Roughness=0.3).material


def scaled(nodes: Nodes, vector, scale):
    node = nodes.add("ShaderNodeVectorMath", operation="MULTIPLY")
    nodes.link(vector, node.inputs[0])
    node.inputs[1].default_value = scale
    return node.outputs[0]


def oak(light="#c9a070", dark="#976c44", roughness=0.38):
    """Sawn oak whose grain runs along each object's own X (a frame's moulding pieces), the
    figure shifted per object so no two pieces repeat."""
    nodes = Nodes("oak")
    along = nodes.add("ShaderNodeVectorMath", operation="ADD")
    nodes.link(nodes.coordinates(scale=(4.0, 90.0, 90.0)), along.inputs[0])
    offset = nodes.add("ShaderNodeMath", operation="MULTIPLY")
    nodes.link(nodes.add("ShaderNodeObjectInfo").outputs["Random"], offset.inputs[0])
    offset.inputs[1].default_value = 37.0
    nodes.link(offset.outputs[0], along.inputs[1])
    figure = nodes.noise(along.outputs[0], 2.5, detail=8, distortion=3.0, roughness=0.6)
    pores = nodes.noise(nodes.coordinates(scale=(30.0, 1500.0, 1500.0)), 1.0, detail=2)
    lines = nodes.wave(along.outputs[0], 420.0 / 90.0, "Z", distortion=6.0)  # growth rings
    colour = nodes.ramp(figure, srgb(dark), srgb(light), positions=(0.3, 0.7))
    flecks = nodes.ramp(pores, (0.82, 0.82, 0.82), (1.0, 1.0, 1.0), positions=(0.35, 0.6))
    rings = nodes.ramp(lines, (1.0, 1.0, 1.0), (0.72, 0.72, 0.72), positions=(0.75, 1.0))
    tinted = nodes.add("ShaderNodeVectorMath", operation="MULTIPLY")
    nodes.link(colour, tinted.inputs[0])
    nodes.link(nodes.multiply(flecks, rings), tinted.inputs[1])
    nodes.link(tinted.outputs[0], nodes.bsdf.inputs["Base Color"])
    nodes.bump(nodes.multiply(figure, pores), 0.15, 0.0006)
    return nodes.set(Roughness=roughness, Coat_Weight=0.2, Coat_Roughness=0.3).material


def linen(colour="#c8bfb0", threads=260.0, sheen=0.5, weave=None):
    """Woven linen or cotton as a room's distance sees it: slubbed threads running two ways
    (noise drawn out along each axis, so no periodic weave beats against the pixels into
    rings), a soft sheen at grazing angles. `threads`: how fine, per metre."""
    del weave  # an older name for `threads`
    nodes = Nodes("linen")
    base = srgb(colour)
    vector = nodes.coordinates()
    fine, long = threads, threads / 5.5
    streaks = [
        nodes.noise(scaled(nodes, vector, scale), 1.0, detail=2)
        for scale in ((long, fine, fine), (fine, long, fine), (fine, fine, long))
    ]
    total = nodes.add_values(nodes.add_values(streaks[0], streaks[1]), streaks[2])
    mean = nodes.multiply(total, constant(nodes, 1.0 / 3.0))
    colour = nodes.ramp(mean, shade(base, 0.92), shade(base, 1.05), positions=(0.38, 0.62))
    nodes.link(nodes.in_contact(colour), nodes.bsdf.inputs[0])
    nodes.bump(mean, 0.3, 0.0008)
    return nodes.set(Roughness=0.92, Sheen_Weight=sheen, Sheen_Roughness=0.35).material


def stitches(nodes: Nodes, rows=(0.85,), length=0.0035, width=0.03, uv_map=""):
    """Height 0..1 of lines of stitching on UVs (u metres along, v 0..1 across; the layer
    `uv_map`, else the active one): dashes `length` long, one row at each v in `rows`."""
    uv = nodes.add("ShaderNodeSeparateXYZ")
    nodes.link(nodes.add("ShaderNodeUVMap", uv_map=uv_map).outputs["UV"], uv.inputs[0])
    dash = nodes.add("ShaderNodeMath", operation="PINGPONG")
    nodes.link(nodes.multiply(uv.outputs["X"], constant(nodes, 1.0 / length)), dash.inputs[0])
    dash.inputs[1].default_value = 1.0
    on = nodes.ramp(dash.outputs[0], (0.0,) * 3, (1.0,) * 3, positions=(0.15, 0.45))
    total = None
    for row in rows:
        offset = nodes.add("ShaderNodeMath", operation="SUBTRACT")
        nodes.link(uv.outputs["Y"], offset.inputs[0])
        offset.inputs[1].default_value = row
        distance = nodes.add("ShaderNodeMath", operation="ABSOLUTE")
        nodes.link(offset.outputs[0], distance.inputs[0])
        line = nodes.ramp(distance.outputs[0], (1.0,) * 3, (0.0,) * 3, positions=(0.0, width))
        total = line if total is None else nodes.add_values(total, line)
    return nodes.multiply(on, total)


def stitched_canvas(colour="#efe5d0", rows=(0.85,), weave=700.0, uv_map=""):
    """Cotton canvas (a hem, a seam allowance) with lines of stitching along its UVs."""
    nodes = Nodes("stitched-canvas")
    vector = nodes.coordinates()
    warp, weft = nodes.wave(vector, weave, "X", 1.0), nodes.wave(vector, weave, "Z", 1.0)
    threads = nodes.multiply(warp, weft)
    height = nodes.multiply(threads, constant(nodes, 0.3))
    nodes.bsdf.inputs["Base Color"].default_value = (*srgb(colour), 1)
    if rows:
        seams = stitches(nodes, rows, uv_map=uv_map)
        nodes.link(nodes.ramp(seams, srgb(colour), shade(srgb(colour), 0.9), (0.0, 1.0)),
                   nodes.bsdf.inputs["Base Color"])  # fmt: skip
        height = nodes.add_values(height, seams)
    nodes.bump(height, 0.3, 0.0006)
    return nodes.set(Roughness=0.95, Sheen_Weight=0.3).material


def stitched_fabric(albedo=CARRIER_ALBEDO, rows=(0.62, 0.78), uv_map="seams"):
    """The product's own white cloth where it is hemmed or seamed (on `uv_map`: u metres
    along the seam, v 0 on it to 1 at its band's edge): lines of stitching, and the fold of
    the seam allowance as a low ridge along v = 0."""
    nodes = Nodes("stitched-fabric")
    seams = stitches(nodes, rows, uv_map=uv_map, width=0.035)
    uv = nodes.add("ShaderNodeSeparateXYZ")
    nodes.link(nodes.add("ShaderNodeUVMap", uv_map=uv_map).outputs["UV"], uv.inputs[0])
    fold = nodes.ramp(uv.outputs["Y"], (1.0,) * 3, (0.0,) * 3, positions=(0.0, 0.25))
    nodes.bump(nodes.add_values(seams, nodes.multiply(fold, constant(nodes, 1.5))), 0.35,
               0.0008)  # fmt: skip
    white = (albedo,) * 3 + (1,)
    return nodes.set(Base_Color=white, Roughness=0.95, Specular_IOR_Level=0.0).material


def rib_knit(albedo=CARRIER_ALBEDO, wales_per_cm=7.0):
    """A 1x1 rib knit (a collar) on UVs (u metres along the band): wales across the band."""
    nodes = Nodes("rib-knit")
    uv = nodes.add("ShaderNodeSeparateXYZ")
    nodes.link(nodes.add("ShaderNodeTexCoord").outputs["UV"], uv.inputs[0])
    ribs = nodes.add("ShaderNodeMath", operation="SINE")
    nodes.link(nodes.multiply(uv.outputs["X"], constant(nodes, 2 * math.pi * wales_per_cm * 100)),
               ribs.inputs[0])  # fmt: skip
    white = (albedo,) * 3 + (1,)
    nodes.bump(ribs.outputs[0], 0.45, 0.0005)
    return nodes.set(Base_Color=white, Roughness=0.95, Specular_IOR_Level=0.0).material


def bookcloth(colour="#2e3d52"):
    """A hardback's cloth-bound boards: a fine linen weave in the colour, a little worn
    lighter, slightly sheened."""
    nodes = Nodes("bookcloth")
    base = srgb(colour)
    vector = nodes.coordinates()
    warp, weft = nodes.wave(vector, 2600.0, "X", 2.0), nodes.wave(vector, 2600.0, "Y", 2.0)
    weave = nodes.multiply(warp, weft)
    wear = nodes.noise(vector, 30.0, detail=3)
    nodes.link(nodes.ramp(wear, shade(base, 0.92), shade(base, 1.08)), nodes.bsdf.inputs[0])
    nodes.bump(weave, 0.15, 0.0003)
    return nodes.set(Roughness=0.78, Sheen_Weight=0.3).material


def page_edges(colour="#efe7d6"):
    """A book's page block: its edges show the stacked leaves as fine lines along the
    boards (the object's Z is the stack), unevenly, a little darker between them."""
    nodes = Nodes("page-edges")
    vector = nodes.coordinates()
    leaves = nodes.add("ShaderNodeTexWave", wave_type="BANDS", bands_direction="Z")
    leaves.inputs["Scale"].default_value = 600.0
    leaves.inputs["Distortion"].default_value = 2.0
    leaves.inputs["Detail Scale"].default_value = 0.5
    nodes.link(vector, leaves.inputs["Vector"])
    gaps = nodes.noise(scaled(nodes, vector, (8.0, 8.0, 3000.0)), 1.0, detail=2)
    lines = nodes.multiply(leaves.outputs["Fac"], gaps)
    base = srgb(colour)
    nodes.link(nodes.ramp(lines, shade(base, 0.86), base, positions=(0.1, 0.5)),
               nodes.bsdf.inputs["Base Color"])  # fmt: skip
    nodes.bump(lines, 0.2, 0.0002)
    return nodes.set(Roughness=0.85).material


def wax(colour="#efe6d6"):
    """Candle wax: light scatters into it, so its edges glow softly."""
    base = (*srgb(colour), 1)
    nodes = Nodes("wax").set(Base_Color=base, Roughness=0.45, Subsurface_Weight=1.0,
                             Subsurface_Scale=0.006)  # fmt: skip
    nodes.bsdf.inputs["Subsurface Radius"].default_value = (1.0, 0.7, 0.45)
    nodes.bump(nodes.noise(nodes.coordinates(), 400.0, detail=2), 0.05, 0.0003)
    return nodes.material


def tape(colour="#efe6cf"):
    """Paper masking tape: matte crinkled paper that lets a little light through."""
    nodes = Nodes("tape")
    vector = nodes.coordinates()
    crinkle = nodes.noise(scaled(nodes, vector, (900.0, 300.0, 900.0)), 1.0, detail=3)
    nodes.bump(crinkle, 0.12, 0.0002)
    nodes.set(Base_Color=(*srgb(colour), 1), Roughness=0.62, Specular_IOR_Level=0.3)
    translucent = nodes.add("ShaderNodeBsdfTranslucent")
    translucent.inputs["Color"].default_value = (*srgb(colour), 1)
    mix = nodes.add("ShaderNodeMixShader")
    mix.inputs[0].default_value = 0.2
    nodes.link(nodes.bsdf.outputs[0], mix.inputs[1])
    nodes.link(translucent.outputs[0], mix.inputs[2])
    nodes.link(mix.outputs[0], nodes.tree.nodes["Material Output"].inputs["Surface"])
    return nodes.material


def webbing(colour="#efe5d0"):
    """Woven cotton strap on UVs (u metres along, v 0..1 across): twill ribs running along it,
    a row of stitches near each edge."""
    nodes = Nodes("webbing")
    uv = nodes.add("ShaderNodeTexCoord").outputs["UV"]
    twill = nodes.add("ShaderNodeTexWave", wave_type="BANDS", bands_direction="DIAGONAL")
    twill.inputs["Scale"].default_value = 1.0
    nodes.link(scaled(nodes, uv, (900.0, 22.0, 1.0)), twill.inputs["Vector"])
    ribs = nodes.wave(scaled(nodes, uv, (1.0, 1.0, 1.0)), 3.0, "Y")
    seams = stitches(nodes, (0.1, 0.9), length=0.004, width=0.025)
    height = nodes.add_values(nodes.add_values(twill.outputs["Fac"], ribs), seams)
    base = srgb(colour)
    nodes.link(nodes.ramp(twill.outputs["Fac"], shade(base, 0.93), base, positions=(0.2, 0.8)),
               nodes.bsdf.inputs["Base Color"])  # fmt: skip
    nodes.bump(height, 0.35, 0.0005)
    return nodes.set(Roughness=0.9, Sheen_Weight=0.4).material


def ceramic(colour="#f4f2ee", roughness=0.12):
    nodes = Nodes("ceramic")
    vector = nodes.coordinates()
    nodes.bump(nodes.noise(vector, 60.0, detail=2), 0.02, 0.002)
    return nodes.set(
        Base_Color=(*srgb(colour), 1), Roughness=roughness, Coat_Weight=1.0, Coat_Roughness=0.04
    ).material


def paper(colour="#f6f4ef", grain=500.0):
    nodes = Nodes("paper")
    vector = nodes.coordinates()
    nodes.bump(nodes.noise(vector, grain, detail=4), 0.06, 0.001)
    return nodes.set(Base_Color=(*srgb(colour), 1), Roughness=0.75).material


def leaf(dark="#2b4f27", light="#5b8a3c", vein="#8fb463", translucency=0.3):
    """A leaf on (t along the midrib, across 0..1) UVs: a lighter midrib and sunken side
    veins, slightly glossy, letting light through; each leaf's `tint` attribute (0..1) moves
    it between `dark` and `light`."""
    nodes = Nodes("leaf")
    uv = nodes.add("ShaderNodeSeparateXYZ")
    nodes.link(nodes.add("ShaderNodeTexCoord").outputs["UV"], uv.inputs[0])
    centred = nodes.add("ShaderNodeMath", operation="SUBTRACT")
    nodes.link(uv.outputs["Y"], centred.inputs[0])
    centred.inputs[1].default_value = 0.5
    across = nodes.add("ShaderNodeMath", operation="ABSOLUTE")
    nodes.link(centred.outputs[0], across.inputs[0])
    slant = nodes.add("ShaderNodeMath", operation="MULTIPLY_ADD")  # veins run out to the tip
    nodes.link(across.outputs[0], slant.inputs[0])
    slant.inputs[1].default_value = -5.0
    nodes.link(uv.outputs["X"], slant.inputs[2])
    wave = nodes.add("ShaderNodeMath", operation="SINE")
    nodes.link(nodes.multiply(slant.outputs[0], constant(nodes, 2 * math.pi * 7)), wave.inputs[0])
    veins = nodes.ramp(wave.outputs[0], (0.0,) * 3, (1.0,) * 3, positions=(0.82, 1.0))
    midrib = nodes.ramp(across.outputs[0], (1.0,) * 3, (0.0,) * 3, positions=(0.0, 0.04))
    tint = nodes.add("ShaderNodeAttribute", attribute_name="tint")
    mottle = nodes.noise(nodes.coordinates(scale=(1, 1, 1)), 60.0, detail=3)
    lightness = nodes.add("ShaderNodeMath", operation="MULTIPLY_ADD")
    nodes.link(mottle, lightness.inputs[0])
    lightness.inputs[1].default_value = 0.35
    nodes.link(tint.outputs["Fac"], lightness.inputs[2])
    body = nodes.ramp(lightness.outputs[0], srgb(dark), srgb(light), positions=(0.1, 1.1))
    ribbed = nodes.add("ShaderNodeMix", data_type="RGBA", blend_type="MIX")
    nodes.link(midrib, ribbed.inputs[0])
    nodes.link(body, ribbed.inputs[6])
    ribbed.inputs[7].default_value = (*srgb(vein), 1)
    veined = nodes.add("ShaderNodeMix", data_type="RGBA", blend_type="MIX")
    nodes.link(nodes.multiply(veins, constant(nodes, 0.35)), veined.inputs[0])
    nodes.link(ribbed.outputs[2], veined.inputs[6])
    veined.inputs[7].default_value = (*srgb(vein), 1)
    nodes.link(veined.outputs[2], nodes.bsdf.inputs["Base Color"])
    nodes.bump(nodes.multiply(veins, constant(nodes, -1.0)), 0.25, 0.0004)
    nodes.set(Roughness=0.38, Specular_IOR_Level=0.5, Coat_Weight=0.2, Coat_Roughness=0.2)
    translucent = nodes.add("ShaderNodeBsdfTranslucent")
    nodes.link(veined.outputs[2], translucent.inputs["Color"])
    mix = nodes.add("ShaderNodeMixShader")
    mix.inputs[0].default_value = translucency
    nodes.link(nodes.bsdf.outputs[0], mix.inputs[1])
    nodes.link(translucent.outputs[0], mix.inputs[2])
    nodes.link(mix.outputs[0], nodes.tree.nodes["Material Output"].inputs["Surface"])
    return nodes.material


def constant(nodes: Nodes, value: float):
    node = nodes.add("ShaderNodeValue")
    node.outputs[0].default_value = value
    return node.outputs[0]


def soil(colour="#3a2a1f"):
    nodes = Nodes("soil")
    base = srgb(colour)
    vector = nodes.coordinates()
    crumbs = nodes.noise(vector, 700.0, detail=4, roughness=0.7)
    nodes.link(nodes.ramp(crumbs, shade(base, 0.6), shade(base, 1.5)), nodes.bsdf.inputs[0])
    nodes.bump(crumbs, 0.6, 0.002)
    return nodes.set(Roughness=0.95).material


def glass(ior=1.5):
    """Thin glass (a frame's pane): reflects by Fresnel, lets light and shadows through."""
    nodes = Nodes("glass")
    nodes.tree.nodes.remove(nodes.bsdf)
    fresnel = nodes.add("ShaderNodeFresnel")
    fresnel.inputs["IOR"].default_value = ior
    mix = nodes.add("ShaderNodeMixShader")
    glossy = nodes.add("ShaderNodeBsdfGlossy")
    glossy.inputs["Roughness"].default_value = 0.0
    # Seen from inside, Fresnel turns to total internal reflection past 42 degrees, and the
    # transparent surfaces bend no ray: the pane's back face would mirror the room. Thin glass
    # reflects at its front face only.
    front = nodes.add("ShaderNodeMath", operation="SUBTRACT")
    front.inputs[0].default_value = 1.0
    nodes.link(nodes.add("ShaderNodeNewGeometry").outputs["Backfacing"], front.inputs[1])
    nodes.link(nodes.multiply(fresnel.outputs[0], front.outputs[0]), mix.inputs[0])
    nodes.link(nodes.add("ShaderNodeBsdfTransparent").outputs[0], mix.inputs[1])
    nodes.link(glossy.outputs[0], mix.inputs[2])
    nodes.link(mix.outputs[0], nodes.tree.nodes["Material Output"].inputs["Surface"])
    return nodes.material


def matte(colour: str, roughness=0.6, name="matte"):
    return Nodes(name).set(Base_Color=(*srgb(colour), 1), Roughness=roughness).material


def carrier_white(roughness=0.7, coat=0.0, name="carrier", texture=None):
    """The product's white under the print: its light becomes the template's shading.

    `texture` gives it the surface the print takes: "paper" grain, "canvas" or "cotton" weave.
    """
    white = (CARRIER_ALBEDO,) * 3 + (1,)
    specular = 0.5 if coat else 0.0
    nodes = Nodes(name).set(Base_Color=white, Roughness=roughness, Coat_Weight=coat)
    if texture == "paper":
        nodes.bump(nodes.noise(nodes.coordinates(), 900.0, detail=3), 0.05, 0.001)
    elif texture in ("canvas", "cotton"):
        vector = nodes.coordinates()
        weave = 700.0 if texture == "canvas" else 1400.0
        warp = nodes.wave(vector, weave, "X", distortion=1.0)
        weft = nodes.wave(vector, weave, "Y", distortion=1.0)
        nodes.bump(nodes.multiply(warp, weft), 0.25, 0.0006)
    return nodes.set(Specular_IOR_Level=specular).material


# --- light and camera -------------------------------------------------------------------


def world(colour="#dfe6ee", strength=0.35):
    scene = bpy.context.scene
    scene.world = scene.world or bpy.data.worlds.new("world")
    scene.world.use_nodes = True
    background = scene.world.node_tree.nodes["Background"]
    background.inputs["Color"].default_value = (*srgb(colour), 1)
    background.inputs["Strength"].default_value = strength
    return scene.world


# The bpy wheel's CC0 Poly Haven HDRIs (1K): hotel_room, studio_small_01, courtyard, ...
HDRI_DIR = Path(bpy.utils.system_resource("DATAFILES", path="studiolights/world"))
# Azimuth (degrees, counter-clockwise from +X) of each HDRI's light, weighted by brightness
# with its few pixel-sized lamps left out: where its window or open sky is.
HDRI_KEY = {"interior": -35.0, "studio": -81.0, "courtyard": 22.5, "city": -33.0,
            "forest": -56.0, "sunrise": -40.0, "sunset": -27.0, "night": 125.0}  # fmt: skip


LAMP_CAP = 20.0  # the hotel room's window reaches 19; its lamps' pixels, tens of thousands


def hdri(name="interior", strength=1.0, key_from=225.0, neutral=0.8):
    """Light and reflections from one of the wheel's HDRIs, turned so its key light (a
    window, the sky) comes from azimuth `key_from` (degrees, counter-clockwise from +X:
    225 is from the camera's left, in front of a wall that faces -Y). `neutral` white-
    balances it that far (0 keeps a hotel room's warm lamps, 1 makes its average grey), as a
    photographer sets the camera's white balance."""
    nodes = world("#ffffff", strength).node_tree
    environment = nodes.nodes.new("ShaderNodeTexEnvironment")
    environment.image = bpy.data.images.load(str(HDRI_DIR / f"{name}.exr"), check_existing=True)
    mapping = nodes.nodes.new("ShaderNodeMapping")
    mapping.inputs["Rotation"].default_value = (0, 0, math.radians(HDRI_KEY[name] - key_from))
    nodes.links.new(nodes.nodes.new("ShaderNodeTexCoord").outputs["Generated"],
                    mapping.inputs["Vector"])  # fmt: skip
    nodes.links.new(mapping.outputs["Vector"], environment.inputs["Vector"])
    balance = nodes.nodes.new("ShaderNodeMix")
    balance.data_type, balance.blend_type = "RGBA", "MULTIPLY"
    balance.inputs[0].default_value = 1.0
    balance.inputs[7].default_value = (*white_balance(environment.image, neutral), 1.0)
    # the room's few ceiling lamps, a pixel wide and thousands bright, would glint in glass
    # and glaze as white specks on the print: capped at a bright window's level
    capped = nodes.nodes.new("ShaderNodeVectorMath")
    capped.operation = "MINIMUM"
    capped.inputs[1].default_value = (LAMP_CAP,) * 3
    nodes.links.new(environment.outputs["Color"], capped.inputs[0])
    nodes.links.new(capped.outputs[0], balance.inputs[6])
    nodes.links.new(balance.outputs[2], nodes.nodes["Background"].inputs["Color"])


def world_map(resolution: int) -> None:
    """The world light sampled by an importance map `resolution` px wide: Blender computes
    it from the HDRI (1024 x 512) for every render, 1.7 s of a tiny test render's 2.1."""
    world = bpy.context.scene.world
    if world is None:
        return  # no world light to sample
    cycles = world.cycles
    cycles.sampling_method = "MANUAL"
    cycles.sample_map_resolution = resolution


def white_balance(image, amount: float) -> tuple[float, float, float]:
    """The gains that take `amount` of the way from an HDRI's average colour to grey."""
    pixels = np.empty(image.size[0] * image.size[1] * 4, dtype=np.float32)
    image.pixels.foreach_get(pixels)
    rgb = np.nan_to_num(pixels.reshape(-1, 4)[:, :3])
    mean = np.minimum(rgb, 50.0).mean(axis=0)  # its few lamp pixels left out
    gains = (mean @ np.array([0.2126, 0.7152, 0.0722])) / np.maximum(mean, 1e-6)
    return tuple(float(g) for g in gains**amount)


def sun(direction_from, strength=3.0, angle_degrees=1.5, colour="#fff0dc"):
    """Sunlight from `direction_from` (a vector toward the sun): sharp-edged, warm."""
    from mathutils import Vector

    light = bpy.data.lights.new("sun", "SUN")
    light.energy = strength
    light.angle = math.radians(angle_degrees)
    light.color = srgb(colour)
    obj = bpy.data.objects.new("sun", light)
    bpy.context.collection.objects.link(obj)
    obj.rotation_euler = Vector(direction_from).to_track_quat("Z", "Y").to_euler()
    return obj


def area_light(name, location, target, size, energy, colour="#fff4e6", size_y=None, reflected=True):
    light = bpy.data.lights.new(name, "AREA")
    light.energy = energy
    light.color = srgb(colour)
    if size_y is None:
        light.shape, light.size = "DISK", size
    else:
        light.shape, light.size, light.size_y = "RECTANGLE", size, size_y
    obj = bpy.data.objects.new(name, light)
    bpy.context.collection.objects.link(obj)
    obj.location = location
    obj.visible_glossy = reflected
    aim(obj, target)
    return obj


def aim(obj, target) -> None:
    direction = (
        target[0] - obj.location[0],
        target[1] - obj.location[1],
        target[2] - obj.location[2],
    )
    from mathutils import Vector

    obj.rotation_euler = Vector(direction).to_track_quat("-Z", "Y").to_euler()


def marker(name, location):
    """An empty at `location`: what a camera focuses on when that is not an object's origin."""
    obj = bpy.data.objects.new(name, None)
    bpy.context.collection.objects.link(obj)
    obj.location = location
    return obj


def camera(location, target, lens=50.0, focus=None, fstop=4.0):
    data = bpy.data.cameras.new("camera")
    data.lens = lens
    data.sensor_width = 36.0
    obj = bpy.data.objects.new("camera", data)
    bpy.context.collection.objects.link(obj)
    obj.location = location
    aim(obj, target)
    if focus is not None:
        data.dof.use_dof = True
        data.dof.focus_object = focus
        data.dof.aperture_fstop = fstop
    bpy.context.scene.camera = obj
    return obj


# --- renders ----------------------------------------------------------------------------


def configure(width: int, height: int, samples: int, denoise: bool) -> None:
    scene = bpy.context.scene
    scene.render.resolution_x, scene.render.resolution_y = width, height
    scene.cycles.samples = samples
    scene.cycles.use_adaptive_sampling = False
    scene.cycles.use_denoising = denoise
    if denoise:
        scene.cycles.denoiser = "OPENIMAGEDENOISE"
        scene.cycles.denoising_input_passes = "RGB_ALBEDO_NORMAL"
    settings = scene.render.image_settings
    settings.file_format = "OPEN_EXR"
    settings.color_depth = "32"
    settings.exr_codec = "ZIP"


def render_to_array(path: Path) -> np.ndarray:
    """Render the scene to `path` (EXR) and read it back: float32, rows top to bottom, RGBA."""
    scene = bpy.context.scene
    scene.render.filepath = str(path)
    bpy.ops.render.render(write_still=True)
    image = bpy.data.images.load(str(path))
    width, height = image.size
    pixels = np.empty(width * height * 4, dtype=np.float32)
    image.pixels.foreach_get(pixels)
    bpy.data.images.remove(image)
    return pixels.reshape(height, width, 4)[::-1].copy()


BEAUTY_PERCENT = 100  # every output pixel rendered: the scene, and the light the print takes
DATA_PERCENT = 50  # the print map and coverage, upsampled 2x: smooth, and edges stay soft
MATTE_PERCENT = 17  # the diffuse light apart from gloss and glass is smooth: at a sixth
MATTE_MIN_WIDTH = 480  # px: a smaller matte render blurs the shadows the beauty has sharp
GREY_CARD_ALBEDO = 0.18


def render_beauty(path: Path, samples: int, percent: int = BEAUTY_PERCENT) -> np.ndarray:
    scene = bpy.context.scene
    scene.render.resolution_percentage = percent
    scene.render.film_transparent = False
    scene.cycles.max_bounces = 6
    scene.cycles.diffuse_bounces = 3
    scene.cycles.glossy_bounces = 3
    scene.cycles.transmission_bounces = 6
    scene.cycles.sample_clamp_indirect = 10.0
    configure(scene.render.resolution_x, scene.render.resolution_y, samples, denoise=True)
    return render_to_array(path)


def render_matte(path: Path, shot: Shot, samples: int, percent: int = MATTE_PERCENT) -> np.ndarray:
    """The scene with the carrier matte (its own white, a glaze's colour) and the glass gone:
    the print's own light."""
    carrier_material = shot.carrier.data.materials[0]
    matte = carrier_white(roughness=1.0, name="carrier-matte")
    colour = matte.node_tree.nodes["Principled BSDF"].inputs["Base Color"]
    colour.default_value = (*carrier_albedo(shot), 1.0)
    shot.carrier.data.materials[0] = matte
    for obj in shot.glossy:
        obj.hide_render = True
    try:
        return render_beauty(path, samples, percent)
    finally:
        shot.carrier.data.materials[0] = carrier_material
        for obj in shot.glossy:
            obj.hide_render = False


def render_grey_card(path: Path, shot: Shot, samples: int, percent: int = BEAUTY_PERCENT):
    """The beauty with the print's carrier an 18 % grey card (its gloss and texture kept)."""
    carrier_material = shot.carrier.data.materials[0]
    grey = carrier_material.copy()
    colour = grey.node_tree.nodes["Principled BSDF"].inputs["Base Color"]
    colour.default_value = (GREY_CARD_ALBEDO,) * 3 + (1,)
    shot.carrier.data.materials[0] = grey
    try:
        return render_beauty(path, samples, percent)
    finally:
        shot.carrier.data.materials[0] = carrier_material


def carrier_albedo(shot: Shot) -> list[float]:
    """The linear RGB albedo of the print's carrier (the white a print's white becomes): a
    carrier_white's CARRIER_ALBEDO, or a glaze's own colour."""
    nodes = shot.carrier.data.materials[0].node_tree.nodes
    colour = nodes["Principled BSDF"].inputs["Base Color"] if "Principled BSDF" in nodes else None
    if colour is None or colour.is_linked:
        return [CARRIER_ALBEDO] * 3
    return [round(value, 4) for value in colour.default_value[:3]]


def lens_facts() -> dict:
    """The camera's lens as the template build needs it for the lens's light falloff: focal
    length and sensor width in mm, the side the sensor width spans, and the lens shift."""
    camera = bpy.context.scene.camera.data
    return {
        "lens_mm": camera.lens,
        "sensor_mm": camera.sensor_width
        if camera.sensor_fit != "VERTICAL"
        else camera.sensor_height,
        "sensor_fit": camera.sensor_fit,
        "shift": [camera.shift_x, camera.shift_y],
    }


def render_data(path: Path, shot: Shot, samples: int) -> np.ndarray:
    """RGB: the carrier's (u, v, 1) premultiplied by its coverage; alpha: product coverage."""
    scene = bpy.context.scene
    holdout = Nodes("holdout")
    holdout.tree.nodes.remove(holdout.bsdf)
    output = holdout.tree.nodes["Material Output"]
    holdout.link(holdout.add("ShaderNodeHoldout").outputs[0], output.inputs["Surface"])
    product = emission_material("product", None)
    carrier = emission_material("carrier-uv", "UV")
    for obj in scene.objects:
        if obj.type == "LIGHT":
            obj.hide_render = True
        if obj.type not in ("MESH", "CURVE"):
            continue
        if obj in shot.glossy:
            obj.hide_render = True
            continue
        material = carrier if obj == shot.carrier else product if obj in shot.product else None
        obj.data.materials.clear()
        obj.data.materials.append(material or holdout.material)
    scene.render.resolution_percentage = DATA_PERCENT
    scene.render.film_transparent = True
    scene.cycles.max_bounces = 0
    scene.world.node_tree.nodes["Background"].inputs["Strength"].default_value = 0.0
    configure(scene.render.resolution_x, scene.render.resolution_y, samples, denoise=False)
    return render_to_array(path)


def emission_material(name: str, uv: str | None):
    """Emits ((u + 0.5) / 2, (1 - v + 0.5) / 2, 1) from the UVs, or black for the product."""
    nodes = Nodes(name)
    nodes.tree.nodes.remove(nodes.bsdf)
    emission = nodes.add("ShaderNodeEmission")
    emission.inputs["Strength"].default_value = 1.0
    if uv is None:
        emission.inputs["Color"].default_value = (0, 0, 0, 1)
    else:
        texcoord = nodes.add("ShaderNodeTexCoord")
        split = nodes.add("ShaderNodeSeparateXYZ")
        nodes.link(texcoord.outputs["UV"], split.inputs[0])
        flip = nodes.add("ShaderNodeMath", operation="SUBTRACT")
        flip.inputs[0].default_value = 1.0
        nodes.link(split.outputs["Y"], flip.inputs[1])
        combine = nodes.add("ShaderNodeCombineXYZ")
        combine.inputs["Z"].default_value = 1.0
        for source, target in ((split.outputs["X"], "X"), (flip.outputs[0], "Y")):
            encode = nodes.add("ShaderNodeMath", operation="MULTIPLY_ADD")
            encode.inputs[1].default_value = 0.5
            encode.inputs[2].default_value = 0.25
            nodes.link(source, encode.inputs[0])
            nodes.link(encode.outputs[0], combine.inputs[target])
        nodes.link(combine.outputs[0], emission.inputs["Color"])
    output = nodes.tree.nodes["Material Output"]
    nodes.link(emission.outputs[0], output.inputs["Surface"])
    return nodes.material


def radians(*degrees) -> tuple[float, ...]:
    return tuple(math.radians(d) for d in degrees)
