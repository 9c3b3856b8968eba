"""Allocation sites: which line of whose code a block of memory belongs to.

A site is the first frame of the allocating stack, innermost first, that lies outside the
standard library and site-packages: a leak in our code or a user's points at that line, not
at `PIL/Image.py`. The whole stack is kept with it for drill-down.
"""

from __future__ import annotations

import re
import site
import sysconfig
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from memray import AllocationRecord

NATIVE_LOCATION = "<native>"
Frame = tuple[str, str, int]
PROJECT_ROOT = str(Path(__file__).resolve().parents[1]) + "/"
# Any other absolute path, where the project and the libraries are not: its last two parts.
_PART = r"[^\s/:'\"`,;()]+"
_OTHER_PATH = re.compile(rf"(?<![\w.~])/(?:{_PART}/)+({_PART}/{_PART})")


@dataclass(frozen=True)
class AllocationSite:
    """One row of `ProfiledRun.sites`: the bytes one line held at a mockup's peak or end."""

    index: int
    kind: str  # "peak", "leaked" or "one-time" (left by a module import)
    location: str  # path:line
    function: str
    bytes: int
    allocations: int
    stack: tuple[str, ...]  # "function path:line", innermost first


@cache
def library_dirs() -> tuple[str, ...]:
    paths = sysconfig.get_paths()
    dirs = {paths[key] for key in ("stdlib", "platstdlib", "purelib", "platlib")}
    dirs.update(site.getsitepackages())
    dirs.add(site.getusersitepackages())
    return tuple(sorted(d.rstrip("/") + "/" for d in dirs))


def is_library_file(filename: str) -> bool:
    return filename.startswith("<") or filename.startswith(library_dirs())


def display_location(text: str) -> str:
    """`text` (a `path:line`, or a stack line) with each path as a reader knows it: relative to
    the project (`mockups/render/run.py:12`), to site-packages or the standard library
    (`PIL/Image.py:370`, `json/decoder.py:3`), else cut to its folder and name."""
    for prefix in (*sorted(library_dirs(), key=len, reverse=True), PROJECT_ROOT):
        text = text.replace(prefix, "")
    return _OTHER_PATH.sub(r"\1", text)


def attributed_frame(stack: list[Frame]) -> Frame | None:
    """The first frame outside the libraries, else the innermost; None without a Python stack."""
    for frame in stack:
        if not is_library_file(frame[1]):
            return frame
    return stack[0] if stack else None


def format_frame(frame: Frame) -> str:
    function, filename, line = frame
    return f"{function} {filename}:{line}"


def top_sites(
    index: int, kind: str, records: Iterable[tuple[AllocationRecord, int]], limit: int
) -> list[AllocationSite]:
    """The `limit` sites holding the most bytes among `records` (each with its live size)."""
    totals: dict[tuple[str, str], list[int]] = {}
    largest: dict[tuple[str, str], tuple[int, list[Frame]]] = {}
    for record, size in records:
        stack = record.stack_trace()
        frame = attributed_frame(stack)
        key = (f"{frame[1]}:{frame[2]}", frame[0]) if frame else (NATIVE_LOCATION, "")
        total = totals.setdefault(key, [0, 0])
        total[0] += size
        total[1] += 1
        if size > largest.get(key, (-1, []))[0]:
            largest[key] = (size, stack)
    ranked = sorted(totals.items(), key=lambda item: item[1][0], reverse=True)[:limit]
    return [
        AllocationSite(
            index=index,
            kind=kind,
            location=location,
            function=function,
            bytes=size,
            allocations=count,
            stack=tuple(format_frame(frame) for frame in largest[(location, function)][1]),
        )
        for (location, function), (size, count) in ranked
    ]
