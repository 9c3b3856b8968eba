"""Hostile and damaged Photoshop files through `python -m mockups import-psd`, each in a process
of its own: exit status, the one line on stderr, and the process's peak RSS where memory is
the point. The files are written by harness/psd_factory.py."""

from __future__ import annotations

import struct
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from psd_tools.constants import BlendMode, Compression
from psd_tools.psd.layer_and_mask import ChannelData
from psd_tools.psd.tagged_blocks import TaggedBlock

from harness.psd_factory import (
    PsdBuilder,
    SmartObjectSpec,
    declare_rect,
    even_mesh,
    move_layers_into_block,
    nest_groups,
)
from mockups import cli
from mockups.psd import outline
from tests.peak_rss import Outcome, measured

CEILING_MB = 256  # the import's budget: any accepted PSD stays under it
REFUSAL_MB = 120  # a refusal decodes no pixels: the interpreter, numpy, Pillow and psd-tools
DOC = (600, 400)  # imported at 3000 x 2000
WALL = (120, 150, 180)
QUAD = ((100.0, 80.0), (400.0, 90.0), (390.0, 320.0), (110.0, 310.0))


def import_psd(path: Path, *options: str) -> Outcome:
    home = path.parent / "home"
    command = [sys.executable, "-m", "mockups", "import-psd", str(path), *options]
    return measured(["env", f"MOCKUPLAB_HOME={home}", *command], path.parent)


def one_line_refusal(outcome: Outcome) -> str:
    assert outcome.returncode == 2, outcome.stderr_lines
    assert len(outcome.stderr_lines) == 1, outcome.stderr_lines
    assert outcome.stderr_lines[0].startswith("error: ")
    return outcome.stderr_lines[0]


def wall(size=DOC, **spec) -> tuple[PsdBuilder, object]:
    """A wall and the print's smart object; the wall layer, to make hostile."""
    builder = PsdBuilder(size)
    layer = builder.add_pixels(Image.new("RGB", size, WALL), "wall")
    builder.add_smart_object(SmartObjectSpec("Your design", QUAD, **spec))
    return builder, layer


@pytest.mark.parametrize("compression", [Compression.ZIP, Compression.RLE])
def test_a_layer_declaring_pixels_far_past_the_document_is_refused_before_decoding(
    tmp_path, compression
):
    builder, layer = wall()
    declare_rect(layer, (0, 0, 30000, 30000), compression)  # 900 MB a channel, 4 MB of zip
    outcome = import_psd(builder.save(tmp_path / "bomb.psd", preview=False))
    line = one_line_refusal(outcome)
    assert "layer 'wall' declares 30000 x 30000 px" in line and "far outside" in line
    assert outcome.peak_rss_mb < REFUSAL_MB


def test_pixels_reaching_past_the_document_are_decoded_inside_it_only(tmp_path):
    builder, layer = wall()
    # three times the document each way, every channel 90 (its alpha too), at the output
    # scale 9000 x 6000: 54 MB a channel
    declare_rect(layer, (-600, -400, 1200, 800), Compression.ZIP, value=90)
    outcome = import_psd(builder.save(tmp_path / "wide.psd", preview=False), "--id", "wide")
    assert outcome.returncode == 0, outcome.stderr_lines
    assert outcome.peak_rss_mb < CEILING_MB  # 463 MB when the whole rect was decoded
    over_white = 90 * 90 / 255 + 255 * (1 - 90 / 255)
    with Image.open(tmp_path / "home" / "templates" / "wide" / "scene.jpg") as scene:
        assert max(abs(v - over_white) for v in scene.getpixel((1500, 1000))) <= 3


def test_a_large_embedded_smart_object_is_never_read_into_memory(tmp_path):
    builder, _ = wall(embedded_bytes=150 * 2**20)
    outcome = import_psd(builder.save(tmp_path / "embedded.psd", preview=False))
    assert outcome.returncode == 0, outcome.stderr_lines
    assert outcome.stderr_lines == []
    assert outcome.peak_rss_mb < 200  # psd-tools' four copies of it came to 650 MB


def test_a_16_bit_document_laid_out_as_photoshop_does_is_read_from_the_map(tmp_path):
    """Photoshop keeps a 16-bit document's layers in an `Lr16` block, which psd-tools would
    copy whole before copying each channel out of it again."""
    size = (3000, 2000)
    noise = np.random.default_rng(5).integers(0, 256, (size[1], size[0], 3), np.uint8)
    builder = PsdBuilder(size, depth=16)
    for index in range(4):
        builder.add_pixels(Image.fromarray(np.roll(noise, index, axis=1)), f"photo {index}")
    builder.add_smart_object(SmartObjectSpec("Your design", tuple((x * 5, y * 5) for x, y in QUAD)))
    path = move_layers_into_block(builder.save(tmp_path / "deep.psd", preview=False))
    del builder, noise
    assert path.stat().st_size > 150 * 2**20
    outcome = import_psd(path, "--id", "deep")
    assert outcome.returncode == 0, outcome.stderr_lines
    assert outcome.stderr_lines == ["warning: RGB 16-bit document converted to 8-bit sRGB"]
    assert outcome.peak_rss_mb < 200


def test_a_zero_by_zero_header_is_refused_in_one_line(tmp_path):
    builder, _ = wall()
    path = builder.save(tmp_path / "empty.psd")
    raw = bytearray(path.read_bytes())
    raw[14:22] = struct.pack(">II", 0, 0)  # height, width
    path.write_bytes(raw)
    assert "header says 0 x 0 px" in one_line_refusal(import_psd(path))


def test_a_file_cut_short_is_refused_in_one_line(tmp_path):
    builder, _ = wall()
    path = builder.save(tmp_path / "cut.psd", preview=False)
    layers = outline.read_outline(path).layer_info
    path.write_bytes(path.read_bytes()[: layers.start + layers.length // 2])
    assert "is truncated or damaged" in one_line_refusal(import_psd(path))


def test_damaged_channel_data_is_refused_with_the_layers_name(tmp_path):
    builder, layer = wall()
    layer._channels[0] = ChannelData(compression=Compression.ZIP, data=b"not zip data at all")
    line = one_line_refusal(import_psd(builder.save(tmp_path / "damaged.psd", preview=False)))
    assert "the pixels of layer 'wall' are damaged" in line


@pytest.mark.parametrize("bound", [float("inf"), 1e308])
def test_warp_bounds_no_smart_object_can_have_read_as_an_unreadable_mesh(tmp_path, bound):
    mesh = tuple(tuple(point) for point in even_mesh(600, 400))
    builder, _ = wall(warp="warpCustom", mesh=mesh, content=(bound, 400.0))
    outcome = import_psd(builder.save(tmp_path / "warp.psd", preview=False))
    assert outcome.returncode == 0, outcome.stderr_lines
    assert outcome.stderr_lines == [
        "warning: layer 'Your design': its custom warp's mesh could not be read; "
        "approximated by the perspective quad"
    ]


def test_a_warp_whose_handles_reach_far_outside_the_document_is_refused(tmp_path):
    mesh = even_mesh(600, 400)
    mesh[5][1] = 1e5  # an inner handle dragged 100000 px down
    builder, _ = wall(warp="warpCustom", mesh=tuple(tuple(point) for point in mesh))
    line = one_line_refusal(import_psd(builder.save(tmp_path / "reach.psd", preview=False)))
    assert "warp of the smart object 'Your design' reaches far outside" in line


def test_groups_nested_past_what_the_import_takes_are_refused_in_one_line(tmp_path):
    builder, _ = wall()
    innermost = nest_groups(builder, 300)
    builder.add_pixels(Image.new("RGBA", (10, 10), (0, 0, 0, 255)), "deep", parent=innermost)
    line = one_line_refusal(import_psd(builder.save(tmp_path / "nested.psd", preview=False)))
    assert "nests groups 300 deep" in line


def test_a_blended_group_inside_another_is_drawn_as_pass_through_and_said(tmp_path):
    builder, _ = wall()
    outer = builder.document.create_group(name="outer", blend_mode=BlendMode.MULTIPLY)
    inner = outer.create_group(name="inner", blend_mode=BlendMode.SCREEN)
    builder.add_pixels(Image.new("RGBA", DOC, (200, 200, 200, 255)), "glow", parent=inner)
    outcome = import_psd(builder.save(tmp_path / "groups.psd", preview=False))
    assert outcome.returncode == 0, outcome.stderr_lines
    assert outcome.stderr_lines == [
        "warning: layer 'inner': a blended group inside another is drawn as pass through"
    ]


def test_psd_tools_own_log_lines_never_reach_stderr(tmp_path):
    builder, layer = wall()
    layer._record.tagged_blocks[b"zzzz"] = TaggedBlock(key=b"zzzz", data=b"1234")
    outcome = import_psd(builder.save(tmp_path / "odd.psd", preview=False))
    assert outcome.returncode == 0
    assert outcome.stderr_lines == []  # psd-tools said "Unknown key: b'zzzz'"


def test_names_from_the_file_reach_the_terminal_as_one_printable_line(tmp_path):
    forged = "Your design\nerror: forged \x1b[31mred\x1b]0;title\x07"
    builder = PsdBuilder(DOC)
    builder.add_pixels(Image.new("RGB", DOC, WALL), "wall")
    linked = SmartObjectSpec(forged, QUAD, linked=True, filename="art\n\x1b[2Jwork.png")
    builder.add_smart_object(linked)
    outcome = import_psd(builder.save(tmp_path / "names.psd", preview=False))
    assert outcome.returncode == 0, outcome.stderr_lines
    (line,) = outcome.stderr_lines
    assert "\x1b" not in line and "\x07" not in line
    assert line.startswith("warning: layer 'Your design\\nerror: forged \\x1b[31mred")
    assert "links to 'art\\n\\x1b[2Jwork.png'" in line


def test_layer_settings_over_the_budget_are_refused_before_psd_tools_parses_them(
    tmp_path, monkeypatch, capsys
):
    builder, _ = wall()
    path = builder.save(tmp_path / "settings.psd")
    monkeypatch.setattr(outline, "MAX_SETTINGS_BYTES", 64)
    assert cli.main(["import-psd", str(path)]) == 2
    error = capsys.readouterr().err
    assert "layers' settings take over" in error and error.count("\n") == 1
