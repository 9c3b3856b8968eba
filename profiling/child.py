"""`profile_run`: profile a render in a child Python process, and that child's entry point.

A child keeps the caller small and free to profile again at once (one memray Tracker per
process). The child reports each finished mockup, with its memray figures, as a JSON line on
stdout, and the heap and RSS about every `profiling.live.SAMPLE_SECONDS`; they are turned back
into `progress(done, total, MockupResult)` and `sample(seconds, rss_bytes, heap_bytes)` calls
here, in the caller's thread. The profile comes back through the disk.
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

from mockups import errors
from mockups.options import RenderOptions
from mockups.render.run import MockupResult, Progress
from profiling.results import ProfiledRun
from profiling.storage import load_run

Sample = Callable[[float, int, int | None], None]  # as profiling.live's, without importing it


def profile_run(
    artwork: Path | str,
    out_dir: Path | str,
    *,
    options: RenderOptions | None = None,
    progress: Progress | None = None,
    sample: Sample | None = None,
) -> ProfiledRun:
    """Render `artwork` in a child process under memray; see `load_run`.

    `progress` gets each mockup as it lands with its memray figures (see
    `profiling.session.profile_in_process`), `sample` the heap and RSS line.
    """
    request = {
        "artwork": str(Path(artwork).resolve()),
        "out_dir": str(Path(out_dir).resolve()),
        "options": (options or RenderOptions()).to_dict(),
    }
    command = [sys.executable, "-m", "profiling.child", json.dumps(request)]
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
            raise errors.RenderError(f"profiling child exited {child.returncode}: {last}")
    return load_run(out_dir)


def _follow(
    lines: Iterable[str], progress: Progress | None, sample: Sample | None
) -> errors.MockupLabError | None:
    failure = None
    for line in lines:
        if not line.startswith("{"):
            continue  # a library's own output
        message = json.loads(line)
        if "error" in message:
            kind = getattr(errors, message["error"], errors.RenderError)
            if not (isinstance(kind, type) and issubclass(kind, errors.MockupLabError)):
                kind = errors.RenderError
            failure = kind(message["message"])
        elif "sample" in message:
            if sample is not None:
                sample(*message["sample"])
        elif progress is not None:
            progress(message["done"], message["total"], MockupResult(**message["result"]))
    return failure


def main(argv: list[str]) -> int:
    from profiling.session import profile_in_process

    request = json.loads(argv[0])

    def report(done: int, total: int, result: MockupResult) -> None:
        _send({"done": done, "total": total, "result": asdict(result)})

    def report_sample(seconds: float, rss_bytes: int, heap_bytes: int | None) -> None:
        _send({"sample": [seconds, rss_bytes, heap_bytes]})

    try:
        profile_in_process(
            request["artwork"],
            request["out_dir"],
            options=RenderOptions.from_dict(request["options"]),
            progress=report,
            sample=report_sample,
        )
    except errors.MockupLabError as error:
        _send({"error": type(error).__name__, "message": str(error)})
        return 2
    return 0


_sending = threading.Lock()


def _send(message: dict) -> None:
    with _sending:  # the live figures' thread and this one: one whole line at a time
        print(json.dumps(message), flush=True)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
