"""The listing video made in a child Python process, for a caller that must stay small (the
dashboard's server): the frames, x264's look-ahead and FFmpeg's libraries live and die in the
child, as a profiled render does in `mockups.render.child`.

The child reports each frame as a JSON line on stdout (`{"done": n, "total": t}`), then its
result (`{"result": {...}, "peak_rss_bytes": n}`) or its one-line refusal (`{"error": ...}`);
they become `progress(done, total)` calls in the caller's thread, and a `ChildVideo` or the
same `EtsySyncError` here. A caller that stops following (an exception from `progress`) kills
the child and removes its half-written file: nothing keeps encoding for nobody, and nothing
is left behind.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from etsy_sync import errors
from etsy_sync.listing_video import Progress, VideoResult, run_video, video_path
from mockups.errors import first_line
from mockups.runs.folder import PART_SUFFIX


@dataclass(frozen=True)
class ChildVideo:
    video: VideoResult
    peak_rss_bytes: int | None
    """The child's own peak resident memory (its VmHWM), None where the system does not say."""


def video_in_child(
    run_dir: Path | str,
    out: Path | str | None = None,
    order: Sequence[int] | None = None,
    progress: Progress | None = None,
) -> ChildVideo:
    """`run_video(run_dir, out, order)` in a child process; its refusals come back as the same
    errors, with their one line."""
    request = {
        "run_dir": str(Path(run_dir).resolve()),
        "out": str(Path(out).resolve()) if out is not None else None,
        "order": list(order) if order is not None else None,
    }
    command = [sys.executable, "-m", "etsy_sync.video_child", json.dumps(request)]
    with tempfile.TemporaryFile() as stderr:
        with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr, text=True) as child:
            assert child.stdout is not None
            try:
                outcome = _follow(child.stdout, progress)
            except BaseException:
                child.kill()
                child.wait()
                target = video_path(run_dir, out)  # the kill skipped the child's own clean-up:
                target.with_name(target.name + PART_SUFFIX).unlink(missing_ok=True)
                raise
        if isinstance(outcome, errors.EtsySyncError):
            raise outcome
        if outcome is None or child.returncode != 0:
            stderr.seek(0)
            lines = stderr.read().decode(errors="replace").strip().splitlines()
            last = lines[-1] if lines else "no message"
            raise errors.EtsySyncError(
                f"the listing video could not be made (its process exited {child.returncode}: "
                f"{last})"
            )
    return outcome


def _follow(
    lines: Iterable[str], progress: Progress | None
) -> ChildVideo | errors.EtsySyncError | None:
    outcome: ChildVideo | errors.EtsySyncError | None = None
    for line in lines:
        if not line.startswith("{"):
            continue  # a library's own output
        message = json.loads(line)
        if "error" in message:
            kind = getattr(errors, message["error"], errors.EtsySyncError)
            if not (isinstance(kind, type) and issubclass(kind, errors.EtsySyncError)):
                kind = errors.EtsySyncError
            outcome = kind(message["message"])
        elif "result" in message:
            video = VideoResult(**{**message["result"], "path": Path(message["result"]["path"])})
            outcome = ChildVideo(video, message.get("peak_rss_bytes"))
        elif progress is not None:
            progress(message["done"], message["total"])
    return outcome


def main(argv: list[str]) -> int:
    request = json.loads(argv[0])

    def report(done: int, total: int) -> None:
        _send({"done": done, "total": total})

    try:
        video = run_video(request["run_dir"], request["out"], request["order"], progress=report)
    except errors.EtsySyncError as error:
        _send({"error": type(error).__name__, "message": first_line(error)})
        return 2
    _send({"result": {**asdict(video), "path": str(video.path)}, "peak_rss_bytes": peak_rss()})
    return 0


def peak_rss() -> int | None:
    """This process's peak resident memory: VmHWM, which starts afresh at exec (`ru_maxrss`
    would also count the size of the process this one was forked from)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def _send(message: dict) -> None:
    print(json.dumps(message), flush=True)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
