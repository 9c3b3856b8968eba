"""A thread beside the one rendering a mockup, for work that overlaps the mockup's own.

Used only while one mockup has the machine to itself (it maps its print on more than one
thread). A profile counts what such a thread allocates to the mockup being rendered, which
it recognises by the thread's name.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

HELPER_THREAD_PREFIX = "mockup-helper"

First = TypeVar("First")
Then = TypeVar("Then")


def helper_thread() -> ThreadPoolExecutor:
    """One named thread; the caller joins it (`with`) before the mockup ends."""
    return ThreadPoolExecutor(1, thread_name_prefix=HELPER_THREAD_PREFIX)


def first_and_then(
    first: Callable[[], First], then: Callable[[], Then], beside: bool
) -> tuple[First, Then]:
    """`first()` and `then()`'s results: one after the other, or with `beside`, `then` on the
    helper thread while `first` runs (both done when this returns)."""
    if not beside:
        done = first()
        return done, then()
    with helper_thread() as helper:
        later = helper.submit(then)
        return first(), later.result()
