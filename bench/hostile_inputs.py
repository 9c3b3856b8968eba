"""Hostile and large artworks through `python -m mockups render`: accepted or refused, at what cost.

Each input is rendered on all ten built-in templates in a whole CLI process; the table shows
whether it was accepted (rc 0) or refused (rc 2, with its one line), the wall seconds and the
peak RSS from wait4, against the 256 MB ceiling for any accepted artwork and the 150 MB goal.
The inputs are written by a child process, so this process stays small (see bench/README.md).
"""

from __future__ import annotations

import argparse
import io
import struct
import subprocess
import zlib
from pathlib import Path

from bench.common import (
    PYTHON,
    Outcome,
    inherited_floor_mb,
    print_json,
    print_table,
    run_outcome,
    temp_folder,
    verdict,
)

CEILING_MB = 256
GOAL_MB = 150


def write_inputs(folder: Path) -> None:
    """The hostile set: large files made by libvips at low compression, never held whole."""
    import numpy as np
    import pyvips
    from PIL import Image, PngImagePlugin

    from profiling.artworks import write_artwork

    def striped(width: int, height: int, bands: int, ushort: bool = False) -> pyvips.Image:
        x, y = pyvips.Image.xyz(width, height)
        image = (x % 256).cast("uchar").bandjoin([(y % 256).cast("uchar"), 128, 200][: bands - 1])
        return (image.cast("ushort") * 257).copy(interpretation="rgb16") if ushort else image

    def png(name: str, image: pyvips.Image, **options) -> None:
        image.pngsave(str(folder / name), compression=1, keep="none", **options)

    write_artwork(folder / "photo-4000x5000.jpg")
    png("rgba-9000x9000.png", striped(9000, 9000, 4))
    png("rgb-12000x12000.png", striped(12000, 12000, 3))
    png("rgba-10000x8000.png", striped(10000, 8000, 4))
    png("rgba-12000x8000.png", striped(12000, 8000, 4))
    png("rgb-12000x2000.png", striped(12000, 2000, 3))
    png("rgb-16000x2000.png", striped(16000, 2000, 3))
    png("rgb-6000x4000.png", striped(6000, 4000, 3))
    png("rgba16-6000x6000.png", striped(6000, 6000, 4, ushort=True))
    png("rgba-30000x3000.png", striped(30000, 3000, 4))
    png("interlaced-4000x4000.png", striped(4000, 4000, 4), interlace=True)
    png("interlaced-6000x6000.png", striped(6000, 6000, 4), interlace=True)
    striped(9000, 9000, 3).tiffsave(str(folder / "rgb-9000x9000.tif"), compression="deflate")
    striped(9000, 9000, 3).webpsave(str(folder / "rgb-9000x9000.webp"), Q=80, effort=0)
    noise = np.random.default_rng(1).integers(0, 256, (4000, 4000, 3), dtype=np.uint8)
    Image.fromarray(noise).save(folder / "noise-lossless-4000x4000.webp", lossless=True, method=0)
    del noise
    whole = (folder / "rgb-6000x4000.png").read_bytes()
    (folder / "truncated-6000x4000.png").write_bytes(whole[: len(whole) // 2])
    for side in (4000, 9000):
        flat = Image.new("P", (side, side), 1)
        flat.putpalette([0, 0, 0, 200, 30, 30] * 128)
        flat.save(folder / f"gif-{side}x{side}.gif")
        del flat
    comment = PngImagePlugin.PngInfo()
    comment.add_text("Comment", "x" * 40_000_000, zip=True)
    Image.new("RGB", (800, 1000), "white").save(folder / "ztxt-40MB.png", pnginfo=comment)
    (folder / "bomb-40000x40000.png").write_bytes(_header_only_png(40000, 40000))
    tiff = io.BytesIO()
    Image.new("RGB", (500, 500), "green").save(tiff, "TIFF", compression="tiff_deflate")
    (folder / "truncated.tif").write_bytes(tiff.getvalue()[: len(tiff.getvalue()) // 2])


def _header_only_png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\0" * 64)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def render(artwork: Path, out: Path) -> Outcome:
    """One `render --templates all` process: exit status, wall seconds, wait4's peak RSS."""
    command = [PYTHON, "-m", "mockups", "render", str(artwork), "--out", str(out)]
    return run_outcome(artwork.name, command)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", type=Path, help=argparse.SUPPRESS)  # the child's job
    args = parser.parse_args()
    if args.write:
        write_inputs(args.write)
        return
    with temp_folder("hostile") as temp:
        folder = Path(temp)
        subprocess.run([PYTHON, "-m", "bench.hostile_inputs", "--write", temp], check=True)
        outcomes = [
            render(path, folder / "out" / path.stem)
            for path in sorted(p for p in folder.iterdir() if p.is_file())
        ]
    report(outcomes)


def report(outcomes: list[Outcome]) -> None:
    rows = [
        [
            o.name,
            "accepted" if o.accepted else f"refused (rc {o.returncode})",
            f"{o.wall_seconds:.2f}",
            f"{o.peak_rss_mb:.1f}",
            _against(o.peak_rss_mb, o.accepted),
            o.line if not o.accepted else "",
        ]
        for o in outcomes
    ]
    print_table(["input", "outcome", "wall s", "peak RSS MB", "ceiling/goal", "line"], rows)
    accepted = [o for o in outcomes if o.accepted]
    worst = max(accepted, key=lambda o: o.peak_rss_mb)
    unexpected = [o for o in outcomes if o.returncode not in (0, 2)]
    print()
    print(
        f"Ten built-in templates per input, sequential. Worst accepted: {worst.name} at "
        f"{worst.peak_rss_mb:.1f} MB. Floor inherited from this process: "
        f"{inherited_floor_mb():.1f} MB. Measured while other work ran on the same 2 cores."
    )
    print(
        f"Goal: every accepted artwork <= {CEILING_MB} MB: "
        f"{verdict(all(o.peak_rss_mb <= CEILING_MB for o in accepted))}; "
        f"<= {GOAL_MB} MB: {verdict(worst.peak_rss_mb <= GOAL_MB)}; "
        f"every refusal exactly rc 2: {verdict(not unexpected)}"
    )
    print_json(
        "hostile_inputs",
        {
            "inputs": [
                {
                    "name": o.name,
                    "returncode": o.returncode,
                    "wall_seconds": round(o.wall_seconds, 3),
                    "peak_rss_mb": round(o.peak_rss_mb, 1),
                }
                for o in outcomes
            ],
            "worst_accepted": worst.name,
            "worst_accepted_peak_rss_mb": round(worst.peak_rss_mb, 1),
        },
    )


def _against(peak_mb: float, accepted: bool) -> str:
    if not accepted:
        return "-"
    if peak_mb > CEILING_MB:
        return "OVER CEILING"
    return "within goal" if peak_mb <= GOAL_MB else "over goal"


if __name__ == "__main__":
    main()
