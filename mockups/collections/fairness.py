"""A collection's fair share of a render back-end: how many of its artworks the back-end may
hold at once, so a single render started meanwhile is never queued behind a whole collection.

On the Redis queue: one per worker and one more waiting, so no worker idles between two of the
collection's artworks; the next artworks are queued as these end (by whoever follows the
collection: the command line, or a thread of the web). A single render queued meanwhile is
behind at most one waiting artwork and those being rendered. In the embedded render slots:
one, leaving the other slot to single renders. RQ keeps its reliable one-queue dequeue.
"""

from __future__ import annotations

from mockups.jobs.backend import RenderBackend

LOCAL_SHARE = 1


def fair_share(backend: RenderBackend) -> int:
    queue = getattr(backend, "queue", None)  # a RenderQueue's RQ queue; the slots have none
    if queue is None:
        return LOCAL_SHARE
    from rq import Worker

    return max(1, Worker.count(queue=queue)) + 1
