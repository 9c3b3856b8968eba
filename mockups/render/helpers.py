"""A thread beside the one rendering a mockup, for work that overlaps the mockup's own.

Used only while one mockup has the machine to itself (it maps its print on more than one
thread). A profile counts what such a thread allocates to the mockup being rendered, which
it recognises by the thread's name.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

HELPER_THREAD_PREFIX = "mockup-helper"


def helper_thread() -> ThreadPoolExecutor:
    """One named thread; the caller joins it (`with`) before the mockup ends."""
    return ThreadPoolExecutor(1, thread_name_prefix=HELPER_THREAD_PREFIX)
