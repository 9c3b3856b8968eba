"""Embedded render slots: at most N renders at once in this process, the rest wait in order.

One `RenderSlots` is shared by every thread of the process (every dashboard session). A
waiting render sees its place in line through `on_place(place)`, called in its own thread:
1 is next, 0 means it holds a slot and is rendering.
"""

from __future__ import annotations

import itertools
import threading
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from mockups.jobs.budget import check_budget
from mockups.jobs.spec import RenderJob, run_in_process
from mockups.render.run import Progress, RunResult

DEFAULT_SLOTS = 2
# How often a waiting render hears its place even when it has not changed, so a caller
# (a dashboard session that was closed) can give up its place by raising from `on_place`.
PLACE_REMINDER_SECONDS = 0.5

OnPlace = Callable[[int], None]

_numbers = itertools.count(1)


@dataclass(eq=False)
class Ticket:
    """A place in line; tickets compare by identity."""

    number: int = field(default_factory=lambda: next(_numbers))


class RenderSlots:
    def __init__(self, slots: int = DEFAULT_SLOTS) -> None:
        if slots < 1:
            raise ValueError(f"render slots must be at least 1, not {slots}")
        self.slots = slots
        self._changed = threading.Condition()
        self._line: deque[Ticket] = deque()
        self._rendering: set[Ticket] = set()

    @property
    def rendering(self) -> int:
        with self._changed:
            return len(self._rendering)

    @property
    def waiting(self) -> int:
        with self._changed:
            return len(self._line)

    def place(self, ticket: Ticket) -> int | None:
        """0 while rendering, n when n-th in line, None once it has left."""
        with self._changed:
            return self._place(ticket)

    def render(
        self,
        job: RenderJob,
        progress: Progress | None = None,
        on_place: OnPlace | None = None,
    ) -> RunResult:
        """Render `job` in this process when a slot is free; refuses it first if over budget."""
        check_budget(job)
        with self.slot(on_place):
            return run_in_process(job, progress, release_memory=True)

    @contextmanager
    def slot(self, on_place: OnPlace | None = None) -> Iterator[Ticket]:
        """Wait in line for a slot and hold it inside the block; leave the line on any error."""
        ticket = Ticket()
        with self._changed:
            self._line.append(ticket)
            self._changed.notify_all()
        try:
            self._wait_for_turn(ticket, on_place)
            yield ticket
        finally:
            with self._changed:
                if ticket in self._line:
                    self._line.remove(ticket)
                self._rendering.discard(ticket)
                self._changed.notify_all()

    def _wait_for_turn(self, ticket: Ticket, on_place: OnPlace | None) -> None:
        told = None
        while True:
            with self._changed:
                place = self._take_slot_if_first(ticket)
                if place == told:
                    self._changed.wait(PLACE_REMINDER_SECONDS)
                    place = self._take_slot_if_first(ticket)
            assert place is not None, "a waiting ticket leaves the line only when its wait ends"
            # outside the lock: the callback may draw on a page, or raise to give up
            if on_place is not None:
                on_place(place)
            told = place
            if place == 0:
                return

    def _take_slot_if_first(self, ticket: Ticket) -> int | None:
        if self._line[0] is ticket and len(self._rendering) < self.slots:
            self._line.popleft()
            self._rendering.add(ticket)
            self._changed.notify_all()
        return self._place(ticket)

    def _place(self, ticket: Ticket) -> int | None:
        if ticket in self._rendering:
            return 0
        try:
            return self._line.index(ticket) + 1
        except ValueError:
            return None
