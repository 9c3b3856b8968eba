"""Render jobs on a real redis-server, rendered by real `python -m mockups worker` processes."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from mockups.jobs import JobNotFound, JobRefused, RenderJob, estimate_peak
from mockups.jobs.worker import MetaProgress
from mockups.options import RenderOptions
from mockups.render.renderers import PROFILED
from mockups.render.run import RUN_FILE, MockupResult, render_run
from mockups.runs.folder import read_run
from profiling.figures import MockupFigures
from tests.jobs_support import ROOT, WAIT_SECONDS, process_gone, run_burst_worker, wait_for

pytestmark = pytest.mark.slow

TEMPLATES = ["framed-wall", "pillow", "poster"]


def digests(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name != RUN_FILE
    }


@pytest.fixture
def reference_run(artwork_jpeg, tmp_path) -> dict[str, str]:
    """The files an in-process render of TEMPLATES writes."""
    render_run(artwork_jpeg, tmp_path / "in-process", options=RenderOptions(templates=TEMPLATES))
    return digests(tmp_path / "in-process")


def test_enqueue_returns_at_once_and_each_job_sees_its_place_in_line(
    render_queue, artwork_jpeg, tmp_path
):
    ids = [
        render_queue.enqueue(
            RenderJob(
                artwork=artwork_jpeg,
                run_dir=tmp_path / f"run-{n}",
                options=RenderOptions(templates=["poster"] * n),
            )
        )
        for n in (1, 2, 3)
    ]
    statuses = [render_queue.status(job_id) for job_id in ids]
    assert [s.state for s in statuses] == ["queued"] * 3
    assert [s.place for s in statuses] == [1, 2, 3]
    assert [(s.done, s.total) for s in statuses] == [(0, 1), (0, 2), (0, 3)]
    assert statuses[2].run_dir == str(tmp_path / "run-3")


def test_a_worker_renders_in_queue_order_into_files_identical_to_an_in_process_run(
    render_queue, start_worker, artwork_jpeg, tmp_path, reference_run
):
    ids = [
        render_queue.enqueue(
            RenderJob(
                artwork=artwork_jpeg,
                run_dir=tmp_path / f"queued-{n}",
                options=RenderOptions(templates=TEMPLATES),
            )
        )
        for n in (1, 2)
    ]
    run_burst_worker(start_worker)
    first, second = (render_queue.status(job_id) for job_id in ids)
    assert first.state == second.state == "finished"
    assert first.ended_at <= second.started_at
    for status in (first, second):
        assert digests(Path(status.run_dir)) == reference_run


def test_progress_and_memory_flow_back_per_mockup_and_stay_under_the_estimate(
    render_queue, start_worker, artwork_jpeg, tmp_path
):
    job = RenderJob(
        artwork=artwork_jpeg, run_dir=tmp_path / "run", options=RenderOptions(templates=TEMPLATES)
    )
    render_queue.enqueue(job)
    start_worker("--burst")
    seen = []

    def poll():
        status = render_queue.status(job.id)
        seen.append((status.done, status.template, status.rss_bytes))
        return status

    final = wait_for(poll, lambda status: status.state in ("finished", "failed"))
    assert final.state == "finished", final.error
    assert (final.done, final.total, final.template) == (3, 3, "poster")
    progress = [(done, template) for done, template, _ in dict.fromkeys(seen)]
    assert [done for done, _ in progress] == sorted(done for done, _ in progress)
    assert {(1, "framed-wall"), (2, "pillow"), (3, "poster")} >= set(progress) - {(0, None)}
    assert len(set(progress) - {(0, None)}) >= 2, "progress arrived only at the end"
    peak = json.loads((tmp_path / "run" / RUN_FILE).read_text())["peak_rss_bytes"]
    assert 0 < final.rss_bytes <= peak <= estimate_peak(job).peak_bytes
    assert 0 < final.heap_bytes < final.rss_bytes


def test_a_killed_worker_fails_its_job_with_a_reason_and_a_retry_finishes_it(
    render_queue, start_worker, artwork_jpeg, tmp_path, reference_run
):
    job = RenderJob(
        artwork=artwork_jpeg, run_dir=tmp_path / "run", options=RenderOptions(templates=TEMPLATES)
    )
    render_queue.enqueue(job)
    worker = start_worker()
    wait_for(lambda: render_queue.status(job.id), lambda status: status.done >= 1)
    worker.send_signal(signal.SIGKILL)
    worker.wait(WAIT_SECONDS)
    render_pid = render_queue.queue.fetch_job(job.id).meta["pid"]
    wait_for(lambda: process_gone(render_pid), bool)  # nothing goes on writing into the run

    failed = render_queue.status(job.id)
    assert failed.state == "failed", failed
    assert "stopped before it finished" in failed.error
    assert failed.done < failed.total == 3
    assert not (tmp_path / "run" / RUN_FILE).exists()
    assert list((tmp_path / "run").glob("*.jpg")), "the kill came after the first mockup"

    render_queue.retry(job.id)
    assert render_queue.status(job.id).state == "queued"
    run_burst_worker(start_worker)
    finished = render_queue.status(job.id)
    assert finished.state == "finished" and finished.error is None
    assert digests(tmp_path / "run") == reference_run


def test_a_render_process_killed_mid_job_fails_it_at_once_with_the_signal(
    render_queue, start_worker, artwork_jpeg, tmp_path
):
    job = RenderJob(
        artwork=artwork_jpeg, run_dir=tmp_path / "run", options=RenderOptions(templates=TEMPLATES)
    )
    render_queue.enqueue(job)
    worker = start_worker("--burst")
    wait_for(lambda: render_queue.status(job.id), lambda status: status.done >= 1)
    os.kill(render_queue.queue.fetch_job(job.id).meta["pid"], signal.SIGKILL)
    _, errors = worker.communicate(timeout=WAIT_SECONDS)
    assert worker.returncode == 0, errors
    failed = render_queue.status(job.id)
    assert failed.state == "failed"
    assert "killed by signal 9" in failed.error
    assert not (tmp_path / "run" / RUN_FILE).exists()


def test_a_profiled_job_renders_under_the_profiler_the_job_names(
    render_queue, start_worker, artwork_jpeg, tmp_path
):
    job = RenderJob(
        artwork=artwork_jpeg,
        run_dir=tmp_path / "run",
        options=RenderOptions(templates=["poster"]),
        renderer=PROFILED,
    )
    render_queue.enqueue(job)
    run_burst_worker(start_worker)
    assert render_queue.status(job.id).state == "finished"
    assert (tmp_path / "run" / "profile" / "summary.json").is_file()


def test_a_render_error_fails_the_job_with_its_one_line_message(
    render_queue, start_worker, artwork_jpeg, tmp_path
):
    job = RenderJob(
        artwork=artwork_jpeg, run_dir=tmp_path / "run", options=RenderOptions(templates=["poster"])
    )
    render_queue.enqueue(job)
    artwork_jpeg.unlink()
    run_burst_worker(start_worker)
    failed = render_queue.status(job.id)
    assert (failed.state, failed.error) == ("failed", "artwork.jpg: no such file")


def test_a_job_over_the_budget_is_refused_before_it_is_queued(
    render_queue, artwork_jpeg, tmp_path, monkeypatch
):
    monkeypatch.setenv("MOCKUPLAB_JOB_BUDGET_MB", "20")
    job = RenderJob(
        artwork=artwork_jpeg, run_dir=tmp_path / "run", options=RenderOptions(templates=TEMPLATES)
    )
    with pytest.raises(JobRefused, match="the budget is 20 MB"):
        render_queue.enqueue(job)
    assert render_queue.queue.count == 0
    with pytest.raises(JobNotFound):
        render_queue.status(job.id)


def test_only_a_failed_job_can_be_retried(render_queue, artwork_jpeg, tmp_path):
    job_id = render_queue.enqueue(
        RenderJob(
            artwork=artwork_jpeg,
            run_dir=tmp_path / "run",
            options=RenderOptions(templates=["poster"]),
        )
    )
    with pytest.raises(Exception, match="only a failed job is retried"):
        render_queue.retry(job_id)
    assert render_queue.status(job_id).place == 1


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [([], "pass --url or set REDIS_URL"), (["--url", "redis://127.0.0.1:1/0"], "cannot reach")],
)
def test_the_worker_command_without_a_reachable_redis_exits_2_with_one_line(arguments, expected):
    environment = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    done = subprocess.run(
        [sys.executable, "-m", "mockups", "worker", *arguments],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=WAIT_SECONDS,
    )
    assert done.returncode == 2
    assert len(done.stderr.splitlines()) == 1 and expected in done.stderr


def test_each_landed_mockup_travels_whole_in_the_progress_as_it_lands(
    render_queue, start_worker, artwork_jpeg, tmp_path
):
    job = RenderJob(
        artwork=artwork_jpeg, run_dir=tmp_path / "run", options=RenderOptions(templates=TEMPLATES)
    )
    render_queue.enqueue(job)
    start_worker("--burst")
    seen = []

    def poll():
        status = render_queue.status(job.id)
        seen.append(status)
        return status

    final = wait_for(poll, lambda status: status.state in ("finished", "failed"))
    assert final.state == "finished", final.error
    assert final.landed == read_run(tmp_path / "run").mockups
    assert final.samples == [], "a plain render draws no heap line"
    # the back-end interface reads the same figures as the status carries
    assert render_queue.landed(job.id) == final.landed
    assert render_queue.samples(job.id) == []
    during = [s for s in seen if s.state == "started" and s.landed]
    assert during, "no mockup's figures arrived before the job ended"
    for status in during:
        assert status.landed == final.landed[: len(status.landed)]
        assert len(status.landed) == status.done


def test_a_landed_mockup_keeps_every_figure_a_profiler_fills(render_queue, artwork_jpeg, tmp_path):
    job = RenderJob(
        artwork=artwork_jpeg, run_dir=tmp_path / "run", options=RenderOptions(templates=["poster"])
    )
    render_queue.enqueue(job)
    profiled = MockupResult(
        index=1,
        template="poster",
        file="01-poster.jpg",
        thumbnail="thumbs/01-poster.jpg",
        width=3000,
        height=2250,
        bytes=812_345,
        seconds=0.61,
        started_unix=1_700_000_000.0,
        finished_unix=1_700_000_000.61,
        rss_before_bytes=90_000_000,
        rss_after_bytes=95_000_000,
        worker="pid 7",
        heap_after_bytes=40_000_000,
        profile={  # whatever a profiler fills, the queue carries as it is
            "heap_peak_bytes": 61_000_000,
            "allocated_bytes": 250_000_000,
            "leaked_bytes": 4096,
            "heap_exact": True,
            "rss_exact": False,
            "ratio": 0.25,
            "summary": "heap peak 58.2 MB, leaked 0.00 MB",
        },
    )
    MetaProgress(render_queue.queue.fetch_job(job.id))(1, 1, profiled)
    status = render_queue.status(job.id)
    assert status.landed == [profiled]
    assert (status.done, status.template, status.heap_bytes) == (1, "poster", 40_000_000)


def test_landed_figures_from_an_older_worker_are_read_with_what_they_have(
    render_queue, artwork_jpeg, tmp_path
):
    job = RenderJob(
        artwork=artwork_jpeg, run_dir=tmp_path / "run", options=RenderOptions(templates=["poster"])
    )
    render_queue.enqueue(job)
    rq_job = render_queue.queue.fetch_job(job.id)
    rq_job.meta["landed"] = [
        {"index": 1, "template": "poster", "seconds": 2, "heap_peak_bytes": "lots"},
        "not a mockup",
    ]
    rq_job.save_meta()
    (landed,) = render_queue.status(job.id).landed
    assert (landed.index, landed.template, landed.seconds) == (1, "poster", 2)
    assert (landed.file, landed.bytes) == ("", 0)
    # an older worker's flat figures land in the profile block; the profiler reads none of
    # them as its figures, since the heap peak is no number
    assert landed.profile == {"heap_peak_bytes": "lots"}
    assert MockupFigures.of(landed) is None
