"""Hostile and oversized files, run through real processes: exit status, one line, peak RSS.

Each case runs `python -m mockups render` (or, for template layers, which the command line
does not load from a user folder, a few lines calling the library) in a child process and
reads the child's peak RSS as the kernel reports it, not only the Python heap.
"""

from __future__ import annotations

import io
import json
import struct
import sys
import zlib
from pathlib import Path

import pytest
import pyvips
from PIL import Image, PngImagePlugin

from tests.conftest import gradient_artwork, write_template
from tests.peak_rss import Outcome, measured

CEILING_MB = 256  # the render process's ceiling for any accepted artwork
REFUSAL_MB = 120  # a refusal decodes nothing: the interpreter, Pillow and libvips

LOAD_TEMPLATE = """
import sys
from mockups.errors import MockupLabError
from mockups.templates.model import load_template
try:
    load_template(sys.argv[1])
except MockupLabError as error:
    print(f"error: {error}", file=sys.stderr)
    sys.exit(2)
"""

# The dashboard keeps its template library loaded: a layer replaced after validation
RENDER_AFTER_SWAP = """
import shutil, sys
from mockups.errors import MockupLabError
from mockups.options import RenderOptions
from mockups.render.run import render_run
from mockups.templates.model import load_template
template = load_template(sys.argv[1])
shutil.copy(sys.argv[2], template.mask)
try:
    render_run(sys.argv[3], sys.argv[4], options=RenderOptions(templates=[template]))
except MockupLabError as error:
    print(f"error: {error}", file=sys.stderr)
    sys.exit(2)
"""


def render(artwork: Path, out: Path, *options: str) -> Outcome:
    command = [sys.executable, "-m", "mockups", "render", str(artwork), "--out", str(out)]
    return measured([*command, *options], out.parent)


def python(script: str, *arguments: Path, workdir: Path) -> Outcome:
    return measured([sys.executable, "-c", script, *map(str, arguments)], workdir)


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def header_only_png(path: Path, width: int, height: int) -> Path:
    """A small file whose header claims `width` x `height` pixels."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    body = png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", zlib.compress(b"\0" * 64))
    path.write_bytes(PngImagePlugin._MAGIC + body + png_chunk(b"IEND", b""))
    return path


def striped(width: int, height: int, bands: int) -> pyvips.Image:
    """A picture libvips computes as it writes: never held whole in this process."""
    x, y = pyvips.Image.xyz(width, height)
    extra = [(y % 256).cast("uchar"), 128, 200][: bands - 1]
    return (x % 256).cast("uchar").bandjoin(extra) if extra else (x % 256).cast("uchar")


@pytest.fixture(scope="session")
def hostile(tmp_path_factory) -> dict[str, Path]:
    """The hostile set, written once: large files made quickly by libvips at low compression."""
    folder = tmp_path_factory.mktemp("hostile")
    files: dict[str, Path] = {}

    def png(name: str, image: pyvips.Image, **options) -> None:
        files[name] = folder / f"{name}.png"
        # keep="none": no eXIf chunk, as Pillow, Photoshop and most tools write PNGs
        image.pngsave(str(files[name]), compression=1, keep="none", **options)

    png("big-rgba", striped(9000, 9000, 4))
    png("interlaced", striped(6000, 6000, 4), interlace=True)
    png("interlaced-12mp", striped(4000, 3000, 4), interlace=True)
    png("wide-rgba", striped(30000, 3000, 4))
    png("streamed", striped(6000, 4000, 3))
    whole = files["streamed"].read_bytes()
    files["truncated"] = folder / "truncated.png"
    files["truncated"].write_bytes(whole[: len(whole) // 2])

    comment = PngImagePlugin.PngInfo()
    comment.add_text("Comment", "x" * 40_000_000, zip=True)
    files["ztxt"] = folder / "ztxt.png"
    gradient_artwork((300, 400)).save(files["ztxt"], pnginfo=comment)

    files["big-webp"] = folder / "big.webp"
    striped(9000, 9000, 3).webpsave(str(files["big-webp"]), Q=60, effort=0, keep="none")

    files["big-gif"] = folder / "big.gif"
    flat = Image.new("P", (9000, 9000), 1)
    flat.putpalette([0, 0, 0, 200, 30, 30] * 128)
    flat.save(files["big-gif"])
    del flat

    files["malformed-mpo"] = folder / "malformed-mpo.jpg"
    files["malformed-mpo"].write_bytes(_with_broken_mpf(gradient_artwork((400, 500))))
    files["damaged-exif"] = folder / "damaged-exif.jpg"
    exif = Image.Exif()
    exif[0x010E] = "a description longer than what is left of the block" * 2
    gradient_artwork((400, 500)).save(files["damaged-exif"], exif=exif.tobytes()[:-60])
    tiff = io.BytesIO()  # compressed: Pillow writes the directory after the pixels
    gradient_artwork((500, 500)).save(tiff, "TIFF", compression="tiff_deflate")
    files["truncated-tiff"] = folder / "truncated.tif"
    files["truncated-tiff"].write_bytes(tiff.getvalue()[: len(tiff.getvalue()) // 2])

    files["mask-12000"] = folder / "mask-12000.png"
    striped(12000, 12000, 1).pngsave(str(files["mask-12000"]), compression=1, keep="none")
    files["mask-bomb"] = header_only_png(folder / "mask-bomb.png", 30000, 30000)
    files["artwork"] = folder / "artwork.jpg"
    gradient_artwork((800, 1000)).save(files["artwork"], quality=90)
    return files


def _with_broken_mpf(image: Image.Image) -> bytes:
    """A JPEG with an MPF (multi-picture) segment whose index is garbage."""
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    jpeg = buffer.getvalue()
    mpf = b"MPF\0" + b"II*\0" + struct.pack("<I", 8) + b"\xff" * 20
    segment = b"\xff\xe2" + struct.pack(">H", len(mpf) + 2) + mpf
    return jpeg[:2] + segment + jpeg[2:]


def assert_one_line(outcome: Outcome, *expected: str) -> None:
    assert outcome.returncode == 2, outcome.stderr_lines
    assert len(outcome.stderr_lines) == 1, outcome.stderr_lines
    line = outcome.stderr_lines[0]
    assert line.startswith("error: ") and "Traceback" not in line
    for text in expected:
        assert text in line


def test_a_big_rgba_png_without_exif_renders_inside_the_ceiling(hostile, tmp_path):
    outcome = render(hostile["big-rgba"], tmp_path / "out", "--templates", "poster,mug")
    assert outcome.returncode == 0, outcome.stderr_lines
    # only the run's own advice (a small artwork) may be said, never a library's warning
    assert [line for line in outcome.stderr_lines if not line.startswith("warning: ")] == []
    artwork = json.loads((tmp_path / "out" / "run.json").read_text())["artwork"]
    assert (artwork["width"], artwork["height"]) == (9000, 9000)
    assert artwork["decoder"] == "libvips"
    # decoding the whole PNG to read its orientation took about 340 MB
    assert outcome.peak_rss_mb < CEILING_MB


def test_an_interlaced_png_too_large_to_decode_whole_is_refused_saying_how_to_fix_it(
    hostile, tmp_path
):
    outcome = render(hostile["interlaced"], tmp_path / "out")
    assert_one_line(outcome, "interlaced.png", "interlaced PNG", "re-save it without interlacing")
    assert outcome.peak_rss_mb < REFUSAL_MB
    assert not list((tmp_path / "out").glob("*.jpg"))


def test_an_interlaced_png_small_enough_to_decode_whole_renders_near_the_goal(hostile, tmp_path):
    outcome = render(hostile["interlaced-12mp"], tmp_path / "out", "--templates", "poster,mug")
    assert outcome.returncode == 0, outcome.stderr_lines
    # only the run's own advice (a small artwork) may be said, never a library's warning
    assert [line for line in outcome.stderr_lines if not line.startswith("warning: ")] == []
    # Pillow's whole decode and premultiplied resize took it to about 210 MB
    assert outcome.peak_rss_mb < 175  # about 157 MB through libvips


def test_a_large_gif_which_libvips_decodes_whole_is_refused(hostile, tmp_path):
    outcome = render(hostile["big-gif"], tmp_path / "out")
    assert_one_line(outcome, "big.gif", "GIF", "decoded whole", "save it as PNG or JPEG")
    assert outcome.peak_rss_mb < REFUSAL_MB


def test_a_large_webp_is_refused_before_pillow_reads_it(hostile, tmp_path):
    outcome = render(hostile["big-webp"], tmp_path / "out")
    assert_one_line(outcome, "big.webp", "WEBP", "decoded whole", "9000 x 9000")
    assert outcome.peak_rss_mb < REFUSAL_MB


def test_a_png_too_wide_to_stream_is_refused_with_the_width_that_fits(hostile, tmp_path):
    outcome = render(hostile["wide-rgba"], tmp_path / "out")
    assert_one_line(outcome, "wide-rgba.png", "30000 px wide", "resize it to at most")
    assert outcome.peak_rss_mb < REFUSAL_MB


def test_a_truncated_png_streamed_through_libvips_is_refused_not_rendered(hostile, tmp_path):
    outcome = render(hostile["truncated"], tmp_path / "out", "--templates", "poster")
    assert_one_line(outcome, "truncated.png", "truncated or corrupt")
    assert not (tmp_path / "out" / "01-poster.jpg").exists()
    assert outcome.peak_rss_mb < CEILING_MB


def test_an_oversized_text_chunk_is_one_line_not_a_traceback(hostile, tmp_path):
    outcome = render(hostile["ztxt"], tmp_path / "out")
    assert_one_line(outcome, "ztxt.png", "text or colour-profile chunk")
    assert outcome.peak_rss_mb < REFUSAL_MB


@pytest.mark.parametrize("name", ["malformed-mpo", "damaged-exif"])
def test_pillow_warnings_about_damaged_metadata_never_reach_the_terminal(hostile, tmp_path, name):
    outcome = render(hostile[name], tmp_path / "out", "--templates", "poster")
    assert outcome.returncode == 0, outcome.stderr_lines
    # only the run's own advice (a small artwork) may be said, never a library's warning
    assert [line for line in outcome.stderr_lines if not line.startswith("warning: ")] == []


def test_a_truncated_tiff_is_exactly_one_line(hostile, tmp_path):
    outcome = render(hostile["truncated-tiff"], tmp_path / "out")
    assert_one_line(outcome, "truncated.tif")


@pytest.mark.parametrize(
    ("field", "layer", "expected"),
    [
        ("mask", "mask-bomb", "900 MP"),
        ("mask", "mask-12000", "12000 x 12000"),
        ("thumbnail", "mask-12000", "12000 x 12000"),
        ("mask", "ztxt", "text or colour-profile chunk"),
    ],
)
def test_a_hostile_template_layer_is_refused_with_one_line_naming_the_field(
    hostile, tmp_path, field, layer, expected
):
    folder = write_template(tmp_path / "templates")
    suffix = hostile[layer].suffix
    (folder / f"{field}{suffix}").write_bytes(hostile[layer].read_bytes())
    manifest = json.loads((folder / "template.json").read_text())
    (folder / "template.json").write_text(json.dumps({**manifest, field: f"{field}{suffix}"}))
    outcome = python(LOAD_TEMPLATE, folder, workdir=tmp_path)
    assert_one_line(outcome, "template.json", f"field '{field}'", expected)
    assert outcome.peak_rss_mb < REFUSAL_MB


def test_a_layer_replaced_after_the_template_loaded_is_refused_before_decoding(hostile, tmp_path):
    folder = write_template(tmp_path / "templates", mask=Image.new("L", (3000, 2000), 255))
    out = tmp_path / "out"
    outcome = python(
        RENDER_AFTER_SWAP, folder, hostile["mask-12000"], hostile["artwork"], out, workdir=tmp_path
    )
    assert_one_line(outcome, "mask.png", "12000 x 12000")
    assert outcome.peak_rss_mb < 150
