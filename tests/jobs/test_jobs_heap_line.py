"""A queued job's heap line: kept bounded, written to Redis at most four times a second, read
back checked, and asked only of renderers that draw one."""

from __future__ import annotations

import itertools

import pytest
from rq.job import JobStatus

from mockups.jobs import RenderJob
from mockups.jobs.heap_line import HeapLine, heap_points
from mockups.jobs.spec import takes_samples
from mockups.jobs.worker import SAMPLE_WRITE_SECONDS, MetaProgress
from mockups.options import RenderOptions
from mockups.render.renderers import PLAIN, PROFILED, find_renderer
from mockups.runs.folder import MockupResult


def test_a_long_render_keeps_a_bounded_line_from_its_start_at_an_even_step():
    line = HeapLine(max_points=8)
    for n in range(100):
        line.add(n * 0.2, 1000 + n, 500 + n)
    assert len(line.points) <= 8
    assert line.points[0] == (0.0, 1000, 500), "the start is kept"
    steps = {round(b[0] - a[0], 6) for a, b in itertools.pairwise(line.points)}
    assert len(steps) == 1, f"an uneven line: {steps}"
    assert line.points[-1][0] >= 99 * 0.2 - steps.pop(), "the line reaches the latest samples"


def test_a_short_render_keeps_every_sample():
    line = HeapLine(max_points=8)
    offered = [(n * 0.2, 1000 + n, None if n == 0 else 500 + n) for n in range(8)]
    assert all(line.add(*point) for point in offered)
    assert line.points == offered


def test_a_damaged_line_in_redis_is_read_with_what_it_has():
    entries = [
        [0.2, 1000, None],
        [0.4, 1100, 600],
        "not a point",
        [0.6, "lots", 600],
        [True, 1100, 600],
        [0.8, 1200, -5],
        [1, 1300, 700],
        [1.2, 1400],
    ]
    assert heap_points(entries) == [(0.2, 1000, None), (0.4, 1100, 600), (1.0, 1300, 700)]
    assert heap_points({"not": "a list"}) == []
    assert heap_points([[n, 1, 1] for n in range(10_000)], max_points=5)[0] == (9995.0, 1, 1)


def test_only_a_renderer_with_a_sample_parameter_is_given_samples():
    assert takes_samples(find_renderer(PROFILED))
    assert not takes_samples(find_renderer(PLAIN))
    assert not takes_samples(lambda artwork, out_dir, *, options, progress=None: None)


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def hset_calls(connection) -> int:
    return connection.info("commandstats").get("cmdstat_hset", {}).get("calls", 0)


@pytest.mark.slow
def test_the_line_reaches_redis_at_most_four_times_a_second_and_whole_at_each_write(
    render_queue, artwork_jpeg, tmp_path
):
    job = RenderJob(
        artwork=artwork_jpeg, run_dir=tmp_path / "run", options=RenderOptions(templates=["poster"])
    )
    render_queue.enqueue(job)
    clock = FakeClock()
    progress = MetaProgress(render_queue.queue.fetch_job(job.id), clock=clock)
    before = hset_calls(render_queue.connection)
    seen_lengths = []
    for n in range(50):  # ten seconds of samples, five a second
        clock.now = n * 0.2
        progress.sample(clock.now, 100_000 + n, 50_000 + n)
        seen_lengths.append(len(render_queue.status(job.id).samples))
    writes = hset_calls(render_queue.connection) - before
    assert 10 / SAMPLE_WRITE_SECONDS / 2 <= writes <= 10 / SAMPLE_WRITE_SECONDS + 1
    assert max(b - a for a, b in itertools.pairwise(seen_lengths)) <= 2, "a stale line"
    progress(1, 1, landed_poster())  # a landing writes at once, the newest samples with it
    status = render_queue.status(job.id)
    assert status.samples == [(n * 0.2, 100_000 + n, 50_000 + n) for n in range(50)]
    assert [m.template for m in status.landed] == ["poster"]


def landed_poster() -> MockupResult:
    return MockupResult(
        index=1, template="poster", file="01-poster.jpg", thumbnail="thumbs/01-poster.jpg",
        width=3000, height=2000, bytes=1, seconds=0.3, started_unix=0.0, finished_unix=0.3,
        rss_before_bytes=1, rss_after_bytes=2, worker="pid 1",
    )  # fmt: skip


@pytest.mark.slow
def test_a_retried_job_starts_without_the_failed_attempts_line_and_figures(
    render_queue, artwork_jpeg, tmp_path
):
    job = RenderJob(
        artwork=artwork_jpeg, run_dir=tmp_path / "run", options=RenderOptions(templates=["poster"])
    )
    render_queue.enqueue(job)
    rq_job = render_queue.queue.fetch_job(job.id)
    progress = MetaProgress(rq_job)
    progress.sample(0.2, 100_000, 50_000)
    progress(1, 1, landed_poster())
    assert render_queue.status(job.id).samples == [(0.2, 100_000, 50_000)]
    rq_job.set_status(JobStatus.FAILED)  # as RQ fails one: status, then its registry
    render_queue.queue.failed_job_registry.add(rq_job)
    render_queue.retry(job.id)
    retried = render_queue.status(job.id)
    assert (retried.state, retried.samples, retried.landed) == ("queued", [], [])
