"""Memory profiling of mockup runs with memray: per-mockup heap and RSS, sites, timeline.

`profile_run` renders in a child process under memray and returns a `ProfiledRun`
(`.frame`, `.timeline`, `.sites`); `load_run` reads one back from disk. `python -m profiling`
compares modes and writes memray flame graphs. The on-disk format: `profiling.profile_folder`.
Importing this package does not import memray (a dashboard server stays small): only
`profile_in_process`, which captures in the calling process, does.
"""

from profiling.child import profile_run
from profiling.profile_folder import load_run
from profiling.results import (
    HEAP_VERSUS_RSS,
    MockupProfile,
    ProfiledRun,
    RunProfile,
    TimelinePoint,
)
from profiling.sites import AllocationSite

__all__ = [
    "HEAP_VERSUS_RSS",
    "AllocationSite",
    "MockupProfile",
    "ProfiledRun",
    "RunProfile",
    "TimelinePoint",
    "load_run",
    "profile_in_process",
    "profile_run",
]


def __getattr__(name: str) -> object:
    if name == "profile_in_process":
        from profiling.session import profile_in_process

        return profile_in_process
    raise AttributeError(f"module 'profiling' has no attribute {name!r}")
