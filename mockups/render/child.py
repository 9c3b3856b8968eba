"""Rendering in a child Python process, by any installed renderer: for a renderer that must
have a process to itself (the profiler keeps one memray Tracker per process) called from a
process that renders other runs beside it (the dashboard's server).

The child reports each mockup as it lands, and a renderer's heap line, as JSON lines on
stdout; they become `progress(done, total, MockupResult)` and `sample(seconds, rss_bytes,
heap_bytes)` calls here, in the caller's thread. The run comes back through the disk.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from mockups import errors
from mockups.options import RenderOptions
from mockups.render.renderers import Sample, find_renderer, takes_samples
from mockups.runs.folder import MockupResult, RunResult, read_run

Progress = Callable[[int, int, MockupResult], None]


def render_in_child(
    renderer: str,
    artwork: Path | str,
    out_dir: Path | str,
    *,
    options: RenderOptions | None = None,
    progress: Progress | None = None,
    sample: Sample | None = None,
) -> RunResult:
    """Render `artwork` into `out_dir` with the renderer called `renderer`, in a child process;
    its errors come back as the same `MockupLabError`s, with their one line."""
    request = {
        "renderer": renderer,
        "artwork": str(Path(artwork).resolve()),
        "out_dir": str(Path(out_dir).resolve()),
        "options": (options or RenderOptions()).to_dict(),
        "samples": sample is not None,  # a renderer's heap line may cost it: only if wanted
    }
    command = [sys.executable, "-m", "mockups.render.child", json.dumps(request)]
    with tempfile.TemporaryFile() as stderr:
        with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr, text=True) as child:
            assert child.stdout is not None
            failure = _follow(child.stdout, progress, sample)
        if failure is not None:
            raise failure
        if child.returncode != 0:
            stderr.seek(0)
            message = stderr.read().decode(errors="replace").strip().splitlines()
            last = message[-1] if message else "no message"
            raise errors.RenderError(f"the {renderer} renderer exited {child.returncode}: {last}")
    return read_run(out_dir)


def _follow(
    lines: Iterable[str], progress: Progress | None, sample: Sample | None
) -> errors.MockupLabError | None:
    failure = None
    for line in lines:
        if not line.startswith("{"):
            continue  # a library's own output
        message = json.loads(line)
        if "error" in message:
            failure = errors.named_error(
                errors,
                message["error"],
                errors.MockupLabError,
                message["message"],
                errors.RenderError,
            )
        elif "sample" in message:
            if sample is not None:
                sample(*message["sample"])
        elif progress is not None:
            progress(message["done"], message["total"], MockupResult(**message["result"]))
    return failure


def main(argv: list[str]) -> int:
    request = json.loads(argv[0])

    def report(done: int, total: int, result: MockupResult) -> None:
        _send({"done": done, "total": total, "result": asdict(result)})

    def report_sample(seconds: float, rss_bytes: int, heap_bytes: int | None) -> None:
        _send({"sample": [seconds, rss_bytes, heap_bytes]})

    try:
        render = find_renderer(request["renderer"])
        wanted = takes_samples(render) and request.get("samples", True)
        extra: dict[str, Any] = {"sample": report_sample} if wanted else {}
        render(
            request["artwork"],
            request["out_dir"],
            options=RenderOptions.from_dict(request["options"]),
            progress=report,
            **extra,
        )
    except errors.MockupLabError as error:
        _send({"error": type(error).__name__, "message": str(error)})
        return 2
    return 0


_sending = threading.Lock()


def _send(message: dict) -> None:
    with _sending:  # a renderer's threads and this one: one whole line at a time
        print(json.dumps(message), flush=True)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
